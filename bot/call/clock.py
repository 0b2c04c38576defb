"""A per-call monotonic clock: stage timings are milliseconds since the stream began."""

from __future__ import annotations

import time


class CallClock:
    """Milliseconds since the call's stream started (monotonic, immune to wall-clock jumps)."""

    def __init__(self) -> None:
        self._t0 = time.monotonic()
        self._wall0 = time.time()

    def now_ms(self) -> float:
        return round((time.monotonic() - self._t0) * 1000.0, 1)

    def wall_to_ms(self, wall_ts: float) -> float:
        """Convert a `time.time()` stamp (as pipecat's VAD frames carry) to call milliseconds."""
        return round((wall_ts - self._wall0) * 1000.0, 1)
