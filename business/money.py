"""Money: integer paise inside, Decimal at the edges, never float.

`parse_rupees` reads what a person types or says ("130", "₹1,250.50", "Rs 99");
`format_rupees` writes it back in Indian digit grouping ("₹1,25,000.50").
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from business.errors import InvalidAmount

_CLEAN = re.compile(r"^(?:₹|rs\.?|inr)?\s*([0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)\s*(?:/-|rupees?|rupaye|rs\.?)?$", re.I)


def round_half_up(value: Decimal) -> int:
    """Round to the nearest integer, halves away from zero (the usual bill rounding)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rupees_to_paise(rupees: Decimal | int | str) -> int:
    """Decimal rupees -> paise; more than two decimals is an error, not a silent rounding."""
    try:
        value = Decimal(str(rupees))
    except InvalidOperation as exc:
        raise InvalidAmount(rupees) from exc
    if not value.is_finite():
        raise InvalidAmount(rupees)
    paise = value * 100
    if paise != paise.to_integral_value():
        raise InvalidAmount(rupees, "amounts have at most two decimals (paise)")
    return int(paise)


def parse_rupees(text: str) -> int:
    """'₹1,250.50' / 'Rs 99' / '130 rupaye' -> paise. Raises InvalidAmount."""
    m = _CLEAN.match(text.strip())
    if not m:
        raise InvalidAmount(text)
    return rupees_to_paise(m.group(1).replace(",", ""))


def _group_indian(n: int) -> str:
    s = str(n)
    if len(s) <= 3:
        return s
    head, tail = s[:-3], s[-3:]
    groups: list[str] = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return ",".join(groups) + "," + tail


def format_rupees(paise: int, *, symbol: str = "₹", always_paise: bool = False) -> str:
    """125000050 -> '₹12,50,000.50'; whole rupees drop '.00' unless `always_paise`."""
    sign = "-" if paise < 0 else ""
    rupees, rest = divmod(abs(paise), 100)
    text = _group_indian(rupees)
    if rest or always_paise:
        text += f".{rest:02d}"
    return f"{sign}{symbol}{text}"


def validate_amount(amount_paise: object, *, field: str = "amount_paise", allow_zero: bool = False) -> int:
    """An amount must be an int number of paise, positive (or zero when allowed)."""
    if isinstance(amount_paise, bool) or not isinstance(amount_paise, int):
        raise InvalidAmount(amount_paise, "amount must be an integer number of paise", field)
    if amount_paise < 0 or (amount_paise == 0 and not allow_zero):
        raise InvalidAmount(amount_paise, "amount must be positive", field)
    if amount_paise > 10**13:
        raise InvalidAmount(amount_paise, "amount is implausibly large", field)
    return amount_paise
