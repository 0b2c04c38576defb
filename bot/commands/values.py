"""Raw parser values -> typed values, once, with business/'s own rules.

Every reader here answers None for anything missing, garbled or out of range:
a command never raises while it is being built, and never guesses a value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from business.errors import ValidationError
from business.modes import invoice_payment_mode, payment_mode, supply_type
from business.money import rupees_to_paise
from business.units import canonical_unit, to_decimal

# Spoken units the parser emits that the books have no unit for: kept as said,
# so the books refuse them (InvalidUnit) instead of silently using the product's unit.
_FOREIGN_UNITS = frozenset({"bag", "case", "crate"})


def text(value: Any) -> str | None:
    """A non-empty stripped string, else None."""
    if not isinstance(value, str):
        return None
    out = value.strip()
    return out or None


def flag(value: Any) -> bool | None:
    """A real boolean only (the parser's true/false), else None."""
    return value if isinstance(value, bool) else None


def choice(value: Any, allowed: Iterable[str]) -> str | None:
    """`value` lower-cased when it is one of `allowed`, else None."""
    found = text(value)
    if found is None:
        return None
    low = found.lower()
    return low if low in set(allowed) else None


def integer(value: Any, low: int | None = None, high: int | None = None) -> int | None:
    """An int (or an integral number) within [low, high], else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    if not isinstance(value, int):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value.strip())
        else:
            return None
    if (low is not None and value < low) or (high is not None and value > high):
        return None
    return value


def paise(rupees: Any, *, allow_zero: bool = False) -> int | None:
    """Spoken rupees (300, 12.5, "2,500") -> positive integer paise, via business.money."""
    if rupees is None or isinstance(rupees, bool):
        return None
    raw = str(rupees).replace(",", "").strip() if isinstance(rupees, str) else rupees
    try:
        out = rupees_to_paise(raw)
    except ValidationError:
        return None
    if out < 0 or (out == 0 and not allow_zero) or out > 10**13:
        return None
    return out


def quantity(value: Any) -> Decimal | None:
    """A positive Decimal quantity (floats through str, so 1.1 stays 1.1)."""
    if value is None:
        return None
    try:
        out = to_decimal(value)
    except ValidationError:
        return None
    return out if out > 0 else None


def unit(value: Any) -> str | None:
    """A spoken unit -> the books' unit name ("litre" -> "l", "bottle" -> "piece")."""
    word = text(value)
    if word is not None and word.lower() in _FOREIGN_UNITS:
        return word.lower()
    return _checked(word, canonical_unit)


def _checked(value: Any, check: Callable[[str], str]) -> str | None:
    """`check(word)` with business/'s own rule; None for nothing said or a word the rule refuses."""
    word = text(value)
    if word is None:
        return None
    try:
        return check(word)
    except ValidationError:
        return None


def mode(value: Any) -> str | None:
    """How money was received, as business.modes names it (never a default)."""
    return _checked(value, payment_mode)


def invoice_mode(value: Any) -> str | None:
    """How a bill is paid: 'credit' or a payment mode (never a default)."""
    return _checked(value, invoice_payment_mode)


def supply(value: Any) -> str | None:
    """'intrastate' / 'interstate' (never a default)."""
    return _checked(value, supply_type)


def percent(value: Any) -> Decimal | None:
    """A percentage as Decimal, above 0 and at most 100."""
    out = quantity(value)
    return out if out is not None and out <= 100 else None
