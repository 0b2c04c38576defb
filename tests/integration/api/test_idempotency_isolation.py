"""Idempotency-Key replays post once; each shop sees only its own rows."""

from __future__ import annotations

import asyncio

from tests.integration.api.conftest import ShopClient, assert_error


async def test_replayed_credit_posts_once_and_returns_the_first_result(shop: ShopClient) -> None:
    c = await shop.customer("Rahul")
    body = {"customer_id": c["id"], "amount_paise": 50000}
    first = await shop.post("/api/ledger/credit", body, key="credit-1")
    again = await shop.post("/api/ledger/credit", body, key="credit-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    st = (await shop.get(f"/api/ledger/{c['id']}")).json()
    assert len(st["entries"]) == 1 and st["balance_paise"] == 50000
    other = await shop.post("/api/ledger/credit", body, key="credit-2")
    assert other.json()["id"] != first.json()["id"]


async def test_concurrent_replays_of_an_invoice_post_one(shop: ShopClient) -> None:
    c = await shop.customer("Rahul")
    milk = await shop.product("Milk", unit="packet", price_paise=3000, stock=10)
    body = {"customer_id": c["id"], "items": [{"product_id": milk["id"], "quantity": 1}]}
    results = await asyncio.gather(*(shop.post("/api/invoices", body, key="inv-abc") for _ in range(5)))
    assert {r.status_code for r in results} == {201}
    assert len({r.json()["id"] for r in results}) == 1
    assert len((await shop.get("/api/invoices")).json()) == 1
    products = (await shop.get("/api/products")).json()
    assert products[0]["stock"] == 9


async def test_replayed_customer_and_product_creation(shop: ShopClient) -> None:
    a = await shop.post("/api/customers", {"name": "Meena"}, key="cust-1")
    b = await shop.post("/api/customers", {"name": "Meena"}, key="cust-1")
    assert a.json()["id"] == b.json()["id"]
    assert len((await shop.get("/api/customers")).json()) == 1
    body = {"name": "Dal", "unit": "kg", "price_paise": 12000, "stock": 5}
    p1 = await shop.post("/api/products", body, key="prod-1")
    p2 = await shop.post("/api/products", body, key="prod-1")
    assert p1.json()["id"] == p2.json()["id"] and len((await shop.get("/api/products")).json()) == 1


async def test_key_reused_for_another_action_is_a_conflict(shop: ShopClient) -> None:
    c = await shop.customer("Rahul")
    await shop.post("/api/ledger/credit", {"customer_id": c["id"], "amount_paise": 100}, key="k-1")
    r = await shop.post("/api/ledger/payment", {"customer_id": c["id"], "amount_paise": 100}, key="k-1")
    assert_error(r, 409, "idempotency_key_reused")
    assert (await shop.get(f"/api/ledger/{c['id']}")).json()["balance_paise"] == 100


async def test_the_same_key_in_two_shops_is_two_actions(shop: ShopClient, other_shop: ShopClient) -> None:
    a = await shop.customer("Rahul")
    b = await other_shop.customer("Rahul")
    ra = await shop.post("/api/ledger/credit", {"customer_id": a["id"], "amount_paise": 100}, key="same")
    rb = await other_shop.post("/api/ledger/credit", {"customer_id": b["id"], "amount_paise": 200}, key="same")
    assert ra.status_code == rb.status_code == 201
    assert rb.json()["balance_paise"] == 200


async def test_shops_see_only_their_own_rows(shop: ShopClient, other_shop: ShopClient) -> None:
    rahul = await shop.customer("Rahul", phone="+919800011111")
    milk = await shop.product("Milk", unit="packet", price_paise=3000, stock=10, low_stock_level=20)
    inv = (await shop.post("/api/invoices", {"customer_id": rahul["id"],
                                             "items": [{"product_id": milk["id"], "quantity": 1}]})).json()
    rem = (await shop.post("/api/reminders", {"customer_id": rahul["id"],
                                              "due_at": "2030-01-01T10:00:00+05:30"})).json()

    # Reads: lists are empty, ids are 404.
    for url in ("/api/customers", "/api/products", "/api/products/low-stock", "/api/invoices", "/api/reminders"):
        assert (await other_shop.get(url)).json() == [], url
    assert (await other_shop.get("/api/customers/search", params={"q": "Rahul"})).json() == []
    assert_error(await other_shop.get(f"/api/customers/{rahul['id']}"), 404, "customer_not_found")
    assert_error(await other_shop.get(f"/api/ledger/{rahul['id']}"), 404, "customer_not_found")
    assert_error(await other_shop.get(f"/api/invoices/{inv['id']}"), 404, "invoice_not_found")
    summary = (await other_shop.get("/api/summary/daily")).json()
    assert summary["sales_paise"] == 0 and summary["total_outstanding_paise"] == 0

    # Writes against another shop's ids: 404, nothing changes.
    assert_error(await other_shop.post(f"/api/invoices/{inv['id']}/cancel"), 404, "invoice_not_found")
    assert_error(await other_shop.post(f"/api/reminders/{rem['id']}/cancel"), 404, "reminder_not_found")
    assert_error(await other_shop.post("/api/ledger/credit", {"customer_id": rahul["id"], "amount_paise": 100}),
                 404, "customer_not_found")
    assert_error(await other_shop.post("/api/ledger/payment", {"customer_id": rahul["id"], "amount_paise": 100}),
                 404, "customer_not_found")
    assert_error(await other_shop.post("/api/reminders", {"customer_id": rahul["id"],
                                                           "due_at": "2030-01-01T10:00:00+05:30"}),
                 404, "customer_not_found")
    r = await other_shop.post("/api/invoices", {"items": [{"product_id": milk["id"], "quantity": 1}],
                                                "payment_mode": "cash"})
    assert_error(r, 404, "product_not_found")
    # The same phone may be a customer of two shops.
    assert (await other_shop.post("/api/customers", {"name": "Rahul", "phone": "+919800011111"})).status_code == 201

    assert (await shop.get(f"/api/invoices/{inv['id']}")).json()["status"] == "issued"
    assert (await shop.get("/api/reminders")).json()[0]["status"] == "scheduled"
    assert (await shop.get(f"/api/customers/{rahul['id']}")).json()["balance_paise"] == 3000
