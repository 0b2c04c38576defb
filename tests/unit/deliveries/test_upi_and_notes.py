"""UPI links on reminders and the entry-note rule (pure)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from business.deliveries import balance_text, entry_note
from business.errors import ValidationError
from business.models import Customer, LedgerEntry, Shop
from business.shop_settings import ShopSettings, for_new_shop
from business.upi import rupees_text, upi_link
from telephony.whatsapp.templates import reminder_message

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def test_the_upi_link_carries_vpa_payee_amount_reference_and_currency() -> None:
    link = upi_link("guptastore@okhdfc", "Gupta  General\nStore", 125_050, "EXR42")
    assert link.startswith("upi://pay?")
    q = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert q == {"pa": "guptastore@okhdfc", "pn": "Gupta General Store", "am": "1250.50", "tr": "EXR42", "cu": "INR"}
    assert "@" in link.split("pa=")[1].split("&")[0]  # the VPA is not percent-encoded
    assert rupees_text(5) == "0.05" and rupees_text(100) == "1.00"
    with pytest.raises(ValueError):
        upi_link("a@b", "x", 0, "r")


def test_a_reminder_carries_the_link_only_when_the_shop_set_a_vpa() -> None:
    plain = reminder_message(reminder_id=7, phone="+919812345678", customer_name="Rahul", amount_paise=50_000,
                             shop_name="Gupta Store", shop_settings=ShopSettings())
    assert len(plain.parameters) == 3
    upi = reminder_message(reminder_id=7, phone="+919812345678", customer_name="Rahul", amount_paise=50_000,
                           shop_name="Gupta Store", shop_settings=ShopSettings(upi_vpa="gupta@upi"))
    assert upi.parameters[:3] == plain.parameters
    assert upi.parameters[3] == "upi://pay?pa=gupta@upi&pn=Gupta%20Store&am=500.00&tr=EXR7&cu=INR"


def test_a_vpa_must_look_like_one() -> None:
    assert for_new_shop({"upi_vpa": "gupta.store@okaxis"}).upi_vpa == "gupta.store@okaxis"
    for bad in ("gupta", "@bank", "a b@bank", 5):
        with pytest.raises(ValidationError):
            for_new_shop({"upi_vpa": bad})
    with pytest.raises(ValidationError):
        for_new_shop({"entry_notes": "yes"})


def _shop(**settings: object) -> Shop:
    return Shop(1, "Gupta Store", "", "", None, ShopSettings(**settings), NOW)  # type: ignore[arg-type]


def _customer(opt_in: bool = True, phone: str | None = "+919812345678") -> Customer:
    return Customer(3, 1, "Rahul", phone, (), "", "Rahul", "", opt_in, 0, NOW)


def _entry(kind: str, amount: int, note: str = "") -> LedgerEntry:
    return LedgerEntry(9, 3, kind, amount, note, None, None, None, NOW)


def test_an_entry_note_names_amount_balance_and_shop() -> None:
    note = entry_note(_shop(), _customer(), _entry("payment", -20_000), 30_000)
    assert note is not None and note.parameters == ("Rahul", "Payment mila", "₹200", "₹300", "Gupta Store")
    bill = entry_note(_shop(), _customer(), _entry("sale_credit", 6_000, "26-27/000004"), -500)
    assert bill is not None and bill.parameters[1:4] == ("Bill (udhaar) 26-27/000004", "₹60", "₹5 advance")
    assert balance_text(0) == "₹0"


def test_no_note_without_opt_in_phone_or_the_shop_switch_or_for_opening_balances() -> None:
    assert entry_note(_shop(), _customer(opt_in=False), _entry("udhaar", 100), 100) is None
    assert entry_note(_shop(), _customer(phone=None), _entry("udhaar", 100), 100) is None
    assert entry_note(_shop(entry_notes=False), _customer(), _entry("udhaar", 100), 100) is None
    assert entry_note(_shop(), _customer(), _entry("opening_balance", 100), 100) is None
