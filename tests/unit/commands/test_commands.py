"""Parser entities -> typed commands: paise, Decimal quantities, aware shop times, periods."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from bot.commands import (
    AddCustomer,
    ApplyDiscount,
    CreateInvoice,
    DailySummary,
    ModifyReminder,
    RecordPayment,
    ScheduleReminder,
    UpdateCustomer,
    UpdateStock,
    command_from_parse,
)
from bot.commands.period import resolve_period
from bot.commands.when import resolve_when
from bot.understanding import parse
from business.shoptime import IST

NOW = datetime(2026, 12, 3, 14, 0, tzinfo=IST)  # a Thursday afternoon


def cmd(text: str, now: datetime = NOW) -> object:
    return command_from_parse(parse(text), now)


def test_money_and_modes() -> None:
    c = cmd("Rahul ne 200 cash me diye")
    assert isinstance(c, RecordPayment) and c.amount_paise == 20000 and c.payment_mode == "cash"
    assert c.customer is not None and c.customer.name == "Rahul" and c.complete
    asked = command_from_parse({"intent": "record_payment", "entities": {"customer": "Rahul"}}, NOW)
    assert isinstance(asked, RecordPayment) and asked.missing() == ("amount",)
    bad = command_from_parse({"intent": "record_payment", "entities": {"amount": "abc", "payment_mode": "gold"}}, NOW)
    assert isinstance(bad, RecordPayment) and bad.amount_paise is None and bad.payment_mode is None


def test_items_are_decimal_and_by_value_items_keep_their_amount() -> None:
    c = command_from_parse({"intent": "create_invoice", "entities": {"customer": "Rahul", "items": [
        {"product": "Chini", "quantity": 1.1, "unit": "kg"}, {"product": "mirchi", "quantity": None, "amount": 30},
        {"bad": 1}, "x"]}}, NOW)
    assert isinstance(c, CreateInvoice)
    assert [i.product for i in c.items] == ["chini", "mirchi"]
    assert c.items[0].quantity == Decimal("1.1") and c.items[1].amount_paise == 3000 and c.complete


def test_walk_in_and_missing_pieces() -> None:
    c = command_from_parse({"intent": "create_invoice", "entities": {"walk_in": True}}, NOW)
    assert isinstance(c, CreateInvoice) and c.walk_in and c.missing() == ("items",)


@pytest.mark.parametrize(("when", "expected"), [
    ({"day_offset": 1, "hour": 7, "part_of_day": "evening"}, datetime(2026, 12, 4, 19, 0, tzinfo=IST)),
    ({"day_offset": 1, "hour": 19}, datetime(2026, 12, 4, 19, 0, tzinfo=IST)),
    ({"day_offset": 1}, datetime(2026, 12, 4, 10, 0, tzinfo=IST)),
    ({"part_of_day": "evening"}, datetime(2026, 12, 3, 18, 0, tzinfo=IST)),
    ({"hour": 9}, datetime(2026, 12, 4, 9, 0, tzinfo=IST)),  # 9 am has passed today: tomorrow
    ({"weekday": "monday"}, datetime(2026, 12, 7, 10, 0, tzinfo=IST)),
    ({"weekday": "thursday", "hour": 10}, datetime(2026, 12, 10, 10, 0, tzinfo=IST)),  # today is Thursday
    ({"relative_minutes": 30}, datetime(2026, 12, 3, 14, 30, tzinfo=IST)),
    ({"day_of_month": 5, "hour": 11}, datetime(2026, 12, 5, 11, 0, tzinfo=IST)),
    ({"day_of_month": 1}, datetime(2027, 1, 1, 10, 0, tzinfo=IST)),
])
def test_spoken_times(when: dict[str, object], expected: datetime) -> None:
    got = resolve_when(when, NOW)
    assert got is not None and got.at == expected and got.at.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("when", [{"day_offset": -1}, {"hour": "x"}, {"minute": 99, "hour": 3}, None, "kal"])
def test_past_or_garbled_times_are_none(when: object) -> None:
    assert resolve_when(when, NOW) is None


def test_a_naive_clock_is_refused() -> None:
    assert resolve_when({"day_offset": 1}, datetime(2026, 12, 3, 14, 0)) is None


def test_sentences_to_reminders() -> None:
    c = cmd("Rahul ko 500 ka reminder kal shaam 7 baje bhejna")
    assert isinstance(c, ScheduleReminder) and c.at == datetime(2026, 12, 4, 19, 0, tzinfo=IST)
    assert c.amount_paise == 50000
    weekly = cmd("Rahul ko 500 ka reminder har somvar subah 9 baje")
    assert isinstance(weekly, ScheduleReminder) and weekly.at == datetime(2026, 12, 7, 9, 0, tzinfo=IST)
    assert weekly.when is not None and weekly.when.recurrence is not None and weekly.when.recurrence.freq == "weekly"
    moved = cmd("Rahul ka reminder parso kar do")
    assert isinstance(moved, ModifyReminder) and moved.at == datetime(2026, 12, 5, 10, 0, tzinfo=IST)


@pytest.mark.parametrize(("period", "start", "end"), [
    ({"day_offset": 0}, date(2026, 12, 3), date(2026, 12, 3)),
    ({"day_offset": -1}, date(2026, 12, 2), date(2026, 12, 2)),
    ({"range": "this_week"}, date(2026, 11, 30), date(2026, 12, 3)),
    ({"range": "last_week"}, date(2026, 11, 23), date(2026, 11, 29)),
    ({"range": "last_month"}, date(2026, 11, 1), date(2026, 11, 30)),
    ({"month": 2}, date(2026, 2, 1), date(2026, 2, 28)),
    ({"fy": "2025-26"}, date(2025, 4, 1), date(2026, 3, 31)),
    ({"fy": "26-27"}, date(2026, 4, 1), date(2026, 12, 3)),  # never past today
])
def test_report_periods(period: dict[str, object], start: date, end: date) -> None:
    got = resolve_period(period, NOW)
    assert got is not None and (got.start, got.end) == (start, end)


def test_a_summary_without_a_period_is_today() -> None:
    c = cmd("aaj kitna sale hua")
    assert isinstance(c, DailySummary) and c.period is not None and c.period.start == date(2026, 12, 3)


def test_stock_customers_discounts() -> None:
    stock = cmd("bees kilo sooji aaya hai")
    assert isinstance(stock, UpdateStock) and stock.product == "sooji" and stock.quantity == Decimal(20)
    assert stock.unit == "kg" and stock.operation == "add"
    new = cmd("naya customer Pinky, number 9876543210")
    assert isinstance(new, AddCustomer) and new.name == "Pinky" and new.phone == "9876543210"
    renamed = cmd("Rahul ka naam Rahul Verma kar do")
    assert isinstance(renamed, UpdateCustomer) and renamed.new_name == "Rahul Verma"
    tier = cmd("Rahul ko wholesale customer bana do")
    assert isinstance(tier, UpdateCustomer) and tier.price_tier == "wholesale"
    off = cmd("das rupaye kam karo")
    assert isinstance(off, ApplyDiscount) and off.discount is not None and off.discount.amount_paise == 1000


def test_an_unknown_intent_is_unknown() -> None:
    assert command_from_parse({"intent": "fly_to_moon", "entities": []}, NOW).intent == "unknown"
