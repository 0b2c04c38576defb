"""Stock removed with a reason, recorded on the move; the old note-only call still works."""

import asyncpg
import pytest

from business.books import Books
from business.errors import ValidationError


async def test_remove_with_reason(books: Books, shop, pool: asyncpg.Pool) -> None:
    milk = shop.products["milk"]
    damaged = await books.remove_stock(shop.id, milk.id, 2, reason="damaged", note="phate packet")
    assert damaged.move is not None and damaged.move.reason == "damaged" and damaged.move.note == "phate packet"
    own = await books.remove_stock(shop.id, milk.id, 1, reason="own use", idempotency_key="r1")
    assert own.move is not None and own.move.reason == "own_use" and own.product.stock == 17
    old = await books.remove_stock(shop.id, milk.id, 1, note="gira")
    assert old.move is not None and old.move.reason == "other"
    counted = await books.set_stock(shop.id, milk.id, 10)
    assert counted.move is not None and counted.move.reason == "count"
    with pytest.raises(ValidationError):
        await books.remove_stock(shop.id, milk.id, 1, reason="stolen by cat")
    async with pool.acquire() as conn:
        reasons = await conn.fetch("SELECT reason FROM stock_moves WHERE product_id = $1 ORDER BY id", milk.id)
    assert [r["reason"] for r in reasons] == [None, "damaged", "own_use", "other", "count"]
