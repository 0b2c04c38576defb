from datetime import UTC, date, datetime

import pytest

from business.shoptime import IST, day_bounds, financial_year, invoice_number, shop_date


def test_financial_year_turns_at_ist_midnight_1_april() -> None:
    assert financial_year(datetime(2026, 3, 31, 23, 59, 59, tzinfo=IST)) == "25-26"
    assert financial_year(datetime(2026, 4, 1, 0, 0, tzinfo=IST)) == "26-27"
    # 31 Mar 18:30 UTC is already 1 Apr in India
    assert financial_year(datetime(2026, 3, 31, 18, 30, tzinfo=UTC)) == "26-27"
    assert financial_year(datetime(2026, 3, 31, 18, 29, tzinfo=UTC)) == "25-26"
    assert financial_year(datetime(2099, 6, 1, tzinfo=UTC)) == "99-00"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        shop_date(datetime(2026, 1, 1))


def test_shop_date_and_bounds() -> None:
    assert shop_date(datetime(2026, 1, 1, 19, 0, tzinfo=UTC)) == date(2026, 1, 2)
    start, end = day_bounds(date(2026, 1, 2))
    assert start == datetime(2026, 1, 1, 18, 30, tzinfo=UTC)
    assert (end - start).total_seconds() == 86400


def test_invoice_number_format() -> None:
    assert invoice_number("25-26", 123) == "25-26/000123"
    assert len(invoice_number("25-26", 99_999_999)) <= 16
    with pytest.raises(ValueError):
        invoice_number("25-26", 0)
