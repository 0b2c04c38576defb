from datetime import UTC, datetime
from decimal import Decimal

import pytest

from business.credentials import check_pin, hash_api_key, hash_pin, new_api_key
from business.errors import ValidationError
from business.models import Invoice, InvoiceLine
from business.phones import mask_phone, normalize_phone
from business.serde import from_jsonable, to_jsonable


def test_invoice_round_trips_through_json() -> None:
    line = InvoiceLine(1, 7, "Atta", "1101", Decimal("1.5"), "kg", 1500, 4550, 6825, 0, 0, 0, 0, 6825)
    inv = Invoice(3, 1, "25-26/000001", "25-26", None, "", "issued", "cash", False, "intrastate", (line,),
                  6825, 0, 0, 0, -25, 6800, datetime(2026, 1, 1, tzinfo=UTC), None)
    assert from_jsonable(Invoice, to_jsonable(inv)) == inv


@pytest.mark.parametrize(("raw", "e164"), [("9876543210", "+919876543210"), ("098765 43210", "+919876543210"),
                                           ("+91-98765-43210", "+919876543210"), ("919876543210", "+919876543210"),
                                           ("+14155550100", "+14155550100"), ("0044 20 7946 0958", "+442079460958")])
def test_normalize_phone(raw: str, e164: str) -> None:
    assert normalize_phone(raw) == e164


@pytest.mark.parametrize("raw", ["12345", "abc", "+0123456789", "", "5876543210"])
def test_bad_phone(raw: str) -> None:
    with pytest.raises(ValidationError):
        normalize_phone(raw)


def test_mask_phone_keeps_last_four() -> None:
    assert mask_phone("+919876543210") == "********3210"


def test_keys_and_pins() -> None:
    k = new_api_key()
    assert k.startswith("exk_") and len(k) > 40 and hash_api_key(k) != k
    h = hash_pin("4321")
    assert check_pin("4321", h) and not check_pin("1234", h) and not check_pin("4321", "garbage")
