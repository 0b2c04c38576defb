"""Invoices: units, GST, numbering, quote vs post, cancel with reversals, bad input."""

from datetime import datetime
from decimal import Decimal

import asyncpg
import pytest

from business.books import Books
from business.errors import (
    AmbiguousProduct,
    CustomerNotFound,
    InsufficientStock,
    InvalidQuantity,
    InvalidUnit,
    InvoiceAlreadyCancelled,
    InvoiceNotFound,
    ProductNotFound,
    ValidationError,
)
from business.models import ItemRequest
from business.shoptime import IST

from .conftest import FakeClock, count_rows


async def test_credit_invoice_with_units_posts_ledger_and_stock(books: Books, shop, pool: asyncpg.Pool) -> None:
    c = await books.add_customer(shop.id, "Rahul Verma")
    inv = await books.create_invoice(
        shop.id, c.id,
        [ItemRequest("doodh", Decimal(2)), ItemRequest("atta", Decimal("500"), "g"), ("anda", 1, "dozen")],
    )
    assert [ln.qty_milli for ln in inv.lines] == [2000, 500, 12000]
    assert [ln.unit for ln in inv.lines] == ["packet", "g", "dozen"]
    assert inv.subtotal_paise == 6600 + 2275 + 8400
    assert inv.round_off_paise == 25 and inv.total_paise == 17300
    assert inv.payment_mode == "credit" and inv.customer_name == "Rahul Verma" and inv.status == "issued"
    assert (await books.balance(shop.id, c.id)).balance_paise == 17300
    assert (await books.get_product(shop.id, shop.products["egg"].id)).stock == 48
    assert (await books.get_invoice(shop.id, inv.id)) == inv
    assert (await books.get_invoice_by_no(shop.id, inv.invoice_no)) == inv
    assert (await books.last_invoice(shop.id, c.id)).id == inv.id


async def test_gst_intrastate_and_interstate(books: Books, shop) -> None:
    items = [("Parle-G", 3), ("doodh", 1)]
    intra = await books.create_invoice(shop.id, None, items, payment_mode="cash", with_gst=True)
    assert (intra.subtotal_paise, intra.cgst_paise, intra.sgst_paise, intra.igst_paise) == (6300, 75, 75, 0)
    assert intra.lines[0].gst_rate_bp == 500 and intra.lines[1].cgst_paise == 0
    assert intra.total_paise == 6500 and intra.round_off_paise == 50  # 64.50 rounds half up
    inter = await books.create_invoice(shop.id, None, [("Parle-G", 1)], payment_mode="upi", with_gst=True,
                                       supply_type="interstate")
    assert (inter.igst_paise, inter.cgst_paise, inter.round_off_paise, inter.total_paise) == (50, 0, 50, 1100)
    plain = await books.create_invoice(shop.id, None, [("Parle-G", 1)], payment_mode="cash")
    assert plain.total_paise == 1000 and plain.cgst_paise == 0 and plain.lines[0].gst_rate_bp == 0


async def test_quote_posts_nothing(books: Books, shop, pool: asyncpg.Pool) -> None:
    c = await books.add_customer(shop.id, "Meena")
    before = await count_rows(pool, shop.id)
    q = await books.quote_invoice(shop.id, c.id, [("doodh", 2), ("atta", "1.5", "kg")])
    assert q.total_paise == 6600 + 6825 - 25 and q.customer_name == "Meena"
    assert await count_rows(pool, shop.id) == before
    with pytest.raises(InsufficientStock):
        await books.quote_invoice(shop.id, c.id, [("doodh", 21)])


async def test_walk_in_cash_sale_touches_no_ledger(books: Books, shop, pool: asyncpg.Pool) -> None:
    inv = await books.create_invoice(shop.id, None, [("doodh", 1)], payment_mode="cash")
    assert inv.customer_id is None
    assert (await books.last_invoice(shop.id, None)).id == inv.id
    assert (await count_rows(pool, shop.id))["ledger_entries"] == 0
    with pytest.raises(ValidationError):
        await books.create_invoice(shop.id, None, [("doodh", 1)])  # credit needs a customer


async def test_numbers_are_consecutive_and_cancel_keeps_the_number(books: Books, shop, pool) -> None:
    c = await books.add_customer(shop.id, "Gupta")
    a = await books.create_invoice(shop.id, c.id, [("doodh", 2)])
    b = await books.create_invoice(shop.id, c.id, [("atta", 1)])
    assert int(b.invoice_no[-6:]) == int(a.invoice_no[-6:]) + 1
    cancelled = await books.cancel_invoice(shop.id, b.id)
    assert cancelled.status == "cancelled" and cancelled.cancelled_at is not None
    assert (await books.get_invoice(shop.id, b.id)).status == "cancelled"
    d = await books.create_invoice(shop.id, c.id, [("atta", 1)])
    assert int(d.invoice_no[-6:]) == int(b.invoice_no[-6:]) + 1
    assert (await books.balance(shop.id, c.id)).balance_paise == a.total_paise + d.total_paise
    assert (await books.get_product(shop.id, shop.products["atta"].id)).stock == 49
    with pytest.raises(InvoiceAlreadyCancelled):
        await books.cancel_invoice(shop.id, b.id)
    async with pool.acquire() as conn:
        rev = await conn.fetch(
            """SELECT r.reversal_of, o.kind FROM ledger_entries r JOIN ledger_entries o ON o.id = r.reversal_of
               WHERE r.invoice_id = $1 AND r.kind = 'reversal'""", b.id)
        moves = await conn.fetch(
            """SELECT r.qty_milli, o.qty_milli AS orig FROM stock_moves r JOIN stock_moves o ON o.id = r.reversal_of
               WHERE r.kind = 'reversal' AND r.shop_id = $1""", shop.id)
    assert [x["kind"] for x in rev] == ["sale_credit"]
    assert [(m["qty_milli"], m["orig"]) for m in moves] == [(1000, -1000)]
    st = await books.statement(shop.id, c.id)
    assert [ln.entry.kind for ln in st.lines] == ["sale_credit", "sale_credit", "reversal", "sale_credit"]
    assert [ln.running_balance_paise for ln in st.lines] == [6600, 6600 + 4600, 6600, 6600 + 4600]
    assert (await books.last_invoice(shop.id, c.id)).id == d.id
    with pytest.raises(InvoiceNotFound):
        await books.cancel_invoice(shop.id, 10**9)


async def test_invoice_numbers_restart_each_financial_year(books: Books, shop, clock: FakeClock) -> None:
    clock.current = datetime(2026, 3, 31, 23, 59, tzinfo=IST)
    a = await books.create_invoice(shop.id, None, [("doodh", 1)], payment_mode="cash")
    b = await books.create_invoice(shop.id, None, [("doodh", 1)], payment_mode="cash")
    clock.current = datetime(2026, 4, 1, 0, 1, tzinfo=IST)
    c = await books.create_invoice(shop.id, None, [("doodh", 1)], payment_mode="cash")
    assert (a.invoice_no, b.invoice_no, c.invoice_no) == ("25-26/000001", "25-26/000002", "26-27/000001")
    assert all(len(x.invoice_no) <= 16 for x in (a, b, c))


@pytest.mark.parametrize(
    ("items", "error"),
    [
        ([("doodh", 0)], InvalidQuantity),
        ([("doodh", -2)], InvalidQuantity),
        ([("doodh", "two")], InvalidQuantity),
        ([("doodh", 1, "bucket")], InvalidUnit),
        ([("atta", 1, "dozen")], InvalidUnit),
        ([("cement", 1)], ProductNotFound),
        ([(10**9, 1)], ProductNotFound),
        ([], ValidationError),
        ([("doodh", 1), ("atta", 51)], InsufficientStock),
        (["doodh"], ValidationError),
    ],
)
async def test_bad_invoice_input_writes_nothing(books: Books, shop, pool: asyncpg.Pool, items, error) -> None:
    c = await books.add_customer(shop.id, "Rahul")
    before = await count_rows(pool, shop.id)
    with pytest.raises(error):
        await books.create_invoice(shop.id, c.id, items)
    assert await count_rows(pool, shop.id) == before


async def test_bad_invoice_options(books: Books, shop) -> None:
    with pytest.raises(ValidationError):
        await books.create_invoice(shop.id, None, [("doodh", 1)], payment_mode="barter")
    with pytest.raises(ValidationError):
        await books.create_invoice(shop.id, None, [("doodh", 1)], payment_mode="cash", supply_type="export")
    with pytest.raises(CustomerNotFound):
        await books.create_invoice(shop.id, 10**9, [("doodh", 1)])
    await books.add_product(shop.id, "Toor Dal", unit="kg", price_paise=16000, aliases=["dal"], stock=5)
    await books.add_product(shop.id, "Moong Dal", unit="kg", price_paise=14000, aliases=["dal"], stock=5)
    with pytest.raises(AmbiguousProduct):
        await books.create_invoice(shop.id, None, [("dal", 1)], payment_mode="cash")


async def test_list_invoices_filters(books: Books, shop, clock: FakeClock) -> None:
    c = await books.add_customer(shop.id, "Suresh")
    clock.current = datetime(2026, 1, 10, 12, 0, tzinfo=IST)
    a = await books.create_invoice(shop.id, c.id, [("doodh", 1)])
    clock.current = datetime(2026, 1, 11, 12, 0, tzinfo=IST)
    b = await books.create_invoice(shop.id, None, [("doodh", 1)], payment_mode="cash")
    assert [i.id for i in await books.list_invoices(shop.id)] == [b.id, a.id]
    assert [i.id for i in await books.list_invoices(shop.id, customer_id=c.id)] == [a.id]
    assert [i.id for i in await books.list_invoices(shop.id, day=datetime(2026, 1, 11).date())] == [b.id]


async def test_spoken_modes_are_normalised(books: Books, shop) -> None:
    c = await books.add_customer(shop.id, "Rahul")
    inv = await books.create_invoice(shop.id, c.id, [("doodh", 1)], payment_mode="GPay", supply_type="Inter-State",
                                     with_gst=True)
    assert (inv.payment_mode, inv.supply_type) == ("upi", "interstate")
    assert (await books.balance(shop.id, c.id)).balance_paise == 0
    udhaar = await books.create_invoice(shop.id, c.id, [("doodh", 1)], payment_mode="Udhaar")
    assert udhaar.payment_mode == "credit"
    assert (await books.balance(shop.id, c.id)).balance_paise == udhaar.total_paise
    paid = await books.record_payment(shop.id, c.id, 1000, "PhonePe")
    assert paid.payments[0].mode == "upi"


async def test_gst_rate_follows_the_bill_date(books: Books, shop, clock: FakeClock) -> None:
    from datetime import date

    butter = await books.add_product(shop.id, "Amul Butter", unit="packet", price_paise=10000, gst_rate_bp=1200,
                                     stock=10)
    await books.schedule_gst_rate(shop.id, "Amul Butter", 500, date(2025, 9, 22))
    clock.current = datetime(2025, 9, 21, 23, 59, tzinfo=IST)
    before = await books.create_invoice(shop.id, None, [(butter.id, 1)], payment_mode="cash", with_gst=True)
    clock.current = datetime(2025, 9, 22, 0, 1, tzinfo=IST)
    after = await books.create_invoice(shop.id, None, [(butter.id, 1)], payment_mode="cash", with_gst=True)
    assert (before.lines[0].gst_rate_bp, before.cgst_paise, before.total_paise) == (1200, 600, 11200)
    assert (after.lines[0].gst_rate_bp, after.cgst_paise, after.total_paise) == (500, 250, 10500)
    quote = await books.quote_invoice(shop.id, None, [(butter.id, 1)], payment_mode="cash", with_gst=True)
    assert quote.lines[0].gst_rate_bp == 500
    with pytest.raises(ValidationError):
        await books.schedule_gst_rate(shop.id, butter.id, 3000, date(2026, 1, 1))
    with pytest.raises(ProductNotFound):
        await books.schedule_gst_rate(shop.id, 10**9, 500, date(2026, 1, 1))
