"""How many calls this process carries at once.

Each live call holds a pipeline, a recogniser and audio buffers; past what the
process can serve every caller would hear a slow bot. Beyond the limit a new
caller hears "all lines busy" and the call ends, rather than silence. One
event loop owns the counter, so it needs no lock.
"""

from __future__ import annotations

from typing import Any

from bot.metrics import ACTIVE_CALLS

# Said (en-IN voice) to a caller refused for capacity before the stream starts.
BUSY = "Sorry, all lines are busy right now. Please call again in a little while."


class CallSlots:
    """A counter of live calls with a ceiling."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self.active = 0

    @property
    def full(self) -> bool:
        return self.active >= self.limit

    def take(self, carrier: str = "twilio") -> bool:
        """Hold a slot for a starting call of `carrier`; False when the process is full."""
        if self.full:
            return False
        self.active += 1
        ACTIVE_CALLS.labels(carrier=carrier).inc()  # execora_active_calls, summed over processes
        return True

    def release(self, carrier: str = "twilio") -> None:
        if self.active > 0:
            ACTIVE_CALLS.labels(carrier=carrier).dec()
        self.active = max(0, self.active - 1)


def call_slots(state: Any) -> CallSlots:
    """The app's slots (`app.state.call_slots`), made on first use from `settings.max_concurrent_calls`."""
    slots = getattr(state, "call_slots", None)
    if slots is None:
        settings = getattr(state, "settings", None)
        slots = CallSlots(int(getattr(settings, "max_concurrent_calls", 20)))
        state.call_slots = slots
    return slots
