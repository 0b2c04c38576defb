"""Read models: the daily summary's totals over a [start, end) window."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from business.models import DailySummaryRows, TopProduct
from business.units import from_milli


class PgReportRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._c = conn

    async def daily(self, shop_id: int, start: datetime, end: datetime, top_n: int) -> DailySummaryRows:
        sales = await self._c.fetch(
            """SELECT payment_mode, sum(total_paise)::bigint AS total, count(*) AS n FROM invoices
               WHERE shop_id = $1 AND issued_at >= $2 AND issued_at < $3 AND status = 'issued'
               GROUP BY payment_mode""",
            shop_id, start, end,
        )
        cancelled = await self._c.fetchval(
            """SELECT count(*) FROM invoices
               WHERE shop_id = $1 AND issued_at >= $2 AND issued_at < $3 AND status = 'cancelled'""",
            shop_id, start, end,
        )
        collections = await self._c.fetch(
            """SELECT mode, sum(amount_paise)::bigint AS total FROM payments
               WHERE shop_id = $1 AND received_at >= $2 AND received_at < $3 GROUP BY mode""",
            shop_id, start, end,
        )
        udhaar = await self._c.fetchval(
            """SELECT coalesce(sum(amount_paise), 0)::bigint FROM ledger_entries
               WHERE shop_id = $1 AND kind = 'udhaar' AND created_at >= $2 AND created_at < $3""",
            shop_id, start, end,
        )
        top = await self._c.fetch(
            """SELECT l.product_id, p.name, p.unit, sum(l.qty_milli)::bigint AS qty,
                      sum(l.total_paise)::bigint AS amount
               FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id JOIN products p ON p.id = l.product_id
               WHERE i.shop_id = $1 AND i.issued_at >= $2 AND i.issued_at < $3 AND i.status = 'issued'
               GROUP BY l.product_id, p.name, p.unit ORDER BY amount DESC, qty DESC, p.name LIMIT $4""",
            shop_id, start, end, top_n,
        )
        return DailySummaryRows(
            sales_by_mode={r["payment_mode"]: int(r["total"]) for r in sales},
            collections_by_mode={r["mode"]: int(r["total"]) for r in collections},
            udhaar_paise=int(udhaar),
            invoice_count=sum(int(r["n"]) for r in sales),
            cancelled_count=int(cancelled),
            top_products=tuple(
                TopProduct(r["product_id"], r["name"], r["unit"], from_milli(int(r["qty"])), int(r["amount"]))
                for r in top
            ),
        )
