"""/api/ledger: udhaar, payments (single, split, settle in full), the statement."""

from __future__ import annotations

from tests.integration.api.conftest import ShopClient, assert_error


async def test_credit_then_payment_then_statement(shop: ShopClient) -> None:
    rahul = await shop.customer("Rahul")
    r = await shop.post("/api/ledger/credit", {"customer_id": rahul["id"], "amount_paise": 50000, "note": "ration"})
    assert r.status_code == 201, r.text
    posting = r.json()
    assert posting["amount_paise"] == 50000 and posting["balance_paise"] == 50000 and posting["kind"] == "udhaar"

    r = await shop.post("/api/ledger/payment", {"customer_id": rahul["id"], "amount_paise": 20000,
                                                "payment_mode": "upi"})
    assert r.status_code == 201, r.text
    pay = r.json()
    assert pay["total_paise"] == 20000 and pay["balance_paise"] == 30000
    assert pay["payments"][0]["payment_mode"] == "upi"

    st = (await shop.get(f"/api/ledger/{rahul['id']}")).json()
    assert st["balance_paise"] == 30000
    assert [e["amount_paise"] for e in st["entries"]] == [50000, -20000]
    assert [e["running_balance_paise"] for e in st["entries"]] == [50000, 30000]
    assert sum(e["amount_paise"] for e in st["entries"]) == st["balance_paise"]
    assert st["entries"][0]["note"] == "ration"


async def test_split_payment_and_settle_in_full(shop: ShopClient) -> None:
    c = await shop.customer("Suresh", opening_balance_paise=100000)
    r = await shop.post("/api/ledger/payment", {"customer_id": c["id"], "splits": [
        {"amount_paise": 30000, "payment_mode": "cash"}, {"amount_paise": 20000, "payment_mode": "upi"},
    ]})
    assert r.status_code == 201, r.text
    assert r.json()["total_paise"] == 50000 and r.json()["balance_paise"] == 50000
    assert sorted(p["payment_mode"] for p in r.json()["payments"]) == ["cash", "upi"]
    r = await shop.post("/api/ledger/payment", {"customer_id": c["id"], "settle_full": True, "payment_mode": "cash"})
    assert r.status_code == 201, r.text
    assert r.json()["total_paise"] == 50000 and r.json()["balance_paise"] == 0


async def test_bad_ledger_input_writes_nothing(shop: ShopClient) -> None:
    c = await shop.customer("Meena")
    cases = [
        ("/api/ledger/credit", {"customer_id": c["id"], "amount_paise": 0}, "invalid_amount"),
        ("/api/ledger/credit", {"customer_id": c["id"], "amount_paise": -100}, "invalid_amount"),
        ("/api/ledger/credit", {"customer_id": c["id"], "amount_paise": "500"}, "validation_error"),
        ("/api/ledger/credit", {"customer_id": c["id"], "amount": 500}, "validation_error"),
        ("/api/ledger/credit", {"customer_id": 999999999, "amount_paise": 500}, "customer_not_found"),
        ("/api/ledger/payment", {"customer_id": c["id"], "amount_paise": -1}, "invalid_amount"),
        ("/api/ledger/payment", {"customer_id": c["id"], "amount_paise": 100, "payment_mode": "gold"},
         "validation_error"),
        ("/api/ledger/payment", {"customer_id": c["id"]}, "validation_error"),
        ("/api/ledger/payment", {"customer_id": c["id"], "amount_paise": 100, "settle_full": True},
         "validation_error"),
        ("/api/ledger/payment", {"customer_id": c["id"], "splits": [{"amount_paise": 100, "payment_mode": "cash"},
                                                                    {"amount_paise": 0, "payment_mode": "upi"}]},
         "invalid_amount"),
    ]
    for url, body, code in cases:
        r = await shop.post(url, body)
        assert 400 <= r.status_code < 500, (body, r.text)
        assert r.json()["error"]["code"] == code, (body, r.text)
    st = (await shop.get(f"/api/ledger/{c['id']}")).json()
    assert st["entries"] == [] and st["balance_paise"] == 0


async def test_statement_of_unknown_customer_is_404(shop: ShopClient) -> None:
    assert_error(await shop.get("/api/ledger/999999999"), 404, "customer_not_found")
