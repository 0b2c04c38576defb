"""One time resolver: a spoken `when` -> an aware Asia/Kolkata moment (+ a repeat rule).

Rules (the shopkeeper's sense of time, shared/spec/intents.md):
- no hour and no part of day -> 10:00 shop time; a part of day alone -> subah 9,
  dopahar 14, shaam 18, raat 20;
- an hour 1-11 with shaam (and 6-11 with raat, 1-7 with dopahar) is afternoon/evening
  (+12); "raat 2 baje" stays 02:00;
- a time already past today with no day said -> the next such time (tomorrow);
- the result is never in the past: a past moment is None (the conversation asks "kab?").
The clock is passed in (`now`), never read here.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.commands import values as v
from business.shoptime import IST

WEEKDAYS: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
PART_DEFAULT_HOUR: dict[str, int] = {"morning": 9, "afternoon": 14, "evening": 18, "night": 20}
DEFAULT_HOUR = 10
FREQS = ("daily", "weekly", "monthly")
_PART_ALIASES = {"subah": "morning", "savere": "morning", "dopahar": "afternoon", "shaam": "evening",
                 "sham": "evening", "raat": "night"}


@dataclass(frozen=True)
class Recurrence:
    """A repeat rule: every `interval` days/weeks/months, on a weekday (0 = Monday) or a day of the month."""

    freq: str  # daily | weekly | monthly
    interval: int = 1
    weekday: int | None = None
    day_of_month: int | None = None

    def next_after(self, at: datetime) -> datetime:
        """The occurrence after `at` (same clock time, shop calendar)."""
        local = at.astimezone(IST)
        if self.freq == "daily":
            day = local.date() + timedelta(days=self.interval)
        elif self.freq == "weekly":
            day = local.date() + timedelta(weeks=self.interval)
        else:
            dom = self.day_of_month or local.day
            day = _month_day(local.year, local.month, dom, months_ahead=self.interval)
        return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=IST)


@dataclass(frozen=True)
class ResolvedTime:
    """When something is due: the first (or only) moment, and how it repeats."""

    at: datetime  # aware, Asia/Kolkata
    recurrence: Recurrence | None = None
    phrase: str | None = None  # the words as spoken ("kal shaam 7 baje")


def weekday_index(value: Any) -> int | None:
    """'monday' / 'Mon' -> 0; an int 0-6 (Monday = 0) is taken as is."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value <= 6 else None
    word = v.text(value)
    if word is None:
        return None
    low = word.lower()
    for i, name in enumerate(WEEKDAYS):
        if low == name or (len(low) >= 3 and name.startswith(low)):
            return i
    return None


def part_of_day(value: Any) -> str | None:
    word = v.text(value)
    if word is None:
        return None
    low = word.lower()
    low = _PART_ALIASES.get(low, low)
    return low if low in PART_DEFAULT_HOUR else None


def clock_hour(hour: int, part: str | None) -> int:
    """A spoken hour in 24-h, given the part of day ("shaam 7" -> 19, "raat 9" -> 21, "raat 12" -> 0)."""
    if part == "evening" and 1 <= hour <= 11:
        return hour + 12
    if part == "night" and 6 <= hour <= 11:
        return hour + 12
    if part == "night" and hour == 12:
        return 0
    if part == "afternoon" and 1 <= hour <= 7:
        return hour + 12
    return hour


def recurrence_of(raw: Any) -> Recurrence | None:
    if not isinstance(raw, dict):
        return None
    freq = v.choice(raw.get("freq"), FREQS)
    if freq is None:
        return None
    interval = v.integer(raw.get("interval"), 1, 366) or 1
    return Recurrence(freq=freq, interval=interval, weekday=weekday_index(raw.get("weekday")),
                      day_of_month=v.integer(raw.get("day_of_month"), 1, 31))


def _month_day(year: int, month: int, dom: int, *, months_ahead: int = 0) -> date:
    """Day `dom` of the month `months_ahead` after (year, month); a short month gives its last day."""
    index = year * 12 + (month - 1) + months_ahead
    y, m = divmod(index, 12)
    last = calendar.monthrange(y, m + 1)[1]
    return date(y, m + 1, min(dom, last))


def _next_dom(today: date, dom: int, clock: time, now: datetime) -> date:
    """The next day `dom` whose `clock` time is still ahead (this month or later)."""
    for ahead in range(0, 13):
        day = _month_day(today.year, today.month, dom, months_ahead=ahead)
        if day >= today and datetime.combine(day, clock, tzinfo=IST) > now:
            return day
    return _month_day(today.year, today.month, dom, months_ahead=1)  # unreachable in practice


def _next_weekday(today: date, wd: int, clock: time, now: datetime, *, today_ok: bool) -> date:
    ahead = (wd - today.weekday()) % 7
    day = today + timedelta(days=ahead)
    if ahead == 0 and not (today_ok and datetime.combine(day, clock, tzinfo=IST) > now):
        day += timedelta(days=7)
    return day


def _clock(when: dict[str, Any]) -> time | None:
    """The clock time said (or its default), None when the hour/minute are garbled."""
    part = part_of_day(when.get("part_of_day"))
    hour_raw = when.get("hour")
    minute = v.integer(when.get("minute"), 0, 59) if when.get("minute") is not None else 0
    if minute is None:
        return None
    if hour_raw is None:
        return time(PART_DEFAULT_HOUR[part] if part else DEFAULT_HOUR, minute if part else 0)
    hour = v.integer(hour_raw, 0, 24)
    if hour is None:
        return None
    hour = clock_hour(hour, part) % 24
    return time(hour, minute)


def resolve_when(when: Any, now: datetime) -> ResolvedTime | None:
    """The moment a spoken `when` names, seen from `now` (aware); None when too vague, garbled or past."""
    if not isinstance(when, dict) or now.tzinfo is None or now.utcoffset() is None:
        return None
    local = now.astimezone(IST)
    phrase = v.text(when.get("phrase"))
    rec = recurrence_of(when.get("recurrence"))
    if when.get("relative_minutes") is not None:
        minutes = v.integer(when.get("relative_minutes"), 0, 60 * 24 * 400)
        if minutes is None:
            return None
        return ResolvedTime(at=(local + timedelta(minutes=minutes)).replace(microsecond=0), recurrence=rec, phrase=phrase)
    clock = _clock(when)
    if clock is None:
        return None
    today = local.date()
    offset = v.integer(when.get("day_offset"), -3660, 3660) if when.get("day_offset") is not None else None
    if when.get("day_offset") is not None and offset is None:
        return None
    weekday = weekday_index(when.get("weekday"))
    dom = v.integer(when.get("day_of_month"), 1, 31)
    if rec is not None:
        weekday = rec.weekday if weekday is None else weekday
        dom = rec.day_of_month if dom is None else dom
    explicit = offset is not None or weekday is not None or dom is not None
    if offset is not None:
        day = today + timedelta(days=offset)
    elif weekday is not None:
        # "somvar ko" said on a Monday means next Monday; "har somvar" may start today
        day = _next_weekday(today, weekday, clock, local, today_ok=rec is not None)
    elif dom is not None:
        day = _next_dom(today, dom, clock, local)
    else:
        day = today
    at = datetime.combine(day, clock, tzinfo=IST)
    if not explicit and at <= local:
        at += timedelta(days=1)
    if at <= local:
        return None
    return ResolvedTime(at=at, recurrence=rec, phrase=phrase)


def resolve_day(when: Any, now: datetime, *, future: bool = False) -> date | None:
    """The shop date a `when` names, past or future allowed ("kal wala bill", "aaj ke reminder").

    A weekday or day of the month alone is the latest one up to today, or with
    `future` the next one from today on. None when no day was said.
    """
    if not isinstance(when, dict) or now.tzinfo is None or now.utcoffset() is None:
        return None
    today = now.astimezone(IST).date()
    if when.get("day_offset") is not None:
        offset = v.integer(when.get("day_offset"), -3660, 3660)
        return None if offset is None else today + timedelta(days=offset)
    weekday = weekday_index(when.get("weekday"))
    if weekday is not None:
        if future:
            return today + timedelta(days=(weekday - today.weekday()) % 7)
        return today - timedelta(days=(today.weekday() - weekday) % 7)
    dom = v.integer(when.get("day_of_month"), 1, 31)
    if dom is not None:
        if future:
            return next(d for a in range(13) if (d := _month_day(today.year, today.month, dom, months_ahead=a)) >= today)
        return next(d for a in range(0, -13, -1) if (d := _month_day(today.year, today.month, dom, months_ahead=a)) <= today)
    return None
