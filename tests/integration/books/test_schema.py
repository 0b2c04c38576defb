"""The schema holds the books' invariants even against hand-written SQL, and
migrations apply once, in order, safely when two processes race."""

import asyncio
import secrets

import asyncpg
import pytest

from business.books import Books
from db.migrate import apply_migrations, migration_files

from .conftest import ShopCtx


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_entries SET amount_paise = 1 WHERE shop_id = $1",
        "DELETE FROM ledger_entries WHERE shop_id = $1",
        "UPDATE stock_moves SET qty_milli = 1 WHERE shop_id = $1",
        "DELETE FROM stock_moves WHERE shop_id = $1",
        "DELETE FROM payments WHERE shop_id = $1",
        "UPDATE invoices SET total_paise = total_paise + 100, subtotal_paise = subtotal_paise + 100 WHERE shop_id = $1",
        "DELETE FROM invoices WHERE shop_id = $1",
        "UPDATE invoice_lines SET description = 'x' WHERE invoice_id IN (SELECT id FROM invoices WHERE shop_id = $1)",
    ],
)
async def test_documents_and_ledgers_are_append_only(books: Books, shop: ShopCtx, pool: asyncpg.Pool, sql: str) -> None:
    c = await books.add_customer(shop.id, "Rahul", opening_balance_paise=500)
    await books.create_invoice(shop.id, c.id, [("doodh", 1)])
    await books.record_payment(shop.id, c.id, 100)
    async with pool.acquire() as conn:
        with pytest.raises(asyncpg.PostgresError):
            await conn.execute(sql, shop.id)


@pytest.mark.parametrize(
    ("sql", "error"),
    [
        ("INSERT INTO ledger_entries (shop_id, customer_id, kind, amount_paise) VALUES ($1, $2, 'udhaar', -5)",
         asyncpg.CheckViolationError),
        ("INSERT INTO ledger_entries (shop_id, customer_id, kind, amount_paise) VALUES ($1, $2, 'payment', -5)",
         asyncpg.CheckViolationError),  # a payment entry points at its payment
        ("INSERT INTO ledger_entries (shop_id, customer_id, kind, amount_paise) VALUES ($1, $2, 'reversal', 5)",
         asyncpg.CheckViolationError),  # a reversal points at its original
        ("INSERT INTO payments (shop_id, customer_id, amount_paise, mode) VALUES ($1, $2, 100, 'barter')",
         asyncpg.CheckViolationError),
        ("INSERT INTO reminders (shop_id, customer_id, due_at, status) VALUES ($1, $2, now(), 'lost')",
         asyncpg.CheckViolationError),
        ("UPDATE customers SET phone = '98765' WHERE shop_id = $1 AND id = $2", asyncpg.CheckViolationError),
        ("INSERT INTO ledger_entries (shop_id, customer_id, kind, amount_paise) VALUES ($1 + 100000, $2, 'udhaar', 5)",
         asyncpg.ForeignKeyViolationError),  # a customer of another shop
    ],
)
async def test_constraints_refuse_bad_rows(books: Books, shop: ShopCtx, pool: asyncpg.Pool, sql: str, error) -> None:
    c = await books.add_customer(shop.id, "Meena")
    async with pool.acquire() as conn:
        with pytest.raises(error):
            await conn.execute(sql, shop.id, c.id)


async def test_cancel_is_the_only_invoice_update(books: Books, shop: ShopCtx) -> None:
    inv = await books.create_invoice(shop.id, None, [("doodh", 1)], payment_mode="cash")
    assert (await books.cancel_invoice(shop.id, inv.id)).status == "cancelled"


async def test_migrations_apply_once_even_when_racing() -> None:
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    from tests.conftest import ADMIN_DSN, _dsn_for

    name = f"execora_mig_{secrets.token_hex(4)}"
    conn = await asyncpg.connect(ADMIN_DSN or admin)
    await conn.execute(f'CREATE DATABASE "{name}"')
    try:
        dsn = _dsn_for(name)
        first, second = await asyncio.gather(apply_migrations(dsn), apply_migrations(dsn))
        names = [p.name for p in migration_files()]
        assert sorted([first, second], key=len) == [[], names]
        assert await apply_migrations(dsn) == []
        c = await asyncpg.connect(dsn)
        try:
            recorded = [r["name"] for r in await c.fetch("SELECT name FROM schema_migrations ORDER BY name")]
        finally:
            await c.close()
        assert recorded == names
    finally:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()
