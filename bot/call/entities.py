"""Turn parsed entities (spec: shared/spec/intents.md) into business inputs.

Amounts arrive in rupees as numbers and become integer paise through Decimal;
units are mapped to the books' unit names; a `when` becomes an aware
Asia/Kolkata datetime. Nothing here guesses a missing value.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from business.models import ItemRequest

IST = ZoneInfo("Asia/Kolkata")
_UNITS = {"litre": "l", "liter": "l", "ltr": "l", "l": "l", "kg": "kg", "g": "g", "gram": "g", "ml": "ml",
          "packet": "packet", "piece": "piece", "dozen": "dozen"}
_MODES = {"cash": "cash", "upi": "upi", "card": "card", "cheque": "cheque", "bank": "bank"}


def rupees_to_paise(value: Any) -> int | None:
    """500 -> 50000, "2,500" -> 250000, 12.5 -> 1250; None for anything not a positive amount."""
    if value is None or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or amount <= 0:
        return None
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def payment_mode(entities: dict[str, Any], default: str = "cash") -> str:
    mode = str(entities.get("payment_mode") or "").lower()
    return _MODES.get(mode, default)


def unit_of(value: Any) -> str | None:
    if not value:
        return None
    return _UNITS.get(str(value).lower())


def items_of(entities: dict[str, Any]) -> list[ItemRequest] | None:
    """ItemRequests for the spoken items; None when an item lacks a product or a quantity."""
    raw = entities.get("items")
    if not isinstance(raw, list) or not raw:
        return None
    items: list[ItemRequest] = []
    for item in raw:
        if not isinstance(item, dict) or not item.get("product"):
            return None
        qty = item.get("quantity")
        if qty is None:
            return None  # sold by value ("tees rupaye ki mirchi"): ask, do not guess a quantity
        try:
            quantity = Decimal(str(qty))
        except (InvalidOperation, ValueError):
            return None
        if quantity <= 0:
            return None
        items.append(ItemRequest(product=str(item["product"]), quantity=quantity, unit=unit_of(item.get("unit"))))
    return items


def due_at(when: Any, now: datetime | None = None) -> datetime | None:
    """An aware IST datetime from a spec `when`; None when there is nothing to go on.

    Without an hour the reminder goes at 10:00; a time already past today moves to tomorrow.
    """
    if not isinstance(when, dict):
        return None
    now = (now or datetime.now(IST)).astimezone(IST)
    if when.get("relative_minutes") is not None:
        try:
            return now + timedelta(minutes=float(when["relative_minutes"]))
        except (TypeError, ValueError):
            return None
    day = now.date()
    if when.get("day_offset") is not None:
        try:
            day = day + timedelta(days=int(when["day_offset"]))
        except (TypeError, ValueError):
            return None
    elif when.get("weekday") is not None:
        try:
            target = int(when["weekday"]) % 7
        except (TypeError, ValueError):
            return None
        ahead = (target - day.weekday()) % 7 or 7
        day = day + timedelta(days=ahead)
    hour = when.get("hour")
    minute = when.get("minute") or 0
    try:
        h = 10 if hour is None else int(hour)
        m = int(minute)
    except (TypeError, ValueError):
        return None
    if not (0 <= h < 24 and 0 <= m < 60):
        return None
    at = datetime(day.year, day.month, day.day, h, m, tzinfo=IST)
    if at <= now and when.get("day_offset") is None:
        at += timedelta(days=1)
    return at if at > now else None
