"""Races on real Postgres, and replays with an idempotency key."""

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from business.books import Books
from business.errors import IdempotencyKeyReused, InsufficientStock
from business.models import PaymentSplit

from .conftest import assert_books_balance, count_rows, make_shop


async def test_50_concurrent_invoices_against_stock_10(books: Books, pool: asyncpg.Pool) -> None:
    s = await make_shop(books)
    milk = (await books.set_stock(s.id, s.products["milk"].id, 10)).product
    c = await books.add_customer(s.id, "Rahul")
    results = await asyncio.gather(
        *(books.create_invoice(s.id, c.id if i % 2 else None, [(milk.id, 1)],
                               payment_mode="credit" if i % 2 else "cash") for i in range(50)),
        return_exceptions=True,
    )
    ok = [r for r in results if not isinstance(r, BaseException)]
    failed = [r for r in results if isinstance(r, BaseException)]
    assert len(ok) == 10
    assert all(isinstance(e, InsufficientStock) for e in failed), failed[:3]
    assert (await books.get_product(s.id, milk.id)).stock == 0
    numbers = sorted(int(i.invoice_no[-6:]) for i in ok)
    assert numbers == list(range(1, 11))  # consecutive: failed attempts leave no gaps
    await assert_books_balance(pool, s.id)


async def test_negative_stock_shop_lets_all_50_through(books: Books, pool: asyncpg.Pool) -> None:
    s = await make_shop(books, allow_negative_stock=True)
    milk = (await books.set_stock(s.id, s.products["milk"].id, 10)).product
    results = await asyncio.gather(
        *(books.create_invoice(s.id, None, [(milk.id, 1)], payment_mode="cash") for _ in range(50))
    )
    assert len({r.invoice_no for r in results}) == 50
    assert (await books.get_product(s.id, milk.id)).stock == -40
    await assert_books_balance(pool, s.id)


async def test_concurrent_payments_all_land(books: Books, shop, pool: asyncpg.Pool) -> None:
    c = await books.add_customer(shop.id, "Suresh", opening_balance_paise=100_000)
    await asyncio.gather(*(books.record_payment(shop.id, c.id, 1000, "cash") for _ in range(30)),
                         *(books.add_udhaar(shop.id, c.id, 500) for _ in range(10)))
    assert (await books.balance(shop.id, c.id)).balance_paise == 100_000 - 30_000 + 5_000
    assert (await count_rows(pool, shop.id))["payments"] == 30


async def test_cross_product_invoices_do_not_deadlock(books: Books, shop, pool: asyncpg.Pool) -> None:
    a, b = shop.products["atta"].id, shop.products["egg"].id
    await asyncio.gather(*(
        books.create_invoice(shop.id, None, [(a, 1), (b, 1)] if i % 2 else [(b, 1), (a, 1)], payment_mode="cash")
        for i in range(20)))
    assert (await books.get_product(shop.id, a)).stock == 30


async def test_replay_returns_first_result_and_posts_nothing(books: Books, shop, pool: asyncpg.Pool) -> None:
    c = await books.add_customer(shop.id, "Rahul", idempotency_key="cust-1")
    assert await books.add_customer(shop.id, "Someone Else", idempotency_key="cust-1") == c

    inv = await books.create_invoice(shop.id, c.id, [("doodh", 2)], idempotency_key="call-1:turn-3")
    before = await count_rows(pool, shop.id)
    again = await books.create_invoice(shop.id, c.id, [("doodh", 2)], idempotency_key="call-1:turn-3")
    assert again == inv
    assert await count_rows(pool, shop.id) == before

    pay = await books.record_payment(shop.id, c.id, 1000, idempotency_key="p1")
    assert await books.record_payment(shop.id, c.id, 1000, idempotency_key="p1") == pay
    udh = await books.add_udhaar(shop.id, c.id, 700, idempotency_key="u1")
    assert await books.add_udhaar(shop.id, c.id, 700, idempotency_key="u1") == udh
    cancel = await books.cancel_invoice(shop.id, inv.id, idempotency_key="x1")
    assert await books.cancel_invoice(shop.id, inv.id, idempotency_key="x1") == cancel  # not "already cancelled"
    rem = await books.schedule_reminder(shop.id, c.id, datetime.now(UTC) + timedelta(days=1), idempotency_key="r1")
    assert await books.schedule_reminder(shop.id, c.id, datetime.now(UTC), idempotency_key="r1") == rem
    st = await books.receive_stock(shop.id, "atta", 5, idempotency_key="s1")
    assert await books.receive_stock(shop.id, "atta", 5, idempotency_key="s1") == st
    assert (await books.get_product(shop.id, shop.products["atta"].id)).stock == 55
    assert (await books.balance(shop.id, c.id)).balance_paise == 700 - 1000
    with pytest.raises(IdempotencyKeyReused):
        await books.add_udhaar(shop.id, c.id, 700, idempotency_key="p1")


async def test_concurrent_replays_post_once(books: Books, shop, pool: asyncpg.Pool) -> None:
    c = await books.add_customer(shop.id, "Meena", opening_balance_paise=50_000)
    results = await asyncio.gather(*(
        books.record_payment(shop.id, c.id, splits=[PaymentSplit(1000, "cash"), PaymentSplit(500, "upi")],
                             idempotency_key="webhook-42") for _ in range(10)))
    assert len({r.payments for r in results}) == 1
    assert (await books.balance(shop.id, c.id)).balance_paise == 48_500


async def test_failed_action_does_not_burn_the_key(books: Books, shop) -> None:
    with pytest.raises(InsufficientStock):
        await books.create_invoice(shop.id, None, [("doodh", 100)], payment_mode="cash", idempotency_key="k")
    inv = await books.create_invoice(shop.id, None, [("doodh", 1)], payment_mode="cash", idempotency_key="k")
    assert inv.total_paise == 3300
