"""Operators and their roles over HTTP: TOTP, disabled accounts, the audit log, shop scoping
(own shop only; the admin reads every shop and corrects none), the calls search, reversing a
booked bill from its turn, and the khata linking entries to their calls."""

from __future__ import annotations

import re

import httpx
import pyotp
from fastapi import FastAPI

from dashboard.auth import REFUSED
from db import operators as operator_rows
from tests.integration.dashboard.conftest import (
    DashShop,
    add_call,
    new_operator,
    new_shop,
    random_phone,
    sign_in,
    turn,
)


async def _audit_actions(app: FastAPI, actor: str) -> list[tuple[str, str]]:
    async with app.state.pool.acquire() as conn:
        rows = await operator_rows.list_audit(conn, limit=1000)
    return [(e.action, str(e.details.get("reason", ""))) for e in rows if e.actor == actor]


async def test_every_sign_in_is_audited_and_unknown_emails_read_the_same(
    app: FastAPI, http: httpx.AsyncClient, shop: DashShop
) -> None:
    unknown = await http.post("/dashboard/login", data={"email": "nobody@shop.example", "password": "whatever pw"})
    wrong = await sign_in(http, shop, password="not the password")
    assert unknown.status_code == wrong.status_code == 401
    assert REFUSED in unknown.text and REFUSED in wrong.text
    assert (await sign_in(http, shop)).status_code == 303
    assert await _audit_actions(app, shop.email) == [("sign_in", ""), ("sign_in_refused", "wrong_password")]
    assert await _audit_actions(app, "nobody@shop.example") == [("sign_in_refused", "unknown_email")]


async def test_totp_is_required_once_set_and_a_code_works_once(app: FastAPI, http: httpx.AsyncClient) -> None:
    shop = await new_shop(app, "Totp Store")
    staff = await new_operator(app, "staff", shop.shop_id, totp=True)
    assert staff.totp_secret
    assert (await sign_in(http, staff)).status_code == 401  # no code
    code = pyotp.TOTP(staff.totp_secret).now()
    r = await sign_in(http, staff, code=code)
    assert r.status_code == 303
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://execora.test") as other:
        assert (await sign_in(other, staff, code=code)).status_code == 401  # the same code again
    assert ("sign_in_refused", "code_reused") in await _audit_actions(app, staff.email)


async def test_a_disabled_operator_is_refused_and_signed_out(
    app: FastAPI, http: httpx.AsyncClient, shop: DashShop
) -> None:
    assert (await sign_in(http, shop)).status_code == 303
    async with app.state.pool.acquire() as conn:
        await operator_rows.set_disabled(conn, shop.owner.operator_id, True)
    assert (await http.get("/dashboard/calls")).status_code == 303
    assert (await sign_in(http, shop)).status_code == 401


async def test_an_operator_of_shop_a_is_refused_shop_b(app: FastAPI, http: httpx.AsyncClient, shop: DashShop) -> None:
    other = await new_shop(app, "Gupta Test Store")
    theirs = await add_call(app, other.shop_id, turns=[turn(0, heard="gupta secret words", reply="ok")])
    customer = await app.state.books.add_customer(other.shop_id, "Gupta Customer", phone=random_phone())
    await sign_in(http, shop)
    assert (await http.get(f"/dashboard/calls/{theirs}")).status_code == 404
    for path in ("/dashboard/calls", "/dashboard/summary", "/dashboard/customers", "/dashboard/outstanding"):
        r = await http.get(path, params={"shop": other.shop_id})
        assert r.status_code == 403 and "Gupta" not in r.text, path
    assert (await http.get(f"/dashboard/customers/{customer.id}")).status_code == 404
    for path in ("/dashboard/audit", "/dashboard/shops"):
        assert (await http.get(path)).status_code == 403, path


async def test_the_admin_reads_every_shop_and_corrects_none(app: FastAPI, http: httpx.AsyncClient) -> None:
    a, b = await new_shop(app, "Admin View A"), await new_shop(app, "Admin View B")
    sid_a = await add_call(app, a.shop_id, turns=[turn(0, heard="shop a words")])
    sid_b = await add_call(app, b.shop_id, turns=[turn(0, heard="shop b words")])
    admin = await new_operator(app, "admin", None)
    await sign_in(http, admin)
    everything = await http.get("/dashboard/calls")
    assert everything.status_code == 200 and sid_a in everything.text and sid_b in everything.text
    assert "Admin View A" in everything.text  # the shop column
    only_b = await http.get("/dashboard/calls", params={"shop": b.shop_id})
    assert sid_b in only_b.text and sid_a not in only_b.text
    assert (await http.get(f"/dashboard/calls/{sid_a}")).status_code == 200
    r = await http.get("/dashboard/summary")
    assert r.status_code == 303 and r.headers["location"].startswith("/dashboard/shops")
    shops = await http.get("/dashboard/shops")
    assert shops.status_code == 200 and "Admin View A" in shops.text
    assert (await http.get("/dashboard/summary", params={"shop": a.shop_id})).status_code == 200
    assert (await http.get("/dashboard/calls", params={"shop": 999_999_999})).status_code == 404
    audit = await http.get("/dashboard/audit")
    assert audit.status_code == 200 and admin.email in audit.text and "sign_in" in audit.text
    inv = await _booked_call(app, a)
    r = await http.post(f"/dashboard/calls/{inv[0]}/turns/0/reverse", data={"invoice_id": inv[1], "reason": "x"})
    assert r.status_code == 403


async def _booked_call(app: FastAPI, shop: DashShop) -> tuple[str, int, int]:
    """A call whose first turn booked a credit bill for a new customer: (call_sid, invoice_id, customer_id)."""
    books = app.state.books
    customer = await books.add_customer(shop.shop_id, "Rahul Verma", phone=random_phone())
    await books.add_product(shop.shop_id, "Amul Taaza Milk", unit="packet", price_paise=3000, stock=10)
    invoice = await books.create_invoice(shop.shop_id, customer.id, [("Amul Taaza Milk", 2, None)])
    sid = await add_call(app, shop.shop_id, turns=[
        turn(0, heard="Rahul ko do doodh udhaar", intent="create_invoice", action="create_invoice",
             result={"invoice_id": invoice.id, "invoice_no": invoice.invoice_no, "total_paise": invoice.total_paise,
                     "customer_id": customer.id},
             reply="bill ban gaya", timings={"speech_end": 1000, "first_reply_audio": 2600}),
        turn(1, heard="bas", intent="goodbye", reply="Dhanyavaad"),
    ])
    return sid, invoice.id, customer.id


async def test_search_filters_calls(app: FastAPI, http: httpx.AsyncClient, shop: DashShop) -> None:
    booked, _, _ = await _booked_call(app, shop)
    asked = await add_call(app, shop.shop_id, from_phone="+919811112222", turns=[
        turn(0, heard="Suresh ka payment", intent="record_payment", result={"asked": "ask_amount"},
             timings={"speech_end": 100, "first_reply_audio": 400}),
    ])
    failed = await add_call(app, shop.shop_id, turns=[
        turn(0, heard="kuch bhi", intent="unknown", result={"error": "not_understood"}),
        turn(1, heard="nahi", intent="deny", result={"confirmed": False}),
    ])
    await sign_in(http, shop)

    async def found(**params: str) -> set[str]:
        r = await http.get("/dashboard/calls", params=params)
        assert r.status_code == 200, r.text
        return {s for s in (booked, asked, failed) if s in r.text}

    assert await found() == {booked, asked, failed}
    assert await found(text="DOODH") == {booked}
    assert await found(caller="2222") == {asked}
    assert await found(intent="record_payment") == {asked}
    assert await found(outcome="booked") == {booked}
    assert await found(outcome="asked") == {asked}
    assert await found(outcome="failed") == {failed}
    assert await found(outcome="refused") == {failed}
    assert await found(min_ms="1000") == {booked}
    assert await found(**{"from": "2001-01-01", "to": "2001-01-02"}) == set()
    assert await found(text="100%_") == set()  # LIKE wildcards are literal
    r = await http.get("/dashboard/calls", params={"from": "not-a-date"})
    assert r.status_code == 422 and "YYYY-MM-DD" in r.text
    assert (await http.get("/dashboard/calls", params={"outcome": "<x>"})).status_code == 422


async def test_an_owner_reverses_a_booked_bill_from_its_turn(
    app: FastAPI, http: httpx.AsyncClient, shop: DashShop
) -> None:
    sid, invoice_id, customer_id = await _booked_call(app, shop)
    books = app.state.books
    assert (await books.balance(shop.shop_id, customer_id)).balance_paise == 6000
    await sign_in(http, shop)
    page = await http.get(f"/dashboard/calls/{sid}")
    assert 'action="/dashboard/calls/' + sid + '/turns/0/reverse"' in page.text
    url = f"/dashboard/calls/{sid}/turns/0/reverse"
    assert (await http.post(url, data={"invoice_id": invoice_id, "reason": ""})).status_code == 422
    assert (await http.post(url, data={"invoice_id": invoice_id + 1, "reason": "x"})).status_code == 404
    assert (await http.post(f"/dashboard/calls/{sid}/turns/1/reverse",
                            data={"invoice_id": invoice_id, "reason": "x"})).status_code == 404
    r = await http.post(url, data={"invoice_id": invoice_id, "reason": "customer returned the milk"},
                        headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    r = await http.post(url, data={"invoice_id": invoice_id, "reason": "customer returned the milk"})
    assert r.status_code == 303 and r.headers["location"] == f"/dashboard/calls/{sid}#turn-0"
    assert (await books.balance(shop.shop_id, customer_id)).balance_paise == 0
    assert (await books.get_invoice(shop.shop_id, invoice_id)).status == "cancelled"
    page = await http.get(f"/dashboard/calls/{sid}")
    assert "customer returned the milk" in page.text and shop.email in page.text and "was reversed" in page.text
    assert "/turns/0/reverse" not in page.text
    again = await http.post(url, data={"invoice_id": invoice_id, "reason": "twice"})  # a resubmitted form
    assert again.status_code in (303, 409)
    assert (await books.balance(shop.shop_id, customer_id)).balance_paise == 0
    assert [a for a, _ in await _audit_actions(app, shop.email)].count("correction") == 1

    khata = await http.get(f"/dashboard/customers/{customer_id}")
    assert khata.status_code == 200
    assert "sale credit" in khata.text and "reversal" in khata.text
    assert re.search(rf'href="/dashboard/calls/{sid}#turn-0"', khata.text)
    assert '<strong id="balance">₹0' in khata.text


async def test_staff_read_but_cannot_correct(app: FastAPI, http: httpx.AsyncClient, shop: DashShop) -> None:
    sid, invoice_id, customer_id = await _booked_call(app, shop)
    staff = await new_operator(app, "staff", shop.shop_id)
    await sign_in(http, staff)
    page = await http.get(f"/dashboard/calls/{sid}")
    assert page.status_code == 200 and "/reverse" not in page.text
    r = await http.post(f"/dashboard/calls/{sid}/turns/0/reverse", data={"invoice_id": invoice_id, "reason": "x"})
    assert r.status_code == 403
    assert (await app.state.books.balance(shop.shop_id, customer_id)).balance_paise == 6000
