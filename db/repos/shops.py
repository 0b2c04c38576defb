"""Shops and the phones allowed to call for them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from business.errors import ValidationError
from business.models import Shop, ShopPhone
from db import rows


class PgShopRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._c = conn

    async def add(
        self, *, name: str, address: str, state: str, gstin: str | None, settings: dict[str, Any],
        api_key_hash: str, created_at: datetime,
    ) -> Shop:
        try:
            r = await self._c.fetchrow(
                """INSERT INTO shops (name, address, state, gstin, settings, api_key_hash, created_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *""",
                name, address, state, gstin, settings, api_key_hash, created_at,
            )
        except asyncpg.CheckViolationError as exc:
            raise ValidationError("invalid shop details (GSTIN must be 15 characters)", "gstin") from exc
        return rows.shop(r)

    async def add_phone(self, *, shop_id: int, phone: str, role: str, pin_hash: str | None) -> ShopPhone:
        try:
            r = await self._c.fetchrow(
                """INSERT INTO shop_phones (shop_id, phone, role, pin_hash) VALUES ($1, $2, $3, $4)
                   RETURNING *""",
                shop_id, phone, role, pin_hash,
            )
        except asyncpg.UniqueViolationError as exc:
            raise ValidationError("this phone already belongs to a shop", "phone") from exc
        return rows.shop_phone(r)

    async def get(self, shop_id: int) -> Shop | None:
        r = await self._c.fetchrow("SELECT * FROM shops WHERE id = $1", shop_id)
        return rows.shop(r) if r else None

    async def set_api_key_hash(self, shop_id: int, api_key_hash: str) -> bool:
        done = await self._c.fetchval(
            "UPDATE shops SET api_key_hash = $2 WHERE id = $1 RETURNING id", shop_id, api_key_hash
        )
        return done is not None

    async def by_api_key_hash(self, api_key_hash: str) -> Shop | None:
        r = await self._c.fetchrow("SELECT * FROM shops WHERE api_key_hash = $1", api_key_hash)
        return rows.shop(r) if r else None

    async def by_phone(self, phone: str) -> tuple[Shop, ShopPhone, str | None] | None:
        p = await self._c.fetchrow("SELECT * FROM shop_phones WHERE phone = $1", phone)
        if p is None:
            return None
        s = await self._c.fetchrow("SELECT * FROM shops WHERE id = $1", p["shop_id"])
        return rows.shop(s), rows.shop_phone(p), p["pin_hash"]

    async def pin_attempts(self, shop_id: int, phone: str) -> tuple[int, datetime | None]:
        r = await self._c.fetchrow(
            "SELECT failures, locked_until FROM pin_attempts WHERE shop_id = $1 AND phone = $2 FOR UPDATE",
            shop_id, phone,
        )
        return (int(r["failures"]), r["locked_until"]) if r else (0, None)

    async def set_pin_attempts(self, shop_id: int, phone: str, failures: int, locked_until: datetime | None) -> None:
        await self._c.execute(
            """INSERT INTO pin_attempts (shop_id, phone, failures, locked_until, updated_at)
               VALUES ($1, $2, $3, $4, now())
               ON CONFLICT (shop_id, phone) DO UPDATE
                 SET failures = EXCLUDED.failures, locked_until = EXCLUDED.locked_until, updated_at = now()""",
            shop_id, phone, failures, locked_until,
        )

    async def set_pin_hash(self, shop_id: int, phone: str, pin_hash: str) -> bool:
        done = await self._c.fetchval(
            "UPDATE shop_phones SET pin_hash = $3 WHERE shop_id = $1 AND phone = $2 RETURNING id",
            shop_id, phone, pin_hash,
        )
        return done is not None
