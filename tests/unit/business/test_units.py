from decimal import Decimal

import pytest

from business.errors import InvalidQuantity, InvalidUnit
from business.units import canonical_unit, from_milli, product_unit, to_milli


@pytest.mark.parametrize(
    ("qty", "unit", "product", "milli"),
    [
        ("1.5", "kg", "kg", 1500),
        (500, "g", "kg", 500),
        (500, "gram", "kg", 500),
        (1, "paav", "kg", 250),
        (2, "packet", "packet", 2000),
        (1, "dozen", "piece", 12000),
        (Decimal("0.5"), "darjan", "piece", 6000),
        (3, None, "piece", 3000),
        (2, "litre", "ml", 2_000_000),
        (250, "ml", "l", 250),
        (1.1, "kg", "kg", 1100),
        (2, "pkt", "piece", 2000),
        (3, "nos", "packet", 3000),
        (1, "kg", "g", 1_000_000),
    ],
)
def test_to_milli(qty: object, unit: str | None, product: str, milli: int) -> None:
    assert to_milli(qty, unit, product) == milli


@pytest.mark.parametrize(("qty", "unit", "product"), [(1, "kg", "piece"), (1, "litre", "kg"), (2, "dozen", "l")])
def test_cross_dimension_is_invalid_unit(qty: object, unit: str, product: str) -> None:
    with pytest.raises(InvalidUnit):
        to_milli(qty, unit, product)


def test_unknown_unit() -> None:
    with pytest.raises(InvalidUnit):
        canonical_unit("bucket")
    with pytest.raises(InvalidUnit):
        product_unit("paav")  # spoken only; a product is sold by kg


@pytest.mark.parametrize("qty", [0, -1, "abc", "NaN", "Infinity", "0.0001", True, None])
def test_bad_quantities(qty: object) -> None:
    with pytest.raises(InvalidQuantity):
        to_milli(qty, "kg", "kg")


def test_set_to_zero_allowed_when_asked() -> None:
    assert to_milli(0, None, "kg", allow_zero=True) == 0
    assert from_milli(1500) == Decimal("1.5")
    assert from_milli(0) == 0
