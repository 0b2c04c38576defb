"""The khata page shows a customer's disputed entries: a 'Disputed' badge on the entry and the list."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from business.disputes import NewDispute
from db.repos.disputes import record_dispute
from tests.integration.dashboard.conftest import DashShop, random_phone, sign_in


async def test_a_disputed_entry_is_badged_on_the_khata(app: FastAPI, http: httpx.AsyncClient, shop: DashShop) -> None:
    phone = random_phone()
    customer = await app.state.books.add_customer(shop.shop_id, "Rahul", phone=phone, whatsapp_opt_in=True,
                                                  phone_confirmed=True)
    await app.state.books.add_udhaar(shop.shop_id, customer.id, 30_000)
    async with app.state.pool.acquire() as conn, conn.transaction():
        # As the entry-note job leaves it once WhatsApp accepted the note, then the customer's "galat".
        await conn.execute("UPDATE entry_notes SET status = 'sent', wamid = 'wamid.note-k1' WHERE customer_id = $1",
                           customer.id)
        answered, dispute_id = await record_dispute(conn, NewDispute("wamid.in-k1", "wamid.note-k1", phone, "galat"))
    assert answered and dispute_id is not None
    await sign_in(http, shop)
    page = await http.get(f"/dashboard/customers/{customer.id}")
    assert page.status_code == 200
    assert 'id="disputes"' in page.text and page.text.count("Disputed") == 2  # the heading and the entry's badge
    other = await app.state.books.add_customer(shop.shop_id, "Suresh", phone=random_phone())
    assert "Disputed" not in (await http.get(f"/dashboard/customers/{other.id}")).text
