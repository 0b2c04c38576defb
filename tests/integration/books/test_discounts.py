"""Discounts: before tax, pro rata over the lines on the whole bill, a target total, never below zero."""

from decimal import Decimal

import asyncpg
import pytest

from business.books import Books
from business.discounts import Discount
from business.errors import InvalidDiscount

from .conftest import count_rows


async def test_amount_discount_pro_rata_before_gst(books: Books, shop, pool: asyncpg.Pool) -> None:
    c = await books.add_customer(shop.id, "Rahul")
    items = [(shop.products["biscuit"].id, 10), (shop.products["milk"].id, 10)]  # 100.00 at 5% + 330.00 at 0%
    inv = await books.create_invoice(shop.id, c.id, items, with_gst=True, discount=Discount(amount_paise=4300))
    assert [ln.discount_paise for ln in inv.lines] == [1000, 3300]
    assert [ln.taxable_paise for ln in inv.lines] == [9000, 29700]
    assert inv.lines[0].cgst_paise == 225 and inv.discount_paise == 4300
    assert inv.subtotal_paise == 38700 and inv.total_paise == 38700 + 450 + inv.round_off_paise
    assert await books.get_invoice(shop.id, inv.id) == inv
    assert (await books.balance(shop.id, c.id)).balance_paise == inv.total_paise


async def test_percent_and_product_discounts(books: Books, shop) -> None:
    items = [(shop.products["biscuit"].id, 10), (shop.products["milk"].id, 10)]
    q = await books.quote_invoice(shop.id, None, items, payment_mode="cash",
                                  discount=Discount(percent=Decimal(10)))
    assert q.discount_paise == 4300 and q.total_paise == 38700
    q = await books.quote_invoice(shop.id, None, items, payment_mode="cash",
                                  discount=Discount(amount_paise=500, product="parle g"))
    assert [ln.discount_paise for ln in q.lines] == [500, 0] and q.total_paise == 42500


async def test_target_total(books: Books, shop) -> None:
    items = [(shop.products["biscuit"].id, 10), (shop.products["milk"].id, 10)]
    plain = await books.quote_invoice(shop.id, None, items, payment_mode="cash", with_gst=True)
    assert plain.total_paise == 43500
    q = await books.quote_invoice(shop.id, None, items, payment_mode="cash", with_gst=True,
                                  discount=Discount(target_total_paise=40000))
    assert q.total_paise == 40000 and 0 < q.discount_paise < 3600
    zero = await books.quote_invoice(shop.id, None, items, payment_mode="cash",
                                     discount=Discount(target_total_paise=0))
    assert zero.total_paise == 0 and zero.discount_paise == 43000


@pytest.mark.parametrize(
    ("discount", "reason"),
    [(Discount(amount_paise=43001), "too_large"), (Discount(target_total_paise=50000), "target_above_total"),
     (Discount(percent=Decimal(0)), "bad_percent"), (Discount(percent=Decimal(101)), "bad_percent"),
     (Discount(amount_paise=-1), "bad_amount"), (Discount(), "one_kind"),
     (Discount(percent=Decimal(5), amount_paise=100), "one_kind"),
     (Discount(amount_paise=100, product="anda"), "not_on_bill")],
)
async def test_bad_discount_writes_nothing(books: Books, shop, pool: asyncpg.Pool, discount, reason) -> None:
    c = await books.add_customer(shop.id, "Rahul")
    items = [(shop.products["biscuit"].id, 10), (shop.products["milk"].id, 10)]
    before = await count_rows(pool, shop.id)
    with pytest.raises(InvalidDiscount) as err:
        await books.create_invoice(shop.id, c.id, items, discount=discount)
    assert err.value.reason == reason and err.value.code == "invalid_discount"
    assert await count_rows(pool, shop.id) == before
