"""Customer ledger entries (append-only) and payments."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from business.errors import CustomerNotFound
from business.models import LedgerEntry, Payment
from db import rows


class PgLedgerRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._c = conn

    async def post(
        self, *, shop_id: int, customer_id: int, kind: str, amount_paise: int, created_at: datetime,
        note: str = "", invoice_id: int | None = None, payment_id: int | None = None,
        reversal_of: int | None = None,
    ) -> tuple[LedgerEntry, int]:
        try:
            r = await self._c.fetchrow(
                """WITH e AS (
                       INSERT INTO ledger_entries (shop_id, customer_id, kind, amount_paise, note, invoice_id,
                                                   payment_id, reversal_of, created_at)
                       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *),
                   u AS (
                       UPDATE customers SET balance_paise = balance_paise + $4, updated_at = now()
                       WHERE shop_id = $1 AND id = $2 RETURNING balance_paise)
                   SELECT e.*, u.balance_paise AS balance_after FROM e, u""",
                shop_id, customer_id, kind, amount_paise, note, invoice_id, payment_id, reversal_of, created_at,
            )
        except asyncpg.ForeignKeyViolationError as exc:
            raise CustomerNotFound(customer_id) from exc
        if r is None:
            raise CustomerNotFound(customer_id)
        return rows.ledger_entry(r), int(r["balance_after"])

    async def for_customer(self, shop_id: int, customer_id: int) -> list[LedgerEntry]:
        return [rows.ledger_entry(r) for r in await self._c.fetch(
            """SELECT * FROM ledger_entries WHERE shop_id = $1 AND customer_id = $2
               ORDER BY id""", shop_id, customer_id)]

    async def for_invoice(self, invoice_id: int) -> list[LedgerEntry]:
        return [rows.ledger_entry(r) for r in await self._c.fetch(
            "SELECT * FROM ledger_entries WHERE invoice_id = $1 ORDER BY id", invoice_id)]


class PgPaymentRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._c = conn

    async def add(
        self, *, shop_id: int, customer_id: int, amount_paise: int, mode: str, note: str, received_at: datetime
    ) -> Payment:
        r = await self._c.fetchrow(
            """INSERT INTO payments (shop_id, customer_id, amount_paise, mode, note, received_at)
               VALUES ($1, $2, $3, $4, $5, $6) RETURNING *""",
            shop_id, customer_id, amount_paise, mode, note, received_at,
        )
        return rows.payment(r)
