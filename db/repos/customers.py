"""Customers and their cached balance (kept equal to the ledger sum)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from business.errors import DuplicateCustomer
from business.models import Customer
from db import rows

_UPDATABLE = {
    "name", "phone", "nicknames", "landmark", "name_roman", "name_devanagari", "whatsapp_opt_in", "price_tier",
    "email", "phone_confirmed", "phone_confirmed_via", "phone_confirmed_at",
}


class PgCustomerRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._c = conn

    async def add(
        self, *, shop_id: int, name: str, phone: str | None, nicknames: Sequence[str], landmark: str,
        name_roman: str, name_devanagari: str, whatsapp_opt_in: bool, created_at: datetime,
        phone_confirmed: bool = False,
    ) -> Customer:
        if phone is not None:
            existing = await self._c.fetchval(
                "SELECT id FROM customers WHERE shop_id = $1 AND phone = $2", shop_id, phone
            )
            if existing is not None:
                raise DuplicateCustomer(phone, existing)
        try:
            r = await self._c.fetchrow(
                """INSERT INTO customers (shop_id, name, phone, nicknames, landmark, name_roman,
                                          name_devanagari, whatsapp_opt_in, created_at, updated_at,
                                          phone_confirmed, phone_confirmed_via, phone_confirmed_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10,
                           CASE WHEN $10 THEN 'owner' END, CASE WHEN $10 THEN $9::timestamptz END)
                   RETURNING *""",
                shop_id, name, phone, list(nicknames), landmark, name_roman, name_devanagari,
                whatsapp_opt_in, created_at, phone_confirmed and phone is not None,
            )
        except asyncpg.UniqueViolationError as exc:
            raise DuplicateCustomer(phone) from exc
        return rows.customer(r)

    async def get(self, shop_id: int, customer_id: int, *, for_update: bool = False) -> Customer | None:
        sql = "SELECT * FROM customers WHERE shop_id = $1 AND id = $2"
        if for_update:
            sql += " FOR NO KEY UPDATE"
        r = await self._c.fetchrow(sql, shop_id, customer_id)
        return rows.customer(r) if r else None

    async def list_all(self, shop_id: int) -> list[Customer]:
        return [rows.customer(r) for r in await self._c.fetch(
            "SELECT * FROM customers WHERE shop_id = $1 ORDER BY id", shop_id)]

    async def update(self, shop_id: int, customer_id: int, changes: dict[str, Any]) -> Customer | None:
        cols = [k for k in changes if k in _UPDATABLE]
        if not cols:
            return await self.get(shop_id, customer_id)
        sets = ", ".join(f"{col} = ${i}" for i, col in enumerate(cols, start=3))
        try:
            r = await self._c.fetchrow(
                f"UPDATE customers SET {sets}, updated_at = now() WHERE shop_id = $1 AND id = $2 RETURNING *",
                shop_id, customer_id, *(changes[c] for c in cols),
            )
        except asyncpg.UniqueViolationError as exc:
            raise DuplicateCustomer(changes.get("phone")) from exc
        return rows.customer(r) if r else None

    async def outstanding(self, shop_id: int) -> list[Customer]:
        return [rows.customer(r) for r in await self._c.fetch(
            """SELECT * FROM customers WHERE shop_id = $1 AND balance_paise > 0
               ORDER BY balance_paise DESC, id""", shop_id)]
