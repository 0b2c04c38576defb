from decimal import Decimal

import pytest

from business.errors import InvalidAmount
from business.money import format_rupees, parse_rupees, round_half_up, rupees_to_paise, validate_amount


@pytest.mark.parametrize(
    ("text", "paise"),
    [("130", 13000), ("₹1,250.50", 125050), ("Rs 99", 9900), ("130 rupaye", 13000), ("0.5", 50), ("Rs. 7/-", 700)],
)
def test_parse_rupees(text: str, paise: int) -> None:
    assert parse_rupees(text) == paise


@pytest.mark.parametrize("text", ["", "abc", "-5", "1.234", "1e5", "₹"])
def test_parse_rupees_rejects(text: str) -> None:
    with pytest.raises(InvalidAmount):
        parse_rupees(text)


def test_format_rupees_indian_grouping() -> None:
    assert format_rupees(125000050) == "₹12,50,000.50"
    assert format_rupees(13000) == "₹130"
    assert format_rupees(-4550) == "-₹45.50"
    assert format_rupees(100, always_paise=True) == "₹1.00"
    assert format_rupees(99999999) == "₹9,99,999.99"


def test_rounding_is_half_up_not_bankers() -> None:
    assert round_half_up(Decimal("0.5")) == 1
    assert round_half_up(Decimal("2.5")) == 3
    assert round_half_up(Decimal("-2.5")) == -3


def test_rupees_to_paise_exact() -> None:
    assert rupees_to_paise(Decimal("12.34")) == 1234
    with pytest.raises(InvalidAmount):
        rupees_to_paise("12.345")


@pytest.mark.parametrize("bad", [0, -1, 1.5, "100", True, None, 10**14])
def test_validate_amount(bad: object) -> None:
    with pytest.raises(InvalidAmount):
        validate_amount(bad)
    assert validate_amount(0, allow_zero=True) == 0
