"""The demo shop loads and its people and products resolve the way a caller says them."""

import asyncpg
import pytest

from business.books import Books
from business.demo_shop import CUSTOMERS, PRODUCTS, load_demo_shop
from business.errors import AmbiguousCustomer

from .conftest import assert_books_balance


async def test_demo_shop_loads_and_resolves(books: Books, pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:  # the demo owner phone is unique across shops
        await conn.execute("DELETE FROM shop_phones WHERE phone = '+919800000001'")
    shop, key = await load_demo_shop(books)
    assert shop.name == "Sharma Kirana Store"
    assert (await books.shop_by_api_key(key)).id == shop.id
    caller = await books.shop_by_phone("+919800000001")
    assert caller and caller.shop.id == shop.id and caller.role == "owner"
    assert len(await books.list_customers(shop.id)) == len(CUSTOMERS) >= 12
    assert len(await books.list_products(shop.id)) == len(PRODUCTS)

    assert (await books.resolve_customer(shop.id, "Sharma ji")).name == "Ramesh Sharma"
    assert (await books.resolve_customer(shop.id, "station road wale Gupta ji")).name == "Anil Gupta"
    assert (await books.resolve_customer(shop.id, "Meena")).name == "Meena Devi"
    with pytest.raises(AmbiguousCustomer) as amb:
        await books.resolve_customer(shop.id, "Rahul")
    assert {m.customer.name for m in amb.value.candidates} == {"Rahul Verma", "Rahul Singh"}
    assert (await books.resolve_customer(shop.id, "Rahul", hint="Gandhi Nagar")).name == "Rahul Singh"

    for spoken, name in [("doodh", "Amul Taaza Milk 500ml"), ("double roti", "Bread"), ("cheeni", "Chini"),
                         ("Parle G", "Parle-G"), ("maggi", "Maggi Noodles"), ("atta", "Aashirvaad Atta"),
                         ("दाल", "Toor Dal"), ("anda", "Anda")]:
        assert (await books.resolve_product(shop.id, spoken)).name == name, spoken
    q = await books.quote_invoice(shop.id, None, [("doodh", 2), ("Parle G", 3)], payment_mode="cash")
    assert q.total_paise == 2 * 2800 + 3 * 1000
    assert await books.total_outstanding(shop.id) == 45000 + 120000 + 78000 + 25000 + 33000
    await assert_books_balance(pool, shop.id)
    async with pool.acquire() as conn:  # free the demo phone for other tests on this database
        await conn.execute("DELETE FROM shop_phones WHERE phone = '+919800000001'")
