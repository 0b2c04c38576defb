"""Products and stock moves; the cached stock is kept equal to the moves' sum."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import asyncpg

from business.errors import DuplicateProduct, ProductNotFound
from business.models import GstRate, NewStockMove, Product, StockMove
from db import rows

_UPDATABLE = {"name", "aliases", "price_paise", "gst_rate_bp", "hsn", "low_stock_milli"}


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

    async def update(self, shop_id: int, product_id: int, changes: dict[str, Any]) -> Product | None:
        cols = [k for k in changes if k in _UPDATABLE]
        if not cols:
            return await self.get(shop_id, product_id)
        sets = ", ".join(f"{col} = ${i}" for i, col in enumerate(cols, start=3))
        try:
            r = await self._c.fetchrow(
                f"UPDATE products SET {sets}, updated_at = now() WHERE shop_id = $1 AND id = $2 RETURNING *",
                shop_id, product_id, *(changes[c] for c in cols),
            )
        except asyncpg.UniqueViolationError as exc:
            raise DuplicateProduct(str(changes.get("name"))) from exc
        return rows.product(r) if r else None

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

    async def set_gst_rate(self, *, shop_id: int, product_id: int, rate_bp: int, effective_from: date) -> GstRate:
        r = await self._c.fetchrow(
            """INSERT INTO product_gst_rates (shop_id, product_id, rate_bp, effective_from)
               VALUES ($1, $2, $3, $4)
               ON CONFLICT (product_id, effective_from) DO UPDATE SET rate_bp = EXCLUDED.rate_bp
               RETURNING product_id, rate_bp, effective_from""",
            shop_id, product_id, rate_bp, effective_from,
        )
        return GstRate(r["product_id"], r["rate_bp"], r["effective_from"])

    async def gst_rates_on(self, shop_id: int, product_ids: Sequence[int], day: date) -> dict[int, int]:
        found = await self._c.fetch(
            """SELECT DISTINCT ON (product_id) product_id, rate_bp FROM product_gst_rates
               WHERE shop_id = $1 AND product_id = ANY($2::bigint[]) AND effective_from <= $3
               ORDER BY product_id, effective_from DESC""",
            shop_id, list(product_ids), day,
        )
        return {r["product_id"]: r["rate_bp"] for r in found}

    async def low_stock(self, shop_id: int) -> list[Product]:
        return [rows.product(r) for r in await self._c.fetch(
            """SELECT * FROM products WHERE shop_id = $1 AND stock_milli <= low_stock_milli
               ORDER BY stock_milli - low_stock_milli, name""", shop_id)]


class PgStockMoveRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._c = conn

    async def post_many(
        self, *, shop_id: int, moves: Sequence[NewStockMove], created_at: datetime
    ) -> list[StockMove]:
        if not moves:
            return []
        found = await self._c.fetch(
            """WITH d AS (
                   SELECT * FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[],
                                        $7::text[], $9::text[]) WITH ORDINALITY
                          AS t(product_id, kind, qty_milli, invoice_line_id, reversal_of, note, reason, ord)),
               m AS (
                   INSERT INTO stock_moves (shop_id, product_id, kind, qty_milli, invoice_line_id, reversal_of,
                                            note, reason, created_at)
                   SELECT $1, product_id, kind, qty_milli, invoice_line_id, reversal_of, note, reason, $8
                   FROM d ORDER BY ord RETURNING *),
               u AS (
                   UPDATE products p SET stock_milli = p.stock_milli + s.total, updated_at = now()
                   FROM (SELECT product_id, sum(qty_milli) AS total FROM d GROUP BY product_id) s
                   WHERE p.shop_id = $1 AND p.id = s.product_id RETURNING p.id)
               SELECT m.*, (SELECT count(*) FROM u) AS products_updated FROM m ORDER BY m.id""",
            shop_id,
            [m.product_id for m in moves], [m.kind for m in moves], [m.qty_milli for m in moves],
            [m.invoice_line_id for m in moves], [m.reversal_of for m in moves], [m.note for m in moves],
            created_at, [m.reason for m in moves],
        )
        if found and found[0]["products_updated"] != len({m.product_id for m in moves}):
            raise ProductNotFound(moves[0].product_id)
        return [rows.stock_move(r) for r in found]

    async def post(self, *, shop_id: int, move: NewStockMove, created_at: datetime) -> tuple[StockMove, Product]:
        (posted,) = await self.post_many(shop_id=shop_id, moves=[move], created_at=created_at)
        r = await self._c.fetchrow("SELECT * FROM products WHERE id = $1", move.product_id)
        return posted, rows.product(r)

    async def for_invoice(self, invoice_id: int) -> list[StockMove]:
        return [rows.stock_move(r) for r in await self._c.fetch(
            """SELECT m.* FROM stock_moves m JOIN invoice_lines l ON l.id = m.invoice_line_id
               WHERE l.invoice_id = $1 AND m.kind = 'sale' ORDER BY m.id""", invoice_id)]
