"""Replies: every code renders in every language; errors render from the business error itself."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import pytest

from bot.replies import render, reply_codes, spoken
from bot.replies.templates import MissingReplyParam, ReplyDataError, UnknownReplyCode, default_book, load

CODES = sorted(default_book().templates)
CONTRACT_ERRORS = (
    "customer_not_found ambiguous_customer product_not_found ambiguous_product insufficient_stock invalid_amount "
    "invalid_quantity invalid_unit invoice_not_found invoice_already_cancelled reminder_not_found "
    "reminder_not_cancellable duplicate_customer shop_not_found validation_error"
).split()
CONVERSATION = "greeting help goodbye silence_prompt unknown_caller cloud_fallback not_understood repeat_please ask_customer ask_amount ask_product ask_quantity confirm_prompt invoice_drafted".split()


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("lang", ["hinglish", "hi", "en"])
def test_every_code_renders_its_example(code: str, lang: str) -> None:
    text = render(code, lang, **default_book().templates[code].example)
    assert text and "{" not in text and "[" not in text and "None" not in text
    if lang == "hi":
        assert re.search(r"[\u0900-\u097F]", text)


def test_contract_error_codes_and_conversation_turns_have_templates() -> None:
    assert set(CONTRACT_ERRORS + CONVERSATION) <= set(CODES)


def test_every_business_error_code_has_a_template() -> None:
    errors = pytest.importorskip("business.errors")
    codes = {cls.code for _, cls in inspect.getmembers(errors, inspect.isclass) if issubclass(cls, errors.ExecoraError)}
    assert codes <= set(CODES), codes - set(CODES)


def test_error_renders_from_business_details() -> None:
    text = render("ambiguous_customer", "hinglish", query="Rahul",
                  candidates=[{"id": 1, "name": "Rahul", "landmark": "Gandhi chowk"}, {"id": 2, "name": "Rahul", "hint": "doodh wale"}])
    assert text == "Kaunse Rahul: Gandhi chowk wale ya doodh wale?"


def test_read_back_asks_for_confirmation_with_spoken_amounts() -> None:
    text = render("invoice_drafted", "hinglish", customer="Rahul", total_paise=13000,
                  items=[{"product": "milk", "quantity": 2, "unit": None}, {"product": "bread", "quantity": 1, "unit": None}])
    assert text == "Rahul ke liye do milk aur ek bread, kul ek sau tees rupaye. Pakka karoon?"
    assert render("payment_recorded", "hinglish", customer="Sunil", amount_paise=50000, balance_paise=150000) == (
        "Sunil se paanch sau rupaye mil gaye. Ab baaki dedh hazaar rupaye.")


def test_greeting_with_and_without_name() -> None:
    assert render("greeting", "hinglish", name="Sharma") == "Namaste Sharma ji, boliye."
    assert render("greeting") == "Namaste, boliye."
    assert render("greeting", "hi", name="Sharma") == "नमस्ते Sharma जी, बोलिए।"


def test_unknown_language_falls_back_to_hinglish_and_tags_map() -> None:
    assert render("goodbye", "xx") == render("goodbye", "hinglish")
    assert render("goodbye", "en-IN") == render("goodbye", "en")
    assert render("goodbye", "hi-IN") == render("goodbye", "hi")


def test_missing_required_param_and_unknown_code_raise() -> None:
    with pytest.raises(MissingReplyParam):
        render("balance", "hinglish", customer="Vikas")
    with pytest.raises(UnknownReplyCode):
        render("no_such_code")


def test_reply_codes_lists_params() -> None:
    codes = reply_codes()
    assert codes["balance"] == ["balance_paise", "customer"]
    assert "customer?" in codes["invoice_drafted"]


@pytest.mark.parametrize(
    ("paise", "hinglish", "hi", "en"),
    [
        (50000, "paanch sau rupaye", "पाँच सौ रुपये", "five hundred rupees"),
        (150000, "dedh hazaar rupaye", "डेढ़ हज़ार रुपये", "one thousand five hundred rupees"),
        (250000, "dhai hazaar rupaye", "ढाई हज़ार रुपये", "two thousand five hundred rupees"),
        (10000000, "ek lakh rupaye", "एक लाख रुपये", "one lakh rupees"),
        (12345678, "ek lakh teis hazaar chaar sau chhappan rupaye aur athhattar paise", None, None),
        (100, "ek rupaya", "एक रुपया", "one rupee"),
        (0, "shunya rupaye", "शून्य रुपये", "zero rupees"),
    ],
)
def test_spoken_money(paise: int, hinglish: str, hi: str | None, en: str | None) -> None:
    assert spoken.money(paise, "hinglish") == hinglish
    if hi:
        assert spoken.money(paise, "hi") == hi
    if en:
        assert spoken.money(paise, "en") == en


@pytest.mark.parametrize(
    ("q", "unit", "text"),
    [(1.5, "kg", "dedh kilo"), (0.5, "kg", "aadha kilo"), (0.25, "kg", "paav kilo"), (2.5, "litre", "dhai litre"),
     (1.25, "kg", "sawa kilo"), (1.75, "kg", "paune do kilo"), (3.5, "kg", "saadhe teen kilo"), (2, "packet", "do packet"),
     (12, "dozen", "baarah darjan")],
)
def test_spoken_quantity(q: float, unit: str, text: str) -> None:
    assert spoken.quantity(q, unit) == text


def test_spoken_moment() -> None:
    now = "2026-11-25T12:00:00+05:30"
    assert spoken.moment("2026-11-26T19:00:00+05:30", now=now) == "kal shaam saat baje"
    assert spoken.moment("2026-11-25T09:30:00+05:30", "hi", now=now) == "आज सुबह साढ़े नौ बजे"
    assert spoken.moment("2026-11-26T19:00:00+05:30", "en", now=now) == "tomorrow at 7 pm"


def test_broken_reply_file_fails_loudly(tmp_path: Path) -> None:
    raw = json.loads((Path(__file__).resolve().parents[3] / "bot/replies/data/replies.json").read_text(encoding="utf-8"))
    raw["codes"]["balance"]["hinglish"] = "{customer} ka {nope} baaki"
    bad = tmp_path / "replies.json"
    bad.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ReplyDataError, match=r"replies.json.*balance.*nope"):
        load(bad)
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ReplyDataError, match="invalid JSON"):
        load(bad)
