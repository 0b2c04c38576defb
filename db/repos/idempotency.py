"""Idempotency keys: claimed at the start of an action's transaction.

INSERT ... ON CONFLICT DO NOTHING blocks on a concurrent uncommitted claim of
the same key, so the second request waits for the first and then sees its
stored result (or, if the first rolled back, claims the key itself).
"""

from __future__ import annotations

from typing import Any

import asyncpg

from business.errors import ShopNotFound


class PgIdempotencyRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._c = conn

    async def claim(self, shop_id: int, key: str, action: str) -> tuple[str, Any] | None:
        try:
            new = await self._c.fetchval(
                """INSERT INTO idempotency_keys (shop_id, key, action) VALUES ($1, $2, $3)
                   ON CONFLICT (shop_id, key) DO NOTHING RETURNING id""",
                shop_id, key, action,
            )
        except asyncpg.ForeignKeyViolationError as exc:
            raise ShopNotFound(f"no shop {shop_id}") from exc
        if new is not None:
            return None
        r = await self._c.fetchrow(
            "SELECT action, result FROM idempotency_keys WHERE shop_id = $1 AND key = $2", shop_id, key
        )
        return r["action"], r["result"]

    async def save_result(self, shop_id: int, key: str, result: Any) -> None:
        await self._c.execute(
            "UPDATE idempotency_keys SET result = $3 WHERE shop_id = $1 AND key = $2", shop_id, key, result
        )
