"""Invoices, their lines and the per-shop, per-financial-year number counter."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from business.models import Invoice, InvoiceQuote
from db import rows

_LINE_COLUMNS = (
    "line_no", "product_id", "description", "hsn", "quantity", "unit", "qty_milli", "unit_price_paise",
    "taxable_paise", "gst_rate_bp", "cgst_paise", "sgst_paise", "igst_paise", "total_paise", "discount_paise",
)
_LINE_TYPES = (
    "int[]", "bigint[]", "text[]", "text[]", "numeric[]", "text[]", "bigint[]", "bigint[]",
    "bigint[]", "int[]", "bigint[]", "bigint[]", "bigint[]", "bigint[]", "bigint[]",
)


class PgInvoiceRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._c = conn

    async def next_seq(self, shop_id: int, fy: str) -> int:
        # Upsert takes the counter row's lock until commit: numbers are consecutive, never reused,
        # and an aborted invoice gives its number back (unlike a sequence).
        seq = await self._c.fetchval(
            """INSERT INTO invoice_counters AS c (shop_id, fy, last_no) VALUES ($1, $2, 1)
               ON CONFLICT (shop_id, fy) DO UPDATE SET last_no = c.last_no + 1
               RETURNING last_no""",
            shop_id, fy,
        )
        return int(seq)

    async def add(
        self, *, quote: InvoiceQuote, fy: str, seq: int, invoice_no: str, issued_at: datetime
    ) -> tuple[Invoice, list[int]]:
        columns = [[getattr(line, col) for line in quote.lines] for col in _LINE_COLUMNS]
        args = ", ".join(f"${i + 19}::{t}" for i, t in enumerate(_LINE_TYPES))
        found = await self._c.fetch(
            f"""WITH h AS (
                    INSERT INTO invoices (shop_id, fy, seq, invoice_no, customer_id, customer_name, payment_mode,
                        with_gst, supply_type, subtotal_paise, cgst_paise, sgst_paise, igst_paise,
                        round_off_paise, total_paise, issued_at, discount_paise, price_tier)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
                    RETURNING id, issued_at),
                l AS (
                    INSERT INTO invoice_lines (invoice_id, {", ".join(_LINE_COLUMNS)})
                    SELECT h.id, u.* FROM h, unnest({args}) AS u
                    RETURNING id, line_no)
                SELECT h.id AS invoice_id, h.issued_at, l.id AS line_id FROM h, l ORDER BY l.line_no""",
            quote.shop_id, fy, seq, invoice_no, quote.customer_id, quote.customer_name, quote.payment_mode,
            quote.with_gst, quote.supply_type, quote.subtotal_paise, quote.cgst_paise, quote.sgst_paise,
            quote.igst_paise, quote.round_off_paise, quote.total_paise, issued_at, quote.discount_paise,
            quote.price_tier, *columns,
        )
        invoice = Invoice(
            id=found[0]["invoice_id"], shop_id=quote.shop_id, invoice_no=invoice_no, fy=fy,
            customer_id=quote.customer_id, customer_name=quote.customer_name, status="issued",
            payment_mode=quote.payment_mode, with_gst=quote.with_gst, supply_type=quote.supply_type,
            lines=quote.lines, subtotal_paise=quote.subtotal_paise, cgst_paise=quote.cgst_paise,
            sgst_paise=quote.sgst_paise, igst_paise=quote.igst_paise, round_off_paise=quote.round_off_paise,
            total_paise=quote.total_paise, issued_at=found[0]["issued_at"], cancelled_at=None,
            discount_paise=quote.discount_paise, price_tier=quote.price_tier,
        )
        return invoice, [r["line_id"] for r in found]

    async def _with_lines(self, heads: list[asyncpg.Record]) -> list[Invoice]:
        if not heads:
            return []
        found = await self._c.fetch(
            "SELECT * FROM invoice_lines WHERE invoice_id = ANY($1::bigint[]) ORDER BY invoice_id, line_no",
            [h["id"] for h in heads],
        )
        by_invoice: dict[int, list[asyncpg.Record]] = {}
        for r in found:
            by_invoice.setdefault(r["invoice_id"], []).append(r)
        return [rows.invoice(h, by_invoice.get(h["id"], [])) for h in heads]

    async def get(self, shop_id: int, invoice_id: int, *, for_update: bool = False) -> Invoice | None:
        sql = "SELECT * FROM invoices WHERE shop_id = $1 AND id = $2"
        if for_update:
            sql += " FOR UPDATE"
        head = await self._c.fetchrow(sql, shop_id, invoice_id)
        return (await self._with_lines([head]))[0] if head else None

    async def get_by_no(self, shop_id: int, invoice_no: str) -> Invoice | None:
        head = await self._c.fetchrow(
            "SELECT * FROM invoices WHERE shop_id = $1 AND invoice_no = $2", shop_id, invoice_no
        )
        return (await self._with_lines([head]))[0] if head else None

    async def list_all(
        self, shop_id: int, *, customer_id: int | None = None, since: datetime | None = None,
        until: datetime | None = None, limit: int = 50,
    ) -> list[Invoice]:
        heads = await self._c.fetch(
            """SELECT * FROM invoices
               WHERE shop_id = $1
                 AND ($2::bigint IS NULL OR customer_id = $2)
                 AND ($3::timestamptz IS NULL OR issued_at >= $3)
                 AND ($4::timestamptz IS NULL OR issued_at < $4)
               ORDER BY issued_at DESC, id DESC LIMIT $5""",
            shop_id, customer_id, since, until, limit,
        )
        return await self._with_lines(list(heads))

    async def last_for_customer(self, shop_id: int, customer_id: int | None) -> Invoice | None:
        head = await self._c.fetchrow(
            """SELECT * FROM invoices
               WHERE shop_id = $1 AND customer_id IS NOT DISTINCT FROM $2 AND status = 'issued'
               ORDER BY issued_at DESC, id DESC LIMIT 1""",
            shop_id, customer_id,
        )
        return (await self._with_lines([head]))[0] if head else None

    async def mark_cancelled(self, invoice_id: int, at: datetime) -> None:
        await self._c.execute(
            "UPDATE invoices SET status = 'cancelled', cancelled_at = $2 WHERE id = $1", invoice_id, at
        )
