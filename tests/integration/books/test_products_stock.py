"""Products, stock moves and the low-stock list."""

from decimal import Decimal

import asyncpg
import pytest

from business.books import Books
from business.errors import (
    AmbiguousProduct,
    DuplicateProduct,
    InsufficientStock,
    InvalidQuantity,
    InvalidUnit,
    ProductNotFound,
    ValidationError,
)

from .conftest import count_rows, make_shop


async def test_add_and_resolve_products(books: Books, shop) -> None:
    p = shop.products["atta"]
    assert p.unit == "kg" and p.stock == Decimal(50) and p.stock_milli == 50_000
    assert (await books.resolve_product(shop.id, "aata")).id == p.id
    assert (await books.resolve_product(shop.id, p.id)).id == p.id
    assert (await books.resolve_product(shop.id, "doodh")).id == shop.products["milk"].id
    assert (await books.resolve_product(shop.id, "parle g")).id == shop.products["biscuit"].id
    assert (await books.search_products(shop.id, "biscuit"))[0].product.id == shop.products["biscuit"].id
    with pytest.raises(ProductNotFound):
        await books.resolve_product(shop.id, "cement")
    with pytest.raises(ProductNotFound):
        await books.resolve_product(shop.id, 10**9)
    with pytest.raises(DuplicateProduct):
        await books.add_product(shop.id, "amul milk", unit="packet", price_paise=1)


async def test_ambiguous_product(books: Books, shop) -> None:
    await books.add_product(shop.id, "Toor Dal", unit="kg", price_paise=16000, aliases=["dal"])
    await books.add_product(shop.id, "Moong Dal", unit="kg", price_paise=14000, aliases=["dal"])
    with pytest.raises(AmbiguousProduct) as exc:
        await books.resolve_product(shop.id, "dal")
    assert {m.product.name for m in exc.value.candidates} == {"Toor Dal", "Moong Dal"}
    assert (await books.resolve_product(shop.id, "moong dal")).name == "Moong Dal"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"unit": "bucket"}, InvalidUnit), ({"price_paise": -1}, ValidationError), ({"gst_rate_bp": 5.0}, ValidationError),
     ({"stock": -1}, InvalidQuantity), ({"hsn": "12AB"}, ValidationError), ({"name": ""}, ValidationError)],
)
async def test_bad_product_input_writes_nothing(books: Books, shop, pool: asyncpg.Pool, kwargs, error) -> None:
    before = await count_rows(pool, shop.id)
    args = {"name": "Ghee", "unit": "kg", "price_paise": 60000, **kwargs}
    with pytest.raises(error):
        await books.add_product(shop.id, args.pop("name"), **args)
    assert await count_rows(pool, shop.id) == before


async def test_receive_remove_set_stock_and_low_stock(books: Books, shop) -> None:
    atta = shop.products["atta"]
    r = await books.receive_stock(shop.id, "atta", 500, "g")
    assert r.product.stock == Decimal("50.5") and r.move and r.move.kind == "purchase"
    r = await books.remove_stock(shop.id, atta.id, 2, note="chuhe ne khaya")
    assert r.product.stock == Decimal("48.5") and r.move and r.move.qty_milli == -2000
    with pytest.raises(InsufficientStock) as exc:
        await books.remove_stock(shop.id, atta.id, 49)
    assert exc.value.shortfalls[0].available == Decimal("48.5")
    r = await books.set_stock(shop.id, atta.id, 10)
    assert r.product.stock == 10 and r.move and r.move.qty_milli == -38500
    r = await books.set_stock(shop.id, atta.id, 10)
    assert r.move is None
    low = await books.low_stock(shop.id)
    assert low == []
    await books.set_stock(shop.id, "doodh", 3)
    assert [p.name for p in await books.low_stock(shop.id)] == ["Amul Milk"]
    with pytest.raises(InvalidQuantity):
        await books.receive_stock(shop.id, atta.id, 0)
    with pytest.raises(InvalidUnit):
        await books.receive_stock(shop.id, atta.id, 1, "dozen")


async def test_negative_stock_when_shop_allows(books: Books, pool: asyncpg.Pool) -> None:
    s = await make_shop(books, allow_negative_stock=True)
    r = await books.remove_stock(s.id, s.products["milk"].id, 25)
    assert r.product.stock == -5


async def test_update_product_keeps_issued_prices(books: Books, shop) -> None:
    milk = shop.products["milk"]
    before = await books.create_invoice(shop.id, None, [(milk.id, 1)], payment_mode="cash")
    p = await books.update_product(shop.id, "doodh", price_paise=3500, aliases=["doodh", "dudh"],
                                   low_stock_level=8)
    assert (p.price_paise, p.aliases, p.low_stock_level, p.stock) == (3500, ("doodh", "dudh"), 8, 19)
    after = await books.create_invoice(shop.id, None, [(milk.id, 1)], payment_mode="cash")
    assert (await books.get_invoice(shop.id, before.id)).lines[0].unit_price_paise == 3300
    assert after.lines[0].unit_price_paise == 3500
    with pytest.raises(ValidationError):
        await books.update_product(shop.id, milk.id, gst_rate_bp=-5)
    with pytest.raises(DuplicateProduct):
        await books.update_product(shop.id, milk.id, name="Parle-G")
    with pytest.raises(ProductNotFound):
        await books.update_product(shop.id, 10**9, price_paise=1)
