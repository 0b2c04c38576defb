"""/api/reminders and /api/summary/daily."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.integration.api.conftest import ShopClient, assert_error

REMINDER_FIELDS = {"id", "customer_id", "amount_paise", "due_at", "status", "whatsapp_message_id"}


def _future(days: int = 2) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0).isoformat()


async def test_schedule_list_and_cancel_a_reminder(shop: ShopClient) -> None:
    c = await shop.customer("Rahul", phone="+919812300000", whatsapp_opt_in=True, opening_balance_paise=50000)
    due = "2030-06-01T10:00:00+05:30"
    r = await shop.post("/api/reminders", {"customer_id": c["id"], "due_at": due, "amount_paise": 50000})
    assert r.status_code == 201, r.text
    rem = r.json()
    assert REMINDER_FIELDS <= set(rem)
    assert rem["status"] == "scheduled" and rem["amount_paise"] == 50000 and rem["whatsapp_message_id"] is None
    assert datetime.fromisoformat(rem["due_at"]) == datetime.fromisoformat(due)
    assert datetime.fromisoformat(rem["due_at"]).tzinfo is not None  # ISO 8601 with an offset

    listed = (await shop.get("/api/reminders")).json()
    assert [x["id"] for x in listed] == [rem["id"]] and REMINDER_FIELDS <= set(listed[0])
    assert (await shop.get("/api/reminders", params={"status": "cancelled"})).json() == []

    r = await shop.post(f"/api/reminders/{rem['id']}/cancel")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "cancelled"
    assert_error(await shop.post(f"/api/reminders/{rem['id']}/cancel"), 409, "reminder_not_cancellable")
    assert_error(await shop.post("/api/reminders/999999999/cancel"), 404, "reminder_not_found")


async def test_reminder_without_amount_and_bad_input(shop: ShopClient) -> None:
    c = await shop.customer("Suresh", opening_balance_paise=1000)
    r = await shop.post("/api/reminders", {"customer_id": c["id"], "due_at": _future()})
    assert r.status_code == 201, r.text and r.json()["amount_paise"] is None
    before = (await shop.get("/api/reminders")).json()
    cases = [
        ({"customer_id": c["id"], "due_at": "2030-06-01T10:00:00"}, "validation_error"),  # no offset
        ({"customer_id": c["id"], "due_at": "next tuesday"}, "validation_error"),
        ({"customer_id": c["id"], "due_at": _future(), "amount_paise": -5}, "invalid_amount"),
        ({"customer_id": 999999999, "due_at": _future()}, "customer_not_found"),
    ]
    for body, code in cases:
        r = await shop.post("/api/reminders", body)
        assert 400 <= r.status_code < 500, (body, r.text)
        assert r.json()["error"]["code"] == code, (body, r.text)
    assert (await shop.get("/api/reminders")).json() == before
    assert_error(await shop.get("/api/reminders", params={"status": "bogus"}), 422, "validation_error")


async def test_daily_summary(shop: ShopClient) -> None:
    rahul = await shop.customer("Rahul")
    milk = await shop.product("Milk", unit="packet", price_paise=3000, stock=10)
    await shop.post("/api/invoices", {"customer_id": rahul["id"], "items": [{"product_id": milk["id"], "quantity": 2}]})
    await shop.post("/api/invoices", {"items": [{"product_id": milk["id"], "quantity": 1}], "payment_mode": "cash"})
    await shop.post("/api/ledger/payment", {"customer_id": rahul["id"], "amount_paise": 1000, "payment_mode": "upi"})
    r = await shop.get("/api/summary/daily")  # default: today in India
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["sales_paise"] == 9000 and s["invoice_count"] == 2
    assert s["sales_by_mode_paise"].get("credit") == 6000 and s["sales_by_mode_paise"].get("cash") == 3000
    assert s["collections_paise"] == 1000 and s["total_outstanding_paise"] == 5000
    assert s["top_products"][0]["product_id"] == milk["id"]
    date.fromisoformat(s["date"])
    old = (await shop.get("/api/summary/daily", params={"date": "2020-01-01"})).json()
    assert old["date"] == "2020-01-01" and old["sales_paise"] == 0 and old["invoice_count"] == 0
    assert_error(await shop.get("/api/summary/daily", params={"date": "01/02/2026"}), 422, "validation_error")


async def test_implausible_dates_are_422(shop: ShopClient) -> None:
    c = await shop.customer("Rahul")
    for due in ("0001-01-01T00:00:00+05:30", "9999-12-31T23:59:59+14:00"):
        assert_error(await shop.post("/api/reminders", {"customer_id": c["id"], "due_at": due}),
                     422, "validation_error")
    for url in ("/api/summary/daily?date=0001-01-01", "/api/summary/daily?date=9999-12-31",
                "/api/invoices?date=9999-12-31"):
        assert_error(await shop.get(url), 422, "validation_error")
    assert (await shop.get("/api/reminders")).json() == []
