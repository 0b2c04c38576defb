"""Customer updates append history rows (field, old -> new, via); nicknames add beside the others."""

import pytest

from business.books import Books
from business.errors import CustomerNotFound, ValidationError

from .conftest import random_phone


async def test_update_records_each_changed_field(books: Books, shop) -> None:
    c = await books.add_customer(shop.id, "Rahul", nicknames=["Pappu"])
    await books.update_customer(shop.id, c.id, landmark="Station Road", whatsapp_opt_in=True, name="Rahul",
                                via="phone")
    await books.update_customer(shop.id, c.id, email="Rahul@Example.com ")
    history = await books.customer_history(shop.id, c.id)
    assert [(h.field, h.old_value, h.new_value, h.via) for h in history] == [
        ("landmark", "", "Station Road", "phone"), ("whatsapp_opt_in", False, True, "phone"),
        ("email", None, "rahul@example.com", "api"),
    ]
    assert (await books.get_customer(shop.id, c.id)).email == "rahul@example.com"


async def test_nickname_is_added_not_replaced_and_replays(books: Books, shop) -> None:
    c = await books.add_customer(shop.id, "Rahul", nicknames=["Pappu"])
    once = await books.add_customer_nickname(shop.id, c.id, "Bablu", via="phone", idempotency_key="n1")
    again = await books.add_customer_nickname(shop.id, c.id, "Bablu", via="phone", idempotency_key="n1")
    same = await books.add_customer_nickname(shop.id, c.id, "pappu")
    assert once == again and once.nicknames == ("Pappu", "Bablu") and same.nicknames == ("Pappu", "Bablu")
    history = await books.customer_history(shop.id, c.id)
    assert [(h.field, h.old_value, h.new_value) for h in history] == [
        ("nicknames", ["Pappu"], ["Pappu", "Bablu"])
    ]


async def test_errors_and_shop_scope(books: Books, shop) -> None:
    c = await books.add_customer(shop.id, "Rahul")
    other, _ = await books.create_shop("Other", random_phone())
    with pytest.raises(CustomerNotFound):
        await books.customer_history(other.id, c.id)
    with pytest.raises(CustomerNotFound):
        await books.add_customer_nickname(other.id, c.id, "X")
    with pytest.raises(ValidationError):
        await books.update_customer(shop.id, c.id, landmark="x", via="fax")
    with pytest.raises(ValidationError):
        await books.update_customer(shop.id, c.id, email="not an email")
    with pytest.raises(ValidationError):
        await books.set_customer_tier(shop.id, c.id, "vip")
    assert await books.customer_history(shop.id, c.id) == []
