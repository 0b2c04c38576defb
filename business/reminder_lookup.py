"""Finding the reminder a shopkeeper means: "5 baje wala reminder hata do".

A spoken time names a moment (resolved by the bot to an aware datetime). Reminders
due within `window` of it come first, nearest first; when none are, those due at
that time of day on another date (Asia/Kolkata) are offered, nearest date first.
Pure: the caller reads the reminders.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from business.errors import ValidationError
from business.models import Reminder
from business.shoptime import IST

DEFAULT_WINDOW = timedelta(hours=1)
_DAY_MINUTES = 24 * 60


def aware(moment: object, field: str) -> datetime:
    """`moment` when it is a timezone-aware datetime. Raises ValidationError."""
    if not isinstance(moment, datetime) or moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError(f"{field} must be a timezone-aware datetime", field)
    return moment


def _minute_of_day(moment: datetime) -> int:
    local = moment.astimezone(IST)
    return local.hour * 60 + local.minute


def _clock_gap(a: datetime, b: datetime) -> int:
    """Minutes between two times of day (IST), across midnight."""
    d = abs(_minute_of_day(a) - _minute_of_day(b))
    return min(d, _DAY_MINUTES - d)


def nearest(reminders: Sequence[Reminder], around: datetime, window: timedelta = DEFAULT_WINDOW) -> list[Reminder]:
    """The reminders due near `around` (see the module docstring), best first."""
    close = [r for r in reminders if abs(r.due_at - around) <= window]
    if close:
        return sorted(close, key=lambda r: (abs(r.due_at - around), r.id))
    limit = window.total_seconds() / 60
    same_time = [r for r in reminders if _clock_gap(r.due_at, around) <= limit]
    return sorted(same_time, key=lambda r: (abs(r.due_at - around), r.id))
