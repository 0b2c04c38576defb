"""Tier prices per product (wholesale, dealer); retail is the product's own price."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg


class PgProductPriceRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._c = conn

    async def set(self, *, shop_id: int, product_id: int, tier: str, price_paise: int, at: datetime) -> None:
        await self._c.execute(
            """INSERT INTO product_prices (shop_id, product_id, tier, price_paise, updated_at)
               VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (product_id, tier) DO UPDATE
                   SET price_paise = EXCLUDED.price_paise, updated_at = EXCLUDED.updated_at""",
            shop_id, product_id, tier, price_paise, at,
        )

    async def for_tier(self, shop_id: int, product_ids: Sequence[int], tier: str) -> dict[int, int]:
        found = await self._c.fetch(
            """SELECT product_id, price_paise FROM product_prices
               WHERE shop_id = $1 AND product_id = ANY($2::bigint[]) AND tier = $3""",
            shop_id, list(product_ids), tier,
        )
        return {r["product_id"]: r["price_paise"] for r in found}

    async def for_product(self, shop_id: int, product_id: int) -> dict[str, int]:
        found = await self._c.fetch(
            "SELECT tier, price_paise FROM product_prices WHERE shop_id = $1 AND product_id = $2 ORDER BY tier",
            shop_id, product_id,
        )
        return {r["tier"]: r["price_paise"] for r in found}
