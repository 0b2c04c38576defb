"""Shop time: business dates are Asia/Kolkata dates; financial years run April-March.

Invoice numbers look like '25-26/000123' (12 characters; at most 16 allowed).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

IST = ZoneInfo("Asia/Kolkata")


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("naive datetime: business times must be timezone-aware")
    return at


def shop_date(at: datetime) -> date:
    """The Asia/Kolkata calendar date of an instant."""
    return _aware(at).astimezone(IST).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of an Asia/Kolkata date as aware datetimes."""
    start = datetime.combine(day, time(0), tzinfo=IST)
    return start, start + timedelta(days=1)


def financial_year(at: datetime) -> str:
    """'25-26' for any instant from 1 Apr 2025 00:00 IST to 31 Mar 2026 23:59:59 IST."""
    d = shop_date(at)
    start = d.year if d.month >= 4 else d.year - 1
    return f"{start % 100:02d}-{(start + 1) % 100:02d}"


def invoice_number(fy: str, seq: int) -> str:
    """'25-26', 123 -> '25-26/000123' (wider when a year passes a million bills, still <= 16)."""
    if seq <= 0:
        raise ValueError("invoice sequence starts at 1")
    no = f"{fy}/{seq:06d}"
    if len(no) > 16:
        raise ValueError("invoice number longer than 16 characters")
    return no
