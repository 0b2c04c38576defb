"""Fixtures for the books tests: a `Books` on the real test database, a settable
clock, a fresh shop per test, and an invariant check run after every action test.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from business.books import Books
from business.models import Product, Shop
from business.ports import NullJobQueue
from db.uow import PostgresUnitOfWorkFactory


class FakeClock:
    """A clock tests move by hand (aware datetimes)."""

    def __init__(self, now: datetime | None = None) -> None:
        self.current = now or datetime.now(UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **kw: float) -> None:
        self.current += timedelta(**kw)


@dataclass
class ShopCtx:
    shop: Shop
    api_key: str
    products: dict[str, Product]

    @property
    def id(self) -> int:
        return self.shop.id


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def jobs() -> NullJobQueue:
    return NullJobQueue()


@pytest.fixture
def books(pool: asyncpg.Pool, clock: FakeClock, jobs: NullJobQueue) -> Books:
    return Books(PostgresUnitOfWorkFactory(pool), clock=clock, jobs=jobs)


def random_phone() -> str:
    return "+9198" + "".join(str(secrets.randbelow(10)) for _ in range(8))


async def make_shop(books: Books, **settings: object) -> ShopCtx:
    shop, key = await books.create_shop("Test Kirana", random_phone(), settings=settings or None)
    products = {
        "milk": await books.add_product(shop.id, "Amul Milk", unit="packet", price_paise=3300, aliases=["doodh"],
                                        hsn="0401", stock=20, low_stock_level=5),
        "atta": await books.add_product(shop.id, "Aashirvaad Atta", unit="kg", price_paise=4550, aliases=["aata"],
                                        hsn="1101", stock=50),
        "biscuit": await books.add_product(shop.id, "Parle-G", unit="packet", price_paise=1000, gst_rate_bp=500,
                                           hsn="1905", aliases=["parle g biscuit"], stock=100),
        "egg": await books.add_product(shop.id, "Egg", unit="piece", price_paise=700, aliases=["anda"],
                                       hsn="0407", stock=60),
    }
    return ShopCtx(shop, key, products)


@pytest.fixture
async def shop(books: Books, pool: asyncpg.Pool) -> AsyncIterator[ShopCtx]:
    ctx = await make_shop(books)
    yield ctx
    await assert_books_balance(pool, ctx.id)


async def assert_books_balance(pool: asyncpg.Pool, shop_id: int) -> None:
    """Cached balances equal ledger sums, cached stock equals stock-move sums."""
    async with pool.acquire() as conn:
        bad_customers = await conn.fetch(
            """SELECT c.id, c.balance_paise, coalesce(sum(l.amount_paise), 0) AS ledger
               FROM customers c LEFT JOIN ledger_entries l ON l.customer_id = c.id
               WHERE c.shop_id = $1 GROUP BY c.id HAVING c.balance_paise <> coalesce(sum(l.amount_paise), 0)""",
            shop_id,
        )
        bad_products = await conn.fetch(
            """SELECT p.id, p.stock_milli, coalesce(sum(m.qty_milli), 0) AS moves
               FROM products p LEFT JOIN stock_moves m ON m.product_id = p.id
               WHERE p.shop_id = $1 GROUP BY p.id HAVING p.stock_milli <> coalesce(sum(m.qty_milli), 0)""",
            shop_id,
        )
    assert not bad_customers, [dict(r) for r in bad_customers]
    assert not bad_products, [dict(r) for r in bad_products]


async def count_rows(pool: asyncpg.Pool, shop_id: int) -> dict[str, int]:
    """Row counts of every posting table for a shop (to prove 'nothing written')."""
    out = {}
    async with pool.acquire() as conn:
        for table in ("customers", "products", "stock_moves", "invoices", "ledger_entries", "payments",
                      "reminders", "idempotency_keys"):
            out[table] = await conn.fetchval(f"SELECT count(*) FROM {table} WHERE shop_id = $1", shop_id)
        out["invoice_counters"] = await conn.fetchval(
            "SELECT coalesce(sum(last_no), 0) FROM invoice_counters WHERE shop_id = $1", shop_id)
    return out
