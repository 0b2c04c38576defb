"""A report month ('2025-09') as Asia/Kolkata dates and instants."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from business.errors import ValidationError
from business.shoptime import day_bounds

_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        nxt = date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return nxt - timedelta(days=1)

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware instants: midnight IST on the 1st to midnight IST on the next 1st."""
        return day_bounds(self.first_day)[0], day_bounds(self.last_day)[1]

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def gstr_period(self) -> str:
        """The return period as the GST portal writes it: MMYYYY."""
        return f"{self.month:02d}{self.year:04d}"


def parse_month(text: str) -> Month:
    """'2025-09' -> Month(2025, 9). Raises ValidationError (field 'month')."""
    m = _MONTH.match((text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2100:
        raise ValidationError("month must be YYYY-MM, e.g. 2025-09", field="month")
    return Month(int(m.group(1)), int(m.group(2)))
