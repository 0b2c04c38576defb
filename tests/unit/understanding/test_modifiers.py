"""Modifiers of a bill are entities of the bill (issue 9): GST, the rate tier and sending it."""

from __future__ import annotations

import pytest

from bot.understanding import parse


@pytest.mark.parametrize(
    ("text", "customer", "extra"),
    [
        ("Mohan ka bill wholesale rate pe banao, 5 kilo maida", "Mohan", {"price_tier": "wholesale"}),
        ("bina GST wala bill Rakesh ka, do kilo besan", "Rakesh", {"with_gst": False}),
        ("ek peti amul taaza aur 5 packet dahi, Balaji Dairy ka bill GST ke saath", "Balaji Dairy", {"with_gst": True}),
        ("Tiwari ji ko saadhe teen kilo chawal, bill bana ke WhatsApp kar dena", "Tiwari",
         {"auto_send": True, "channel": "whatsapp"}),
    ],
)
def test_a_modifier_clause_folds_into_the_bill(text: str, customer: str, extra: dict) -> None:
    got = parse(text)
    assert got["intent"] == "create_invoice", got
    assert got["entities"]["customer"] == customer
    assert got["entities"]["items"]
    for key, value in extra.items():
        assert got["entities"][key] == value


def test_a_command_said_twice_is_one() -> None:
    assert parse("ye bill rehne do, cancel kar do") == {"intent": "cancel_invoice", "entities": {"target": "draft"}}


def test_a_modifier_with_no_bill_stays_a_command() -> None:
    assert parse("wholesale rate lagao")["intent"] == "set_price_tier"
    assert parse("Rahul ko bill sms kar do")["intent"] == "send_invoice"


def test_terse_payments_and_the_direction_of_given_money() -> None:
    assert parse("rahul 200 cash")["entities"] == {"customer": "Rahul", "amount": 200, "payment_mode": "cash"}
    assert parse("gave 200 rupees to Farhan")["intent"] == "add_udhaar"
    assert parse("Pinky ka kitna udhaar bacha hai")["intent"] == "check_balance"
    assert parse("Salim ko kal subah 9 baje message kar dena ki 1200 baaki hai")["intent"] == "schedule_reminder"
