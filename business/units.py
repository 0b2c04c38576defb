"""Units and quantities: '1.5 kg', '500 g', '2 packet', '1 dozen', 'paav'.

Quantities are Decimal at the edge and integer milli-units of the product's own
unit inside (1.5 kg of a 'kg' product = 1500; 500 g of it = 500; 1 dozen of a
'piece' product = 12000). Units convert only within a dimension: mass, volume,
count (piece = packet = bottle ..., dozen = 12 of them).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from business.errors import InvalidQuantity, InvalidUnit

# Canonical product units (the `products.unit` CHECK holds the same list).
PRODUCT_UNITS: tuple[str, ...] = ("kg", "g", "l", "ml", "piece", "packet", "dozen")

# canonical unit -> (dimension, size in the dimension's base: g, ml or piece)
_UNITS: dict[str, tuple[str, Decimal]] = {
    "kg": ("mass", Decimal(1000)),
    "g": ("mass", Decimal(1)),
    "paav": ("mass", Decimal(250)),
    "l": ("volume", Decimal(1000)),
    "ml": ("volume", Decimal(1)),
    "piece": ("count", Decimal(1)),
    "packet": ("count", Decimal(1)),
    "dozen": ("count", Decimal(12)),
}

_ALIASES: dict[str, str] = {
    "kg": "kg", "kgs": "kg", "kilo": "kg", "kilos": "kg", "kilogram": "kg", "kilograms": "kg", "किलो": "kg",
    "g": "g", "gm": "g", "gms": "g", "gram": "g", "grams": "g", "gramme": "g", "ग्राम": "g",
    "paav": "paav", "pav": "paav", "pao": "paav", "paao": "paav", "पाव": "paav",
    "l": "l", "ltr": "l", "ltrs": "l", "litre": "l", "litres": "l", "liter": "l", "liters": "l", "लीटर": "l",
    "ml": "ml", "millilitre": "ml", "milliliter": "ml",
    "piece": "piece", "pieces": "piece", "pc": "piece", "pcs": "piece", "nag": "piece", "unit": "piece",
    "units": "piece", "bottle": "piece", "bottles": "piece", "box": "piece", "dabba": "piece",
    "no": "piece", "nos": "piece", "number": "piece", "numbers": "piece", "pis": "piece", "पीस": "piece",
    "jar": "piece", "tin": "piece", "can": "piece", "pouch": "piece", "sachet": "piece", "bar": "piece",
    "bottal": "piece", "boxes": "piece", "dabbe": "piece",
    "packet": "packet", "packets": "packet", "pkt": "packet", "pkts": "packet", "pack": "packet",
    "packs": "packet", "paket": "packet", "पैकेट": "packet",
    "dozen": "dozen", "dozens": "dozen", "darjan": "dozen", "dazan": "dozen", "doz": "dozen", "दर्जन": "dozen",
}

MILLI = Decimal(1000)


def canonical_unit(unit: str) -> str:
    """'Kilo' -> 'kg'. Raises InvalidUnit for an unknown word."""
    key = unit.strip().lower().rstrip(".")
    if key not in _ALIASES:
        raise InvalidUnit(unit)
    return _ALIASES[key]


def product_unit(unit: str) -> str:
    """Validate a product's own unit (one of PRODUCT_UNITS, aliases accepted)."""
    canon = canonical_unit(unit)
    if canon not in PRODUCT_UNITS:
        raise InvalidUnit(unit, message=f"a product cannot be sold by {unit!r}; use one of {PRODUCT_UNITS}")
    return canon


def to_decimal(quantity: object, *, field: str = "quantity") -> Decimal:
    """Decimal from int/str/Decimal (floats go through str, so 1.1 stays 1.1)."""
    if isinstance(quantity, bool):
        raise InvalidQuantity(quantity, field=field)
    try:
        value = quantity if isinstance(quantity, Decimal) else Decimal(str(quantity).strip())
    except (InvalidOperation, ValueError) as exc:
        raise InvalidQuantity(quantity, field=field) from exc
    if not value.is_finite():
        raise InvalidQuantity(quantity, field=field)
    return value


def to_milli(quantity: object, unit: str | None, product_unit_: str, *, allow_zero: bool = False) -> int:
    """Quantity in `unit` (None: the product's unit) -> milli-units of the product's unit.

    Rounds half-up to a milli-unit; zero, negative or absurd quantities raise InvalidQuantity,
    a unit of another dimension raises InvalidUnit.
    """
    value = to_decimal(quantity)
    target = canonical_unit(product_unit_)
    source = target if unit is None or not str(unit).strip() else canonical_unit(unit)
    dim_s, size_s = _UNITS[source]
    dim_t, size_t = _UNITS[target]
    if dim_s != dim_t:
        raise InvalidUnit(unit, product_unit_)
    milli = int((value * size_s / size_t * MILLI).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if milli < 0 or (milli == 0 and not (allow_zero and value == 0)):
        raise InvalidQuantity(quantity)
    if milli > 10**12:
        raise InvalidQuantity(quantity, "quantity is implausibly large")
    return milli


def from_milli(milli: int) -> Decimal:
    """1500 -> Decimal('1.5')."""
    return (Decimal(milli) / MILLI).normalize() if milli else Decimal(0)


def unit_words() -> tuple[str, ...]:
    """Every spoken unit word (for ignoring them in product names)."""
    return tuple(_ALIASES)
