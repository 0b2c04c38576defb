"""How long wrong PINs lock a calling number out of a shop (pure).

Three wrong PINs are forgiven (a fumbled keypad); from then on every wrong PIN
locks that (shop, calling number) for a growing time, across calls: 5 minutes,
10, 20, ... up to a day. A right PIN clears the count. Four digits tried at
this pace take years, not an afternoon of redials.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

FREE_FAILURES = 3
FIRST_LOCK = timedelta(minutes=5)
LONGEST_LOCK = timedelta(days=1)


def lock_for(failures: int) -> timedelta | None:
    """The lock-out after `failures` wrong PINs in a row (None: no lock yet)."""
    if failures < FREE_FAILURES:
        return None
    return min(FIRST_LOCK * (2 ** (failures - FREE_FAILURES)), LONGEST_LOCK)


@dataclass(frozen=True)
class PinCheck:
    """The outcome of one PIN entry: accepted, or refused (and until when the number is locked)."""

    ok: bool
    locked_until: datetime | None = None
    lock_started: bool = False  # this failure began a lock-out (the owner is told)

    def locked_at(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now
