"""Report months: YYYY-MM only, bounds at midnight in India."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from business.documents.period import parse_month
from business.errors import ValidationError


def test_bounds_are_indian_midnights() -> None:
    m = parse_month("2025-12")
    assert (m.first_day, m.last_day, m.label, m.gstr_period) == (date(2025, 12, 1), date(2025, 12, 31), "2025-12",
                                                                "122025")
    start, end = m.bounds
    assert start == datetime(2025, 11, 30, 18, 30, tzinfo=UTC) and end == datetime(2025, 12, 31, 18, 30, tzinfo=UTC)
    assert parse_month("2024-02").last_day == date(2024, 2, 29)


@pytest.mark.parametrize("text", ["2025-13", "2025-00", "2025-9", "25-09", "1999-01", "2025-09-01", "", "sept"])
def test_bad_months(text: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_month(text)
    assert err.value.field == "month"
