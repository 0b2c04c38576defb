"""The call's clock: stage timings in milliseconds since the stream began, and the wall time.

Everything in a call that needs "now" (a reminder's "kal shaam", "aaj ka
sale") asks this clock, so a test or a replay can fix the time in one place.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

SHOP_TZ = ZoneInfo("Asia/Kolkata")


def _system_now() -> datetime:
    return datetime.now(SHOP_TZ)


class CallClock:
    """Milliseconds since the call's stream started (monotonic, immune to wall-clock jumps),
    and the shop's wall time (`now`, aware Asia/Kolkata; injectable)."""

    def __init__(self, wall: Callable[[], datetime] | None = None) -> None:
        self._t0 = time.monotonic()
        self._wall0 = time.time()
        self._wall = wall or _system_now

    def now_ms(self) -> float:
        return round((time.monotonic() - self._t0) * 1000.0, 1)

    def now(self) -> datetime:
        """The wall time in the shop's zone."""
        return self._wall().astimezone(SHOP_TZ)

    def wall_to_ms(self, wall_ts: float) -> float:
        """Convert a `time.time()` stamp (as pipecat's VAD frames carry) to call milliseconds."""
        return round((wall_ts - self._wall0) * 1000.0, 1)
