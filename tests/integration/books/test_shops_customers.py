"""Shops (API key, caller phone, PIN) and customers (add, update, search, resolve)."""

import asyncpg
import pytest

from business.books import Books
from business.errors import (
    AmbiguousCustomer,
    CustomerNotFound,
    DuplicateCustomer,
    InvalidAmount,
    ShopNotFound,
    ValidationError,
)

from .conftest import assert_books_balance, count_rows, make_shop, random_phone


async def test_create_shop_keys_phone_and_pin(books: Books) -> None:
    phone = random_phone()
    shop, key = await books.create_shop("Gupta General Store", phone, pin="4321", state="Bihar",
                                        settings={"allow_negative_stock": True})
    assert shop.settings.allow_negative_stock and shop.settings.reply_language == "hinglish"
    assert (await books.shop_by_api_key(key)).id == shop.id
    assert await books.shop_by_api_key(key + "x") is None
    assert await books.shop_by_api_key("") is None
    caller = await books.shop_by_phone(phone[3:])  # spoken without +91
    assert caller is not None and caller.shop.id == shop.id and caller.role == "owner" and caller.has_pin
    assert await books.shop_by_phone("+919000000000") is None
    assert await books.verify_pin(phone, "4321")
    assert not await books.verify_pin(phone, "0000")
    staff = random_phone()
    await books.add_shop_phone(shop.id, staff, "staff")
    assert (await books.shop_by_phone(staff)).role == "staff"
    assert await books.verify_pin(staff, "anything")  # no PIN set
    with pytest.raises(ValidationError):
        await books.add_shop_phone(shop.id, staff)  # a phone belongs to one shop
    with pytest.raises(ValidationError):
        await books.create_shop("Other", phone)
    new_key = await books.reissue_api_key(shop.id)
    assert await books.shop_by_api_key(key) is None
    assert (await books.shop_by_api_key(new_key)).id == shop.id
    with pytest.raises(ShopNotFound):
        await books.reissue_api_key(10**9)


@pytest.mark.parametrize(
    "kwargs",
    [{"name": " "}, {"owner_phone": "123"}, {"pin": "12"}, {"gstin": "BAD"}, {"settings": {"nope": 1}},
     {"settings": {"allow_negative_stock": "yes"}}],
)
async def test_create_shop_bad_input(books: Books, kwargs: dict) -> None:
    args = {"name": "X", "owner_phone": random_phone(), **kwargs}
    with pytest.raises(ValidationError):
        await books.create_shop(args.pop("name"), args.pop("owner_phone"), **args)


async def test_get_shop_missing(books: Books) -> None:
    with pytest.raises(ShopNotFound):
        await books.get_shop(10**9)
    with pytest.raises(ShopNotFound):
        await books.add_customer(10**9, "Ghost")


async def test_add_get_update_customer(books: Books, shop, pool: asyncpg.Pool) -> None:
    c = await books.add_customer(shop.id, "Suresh Yadav", phone="98111 00003", nicknames=["Suresh bhaiya"],
                                 landmark="Mandir ke paas", opening_balance_paise=120000, whatsapp_opt_in=True)
    assert c.phone == "+919811100003" and c.balance_paise == 120000
    assert (await books.get_customer(shop.id, c.id)) == c
    st = await books.statement(shop.id, c.id)
    assert [ln.entry.kind for ln in st.lines] == ["opening_balance"]
    u = await books.update_customer(shop.id, c.id, landmark="Naya Mohalla", nicknames=["Suresh"], phone="")
    assert u.landmark == "Naya Mohalla" and u.phone is None and u.nicknames == ("Suresh",)
    assert u.balance_paise == 120000
    assert (await books.find_customer_by_phone(shop.id, "9811100003")) is None
    with pytest.raises(DuplicateCustomer):
        await books.add_customer(shop.id, "A", phone="9811100099")
        await books.add_customer(shop.id, "B", phone="+919811100099")
    with pytest.raises(CustomerNotFound):
        await books.update_customer(shop.id, 10**9, name="X")


async def test_customers_are_isolated_by_shop(books: Books, shop) -> None:
    other = await make_shop(books)
    c = await books.add_customer(other.id, "Rahul Verma")
    with pytest.raises(CustomerNotFound):
        await books.get_customer(shop.id, c.id)
    with pytest.raises(CustomerNotFound):
        await books.add_udhaar(shop.id, c.id, 100)
    assert await books.search_customers(shop.id, "Rahul") == []


async def test_search_ranks_and_resolve_never_guesses(books: Books, shop) -> None:
    rv = await books.add_customer(shop.id, "Rahul Verma", landmark="Station Road", phone="9811100001")
    rs = await books.add_customer(shop.id, "Rahul Singh", landmark="Gandhi Nagar")
    sharma = await books.add_customer(shop.id, "Ramesh Sharma", nicknames=["Sharma ji"])
    gupta = await books.add_customer(shop.id, "Anil Gupta", nicknames=["Gupta ji"], landmark="Station Road")
    meena = await books.add_customer(shop.id, "मीना देवी")
    assert meena.name_roman == "mina devi" and meena.name_devanagari == "मीना देवी"

    found = await books.search_customers(shop.id, "Raahul")
    assert {m.customer.id for m in found[:2]} == {rv.id, rs.id}
    assert found[0].score == found[1].score
    with pytest.raises(AmbiguousCustomer) as exc:
        await books.resolve_customer(shop.id, "Rahul")
    assert exc.value.code == "ambiguous_customer"
    assert {m.customer.id for m in exc.value.candidates} == {rv.id, rs.id}
    assert exc.value.details()["candidates"][0]["landmark"] in ("Station Road", "Gandhi Nagar")

    assert (await books.resolve_customer(shop.id, "station road wale Rahul")).id == rv.id
    assert (await books.resolve_customer(shop.id, "Rahul", hint="Gandhi Nagar")).id == rs.id
    assert (await books.resolve_customer(shop.id, "Sarma ji")).id == sharma.id
    assert (await books.resolve_customer(shop.id, "शर्मा जी")).id == sharma.id
    assert (await books.resolve_customer(shop.id, "Gupta ji station road wale")).id == gupta.id
    assert (await books.resolve_customer(shop.id, "Meena")).id == meena.id
    assert (await books.search_customers(shop.id, "00001"))[0].customer.id == rv.id
    with pytest.raises(CustomerNotFound):
        await books.resolve_customer(shop.id, "Kuldeep")
    assert await books.search_customers(shop.id, "  ") == []


async def test_bad_customer_input_writes_nothing(books: Books, shop, pool: asyncpg.Pool) -> None:
    before = await count_rows(pool, shop.id)
    for kwargs in ({"name": ""}, {"name": "X", "phone": "12"}, {"name": "X", "opening_balance_paise": 1.5}):
        with pytest.raises((ValidationError, InvalidAmount)):
            await books.add_customer(shop.id, **kwargs)
    assert await count_rows(pool, shop.id) == before
    await assert_books_balance(pool, shop.id)


async def test_wrong_pins_lock_the_calling_number_out_across_calls(books) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime, timedelta

    from business.pin_lockout import lock_for
    from business.shoptime import IST

    phone = random_phone()
    await books.create_shop("Lock Test Store", phone, "4321")
    for _ in range(2):
        assert not (await books.check_pin(phone, "0000")).ok  # two fumbles are forgiven
    third = await books.check_pin(phone, "1111")
    assert not third.ok and third.lock_started and third.locked_until is not None
    now = datetime.now(IST)
    assert third.locked_at(now) and third.locked_until - now <= timedelta(minutes=5)
    locked = await books.check_pin(phone, "4321")  # even the right PIN waits out the lock
    assert not locked.ok and locked.locked_until == third.locked_until
    assert lock_for(4) == 2 * lock_for(3) and lock_for(40) == timedelta(days=1)
