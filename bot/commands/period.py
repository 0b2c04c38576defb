"""Report periods: a spoken `period` -> an inclusive range of shop dates.

`{day_offset}` (aaj 0, kal -1), `{range: this_week|last_week|this_month|last_month}`
(weeks start on Monday), `{month: 1-12}` (the latest such month not in the future),
`{fy: "2024-25"}` (1 April - 31 March). A range never runs past today.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.commands import values as v
from business.shoptime import shop_date

RANGES = ("this_week", "last_week", "this_month", "last_month")
_FY = re.compile(r"^(?:fy\s*)?(\d{2}|\d{4})\s*[-/]\s*(\d{2}|\d{4})$", re.I)


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both included (Asia/Kolkata dates)."""

    start: date
    end: date
    phrase: str | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _month_end(d: date) -> date:
    nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _named_range(name: str, today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    if name == "this_week":
        return monday, today
    if name == "last_week":
        return monday - timedelta(days=7), monday - timedelta(days=1)
    first = today.replace(day=1)
    if name == "this_month":
        return first, today
    prev_end = first - timedelta(days=1)
    return prev_end.replace(day=1), prev_end


def _fy_start(raw: Any) -> int | None:
    """'2024-25' / '24-25' / 'FY 2024-25' -> 2024."""
    word = v.text(raw)
    m = _FY.match(word) if word else None
    if m is None:
        return None
    start = int(m.group(1))
    start = start + 2000 if start < 100 else start
    end = int(m.group(2)) % 100
    return start if (start + 1) % 100 == end else None


def resolve_period(period: Any, now: datetime) -> Period | None:
    """The dates a spoken period covers, seen from `now` (aware); None when unreadable or all in the future."""
    if not isinstance(period, dict) or now.tzinfo is None or now.utcoffset() is None:
        return None
    today = shop_date(now)
    phrase = v.text(period.get("phrase"))
    start: date
    end: date
    if period.get("day_offset") is not None:
        offset = v.integer(period.get("day_offset"), -3660, 3660)
        if offset is None:
            return None
        start = end = today + timedelta(days=offset)
    elif v.choice(period.get("range"), RANGES) is not None:
        start, end = _named_range(str(v.choice(period.get("range"), RANGES)), today)
    elif period.get("month") is not None:
        month = v.integer(period.get("month"), 1, 12)
        if month is None:
            return None
        year = today.year if month <= today.month else today.year - 1
        start = date(year, month, 1)
        end = _month_end(start)
    elif period.get("fy") is not None:
        fy = _fy_start(period.get("fy"))
        if fy is None:
            return None
        start, end = date(fy, 4, 1), date(fy + 1, 3, 31)
    else:
        return None
    end = min(end, today)
    if start > end:
        return None
    return Period(start=start, end=end, phrase=phrase)
