"""Products and stock moves; the cached stock is kept equal to the moves' sum."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from business.errors import DuplicateProduct, ProductNotFound
from business.models import Product, StockMove
from db import rows


class PgProductRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._c = conn

    async def add(
        self, *, shop_id: int, name: str, aliases: Sequence[str], unit: str, price_paise: int,
        gst_rate_bp: int, hsn: str, low_stock_milli: int, created_at: datetime,
    ) -> Product:
        try:
            r = await self._c.fetchrow(
                """INSERT INTO products (shop_id, name, aliases, unit, price_paise, gst_rate_bp, hsn,
                                         low_stock_milli, created_at, updated_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING *""",
                shop_id, name, list(aliases), unit, price_paise, gst_rate_bp, hsn, low_stock_milli, created_at,
            )
        except asyncpg.UniqueViolationError as exc:
            raise DuplicateProduct(name) from exc
        return rows.product(r)

    async def get(self, shop_id: int, product_id: int, *, for_update: bool = False) -> Product | None:
        sql = "SELECT * FROM products WHERE shop_id = $1 AND id = $2"
        if for_update:
            sql += " FOR NO KEY UPDATE"
        r = await self._c.fetchrow(sql, shop_id, product_id)
        return rows.product(r) if r else None

    async def list_all(self, shop_id: int) -> list[Product]:
        return [rows.product(r) for r in await self._c.fetch(
            "SELECT * FROM products WHERE shop_id = $1 ORDER BY name, id", shop_id)]

    async def lock(self, shop_id: int, product_ids: Sequence[int]) -> dict[int, Product]:
        if not product_ids:
            return {}
        found = await self._c.fetch(
            """SELECT * FROM products WHERE shop_id = $1 AND id = ANY($2::bigint[])
               ORDER BY id FOR NO KEY UPDATE""",
            shop_id, sorted(set(product_ids)),
        )
        out = {r["id"]: rows.product(r) for r in found}
        missing = set(product_ids) - set(out)
        if missing:
            raise ProductNotFound(min(missing))
        return out

    async def add_to_stock(self, shop_id: int, product_id: int, delta_milli: int) -> Product:
        r = await self._c.fetchrow(
            """UPDATE products SET stock_milli = stock_milli + $3, updated_at = now()
               WHERE shop_id = $1 AND id = $2 RETURNING *""",
            shop_id, product_id, delta_milli,
        )
        if r is None:
            raise ProductNotFound(product_id)
        return rows.product(r)

    async def low_stock(self, shop_id: int) -> list[Product]:
        return [rows.product(r) for r in await self._c.fetch(
            """SELECT * FROM products WHERE shop_id = $1 AND stock_milli <= low_stock_milli
               ORDER BY stock_milli - low_stock_milli, name""", shop_id)]


class PgStockMoveRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._c = conn

    async def add(
        self, *, shop_id: int, product_id: int, kind: str, qty_milli: int, created_at: datetime,
        invoice_line_id: int | None = None, reversal_of: int | None = None, note: str = "",
    ) -> StockMove:
        r = await self._c.fetchrow(
            """INSERT INTO stock_moves (shop_id, product_id, kind, qty_milli, invoice_line_id, reversal_of,
                                        note, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *""",
            shop_id, product_id, kind, qty_milli, invoice_line_id, reversal_of, note, created_at,
        )
        return rows.stock_move(r)

    async def for_invoice(self, invoice_id: int) -> list[StockMove]:
        return [rows.stock_move(r) for r in await self._c.fetch(
            """SELECT m.* FROM stock_moves m JOIN invoice_lines l ON l.id = m.invoice_line_id
               WHERE l.invoice_id = $1 AND m.kind = 'sale' ORDER BY m.id""", invoice_id)]
