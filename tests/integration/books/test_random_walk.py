"""A seeded random walk of every posting action: after each one, cached balances
equal ledger sums and cached stock equals stock-move sums; at the end the
statements, outstanding total and daily summary agree with the raw rows."""

import random
from decimal import Decimal

import asyncpg

from business.books import Books
from business.errors import ExecoraError, InsufficientStock, InvalidAmount, InvoiceAlreadyCancelled
from business.models import Invoice, PaymentSplit

from .conftest import assert_books_balance, make_shop

MODES = ["credit", "cash", "upi", "card", "cheque", "bank"]


async def test_random_walk_keeps_books_balanced(books: Books, pool: asyncpg.Pool) -> None:
    rng = random.Random(20260401)
    s = await make_shop(books)
    customers = [await books.add_customer(s.id, n, opening_balance_paise=rng.choice([0, 5000, -2000]))
                 for n in ("Rahul", "Suresh", "Meena", "Gupta")]
    products = list(s.products.values())
    invoices: list[Invoice] = []
    expected_errors = (InsufficientStock, InvalidAmount, InvoiceAlreadyCancelled)
    for step in range(120):
        action = rng.choice(["invoice"] * 4 + ["cancel", "pay", "udhaar", "receive", "remove", "set"])
        c = rng.choice(customers)
        p = rng.choice(products)
        try:
            if action == "invoice":
                items = [(q.id, Decimal(rng.choice(["1", "2", "0.5", "3"])), None) for q in rng.sample(products, 2)]
                mode = rng.choice(MODES)
                invoices.append(await books.create_invoice(
                    s.id, c.id, items, payment_mode=mode, with_gst=rng.random() < 0.5,
                    supply_type=rng.choice(["intrastate", "interstate"])))
            elif action == "cancel" and invoices:
                await books.cancel_invoice(s.id, rng.choice(invoices).id)
            elif action == "pay":
                if rng.random() < 0.3:
                    await books.record_payment(s.id, c.id, settle_full=True, mode="upi")
                else:
                    await books.record_payment(s.id, c.id, splits=[PaymentSplit(rng.randint(1, 3000), "cash"),
                                                                    PaymentSplit(rng.randint(1, 3000), "upi")])
            elif action == "udhaar":
                await books.add_udhaar(s.id, c.id, rng.randint(1, 50_000))
            elif action == "receive":
                await books.receive_stock(s.id, p.id, rng.randint(1, 10))
            elif action == "remove":
                await books.remove_stock(s.id, p.id, rng.randint(1, 10))
            elif action == "set":
                await books.set_stock(s.id, p.id, rng.randint(0, 30))
        except expected_errors:
            pass
        except ExecoraError as exc:  # pragma: no cover - would be a bug
            raise AssertionError(f"step {step} {action}: {exc.code}") from exc
        await assert_books_balance(pool, s.id)

    total = 0
    for c in customers:
        st = await books.statement(s.id, c.id)
        bal = (await books.balance(s.id, c.id)).balance_paise
        assert st.balance_paise == bal == (st.lines[-1].running_balance_paise if st.lines else 0)
        total += max(bal, 0)
    assert await books.total_outstanding(s.id) == total
    async with pool.acquire() as conn:
        issued = await conn.fetchval(
            "SELECT coalesce(sum(total_paise), 0) FROM invoices WHERE shop_id = $1 AND status = 'issued'", s.id)
        negative = await conn.fetchval("SELECT count(*) FROM products WHERE shop_id = $1 AND stock_milli < 0", s.id)
    assert negative == 0
    summary = await books.daily_summary(s.id)
    assert summary.sales_paise == issued
