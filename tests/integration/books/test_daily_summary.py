"""Daily summary on Asia/Kolkata days: 23:59 IST counts today, 00:01 IST tomorrow."""

from datetime import date, datetime

from business.books import Books
from business.models import PaymentSplit
from business.shoptime import IST

from .conftest import FakeClock


async def test_daily_summary_ist_boundaries(books: Books, shop, clock: FakeClock) -> None:
    c = await books.add_customer(shop.id, "Rahul")
    clock.current = datetime(2026, 1, 14, 23, 59, tzinfo=IST)  # 18:29 UTC
    await books.create_invoice(shop.id, None, [("doodh", 2)], payment_mode="cash")
    await books.create_invoice(shop.id, c.id, [("Parle-G", 3)])
    await books.create_invoice(shop.id, None, [("atta", 1)], payment_mode="upi")
    cancelled = await books.create_invoice(shop.id, None, [("doodh", 1)], payment_mode="cash")
    await books.cancel_invoice(shop.id, cancelled.id)
    await books.record_payment(shop.id, c.id, splits=[PaymentSplit(1000, "cash"), PaymentSplit(500, "upi")])
    await books.add_udhaar(shop.id, c.id, 2500)
    clock.current = datetime(2026, 1, 15, 0, 1, tzinfo=IST)  # 18:31 UTC, still 14 Jan in UTC
    await books.create_invoice(shop.id, None, [("doodh", 5)], payment_mode="card")
    await books.record_payment(shop.id, c.id, 700, "cash")

    d14 = await books.daily_summary(shop.id, date(2026, 1, 14))
    assert d14.sales_by_mode == {"cash": 6600, "credit": 3000, "upi": 4600}
    assert d14.sales_paise == 14200 and d14.invoice_count == 3 and d14.cancelled_count == 1
    assert d14.collections_by_mode == {"cash": 1000, "upi": 500} and d14.collections_paise == 1500
    assert d14.udhaar_paise == 2500
    assert [(t.name, t.amount_paise) for t in d14.top_products] == [
        ("Amul Milk", 6600), ("Aashirvaad Atta", 4550), ("Parle-G", 3000)]
    assert d14.top_products[0].quantity == 2

    d15 = await books.daily_summary(shop.id)  # default: today in India per the clock
    assert d15.date == date(2026, 1, 15)
    assert d15.sales_by_mode == {"card": 16500} and d15.collections_paise == 700 and d15.invoice_count == 1
    empty = await books.daily_summary(shop.id, date(2026, 1, 16))
    assert empty.sales_paise == 0 and empty.top_products == () and empty.sales_by_mode == {}
