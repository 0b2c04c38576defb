"""The REST routes for the books additions: customer changes and history, tier prices,
stock removal with a reason, moving and finding reminders."""

from __future__ import annotations

from tests.integration.api.conftest import ShopClient, assert_error


async def test_customer_changes_and_history(shop: ShopClient, other_shop: ShopClient) -> None:
    c = await shop.customer("Rahul", nicknames=["Pappu"])
    r = await shop.post(f"/api/customers/{c['id']}/update", {"landmark": "Station Road"}, key="u1")
    assert r.status_code == 200, r.text
    assert r.json()["landmark"] == "Station Road"
    r = await shop.post(f"/api/customers/{c['id']}/nicknames", {"nickname": "Bablu"})
    assert r.json()["nicknames"] == ["Pappu", "Bablu"]
    r = await shop.post(f"/api/customers/{c['id']}/tier", {"tier": "dealer"})
    assert r.json()["price_tier"] == "dealer"
    history = (await shop.get(f"/api/customers/{c['id']}/history")).json()
    assert [(h["field"], h["old_value"], h["new_value"], h["via"]) for h in history] == [
        ("landmark", "", "Station Road", "api"), ("nicknames", ["Pappu"], ["Pappu", "Bablu"], "api"),
        ("price_tier", "retail", "dealer", "api"),
    ]
    assert_error(await other_shop.get(f"/api/customers/{c['id']}/history"), 404, "customer_not_found")
    assert_error(await shop.post(f"/api/customers/{c['id']}/update", {"email": "nope"}), 422, "validation_error")


async def test_prices_stock_and_reminders(shop: ShopClient) -> None:
    p = await shop.product("Amul Taaza Milk")
    r = await shop.post(f"/api/products/{p['id']}/prices", {"tier": "wholesale", "price_paise": 2800})
    assert r.status_code == 200, r.text
    assert r.json() == {"retail": 3000, "wholesale": 2800, "dealer": 3000}
    assert (await shop.get(f"/api/products/{p['id']}/prices")).json()["wholesale"] == 2800
    r = await shop.post(f"/api/products/{p['id']}/stock/remove", {"quantity": 2, "reason": "damaged"})
    assert r.status_code == 200, r.text
    assert r.json()["stock_milli"] == 8000 and r.json()["reason"] == "damaged"
    c = await shop.customer("Vikas", opening_balance_paise=5000)
    rem = (await shop.post("/api/reminders", {"customer_id": c["id"], "due_at": "2030-06-01T17:00:00+05:30"})).json()
    r = await shop.post(f"/api/reminders/{rem['id']}/reschedule", {"due_at": "2030-06-02T17:00:00+05:30"})
    assert r.status_code == 200, r.text
    found = (await shop.get("/api/reminders/find", params={"around": "2030-06-02T17:10:00+05:30"})).json()
    assert [x["id"] for x in found] == [rem["id"]]
    await shop.post(f"/api/reminders/{rem['id']}/cancel")
    assert_error(await shop.post(f"/api/reminders/{rem['id']}/reschedule", {"due_at": "2030-06-03T17:00:00+05:30"}),
                 409, "reminder_not_reschedulable")
