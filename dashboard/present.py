"""Presentation helpers: how times, phones, money, durations and timings read on the pages.

Pure functions (unit-testable), used as Jinja filters. Times are shown in
Asia/Kolkata; caller numbers keep only their last 4 digits.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from business.money import format_rupees
from business.shoptime import IST


def ist(at: datetime | None, fmt: str = "%d %b %Y, %H:%M:%S") -> str:
    """An aware instant as Asia/Kolkata wall time ('' for None)."""
    if at is None:
        return ""
    return at.astimezone(IST).strftime(fmt)


def mask_number(phone: str | None) -> str:
    """'+919876543210' -> '••••••••3210'; short or empty numbers are hidden entirely."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if len(digits) < 5:
        return "hidden" if digits else "unknown"
    return "•" * (len(digits) - 4) + digits[-4:]


def duration(started: datetime | None, ended: datetime | None) -> str:
    """'1m 05s' between two instants; '' while the call is still open."""
    if started is None or ended is None:
        return ""
    return seconds(max((ended - started).total_seconds(), 0.0))


def seconds(value: float | None) -> str:
    if value is None:
        return ""
    total = int(round(value))
    minutes, secs = divmod(total, 60)
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


def rupees(paise: int | None) -> str:
    return "" if paise is None else format_rupees(int(paise))


def pretty_json(value: Any) -> str:
    """Entities/results as readable JSON (escaped later by autoescape, never marked safe)."""
    if value is None or value == {} or value == []:
        return ""
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=str)


def stage_timings(timings: dict[str, Any] | None) -> list[tuple[str, str]]:
    """Stage stamps (call-clock ms) as (stage, '+N ms' after the first stamp), in time order.

    Non-numeric values are shown as they are, after the numeric ones.
    """
    if not timings:
        return []
    numeric = sorted(
        ((k, float(v)) for k, v in timings.items() if isinstance(v, int | float) and not isinstance(v, bool)),
        key=lambda kv: kv[1],
    )
    out: list[tuple[str, str]] = []
    if numeric:
        base = numeric[0][1]
        out = [(k, f"+{v - base:.0f} ms") for k, v in numeric]
    names = {k for k, _ in numeric}
    out += [(k, str(v)) for k, v in timings.items() if k not in names]
    return out
