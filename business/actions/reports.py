"""Reports: the day's totals for the shopkeeper ("aaj ka hisaab")."""

from __future__ import annotations

from datetime import date

from business.actions.runner import ActionRunner
from business.actions.shops import load_shop
from business.errors import ValidationError
from business.models import DailySummary
from business.ports import UnitOfWork
from business.shoptime import day_bounds, shop_date


class ReportActions(ActionRunner):
    async def daily_summary(self, shop_id: int, day: date | None = None, *, until: date | None = None) -> DailySummary:
        """Sales (by mode, credit included), collections, udhaar, invoice count and top products
        for an Asia/Kolkata date (default: today in India), or from `day` to `until` (both included)."""
        day = day or shop_date(self._clock.now())
        last = until or day
        if last < day:
            raise ValidationError("until is before day", field="until")
        start, end = day_bounds(day)[0], day_bounds(last)[1]

        async def run(uow: UnitOfWork) -> DailySummary:
            await load_shop(uow, shop_id)
            rows = await uow.reports.daily(shop_id, start, end, 5)
            return DailySummary(
                shop_id=shop_id, date=day, sales_paise=sum(rows.sales_by_mode.values()),
                sales_by_mode=rows.sales_by_mode, collections_paise=sum(rows.collections_by_mode.values()),
                collections_by_mode=rows.collections_by_mode, udhaar_paise=rows.udhaar_paise,
                invoice_count=rows.invoice_count, cancelled_count=rows.cancelled_count,
                top_products=rows.top_products,
            )

        return await self._read(run)
