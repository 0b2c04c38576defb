"""The operators' dashboard over HTTP: sign-in with an operator's email and password,
the calls list and one call's page, overview pages, shop isolation, escaping, sign-out."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI

from business.turns import CallTurn
from dashboard import passwords
from dashboard.session import COOKIE_NAME
from dashboard.throttle import MAX_EMAIL_FAILURES, MAX_FAILURES
from db import calls as call_rows
from db import operators as operator_rows
from tests.integration.dashboard.conftest import (
    DashShop,
    add_call,
    new_shop,
    random_phone,
    sign_in,
    turn,
    write_wav,
)

TURNS: list[CallTurn] = [
    turn(
        0,
        heard="Rahul ko do doodh udhaar",
        intent="create_invoice",
        entities={"customer": "Rahul", "items": [{"product": "doodh", "quantity": 2}]},
        action="create_invoice",
        result={"ok": True, "invoice_no": "25-26/000007", "total_paise": 6000},
        reply="Rahul ke naam saath rupaye ka bill ban gaya",
        confidence=0.91,
        timings={"speech_end": 1000, "understood": 1120, "action_done": 1180, "first_reply_audio": 1500},
    ),
    turn(1, heard="bas", intent="goodbye", reply="Dhanyavaad", timings={"speech_end": 4000}),
]


async def test_login_page_and_redirect_when_signed_out(http: httpx.AsyncClient) -> None:
    r = await http.get("/dashboard/login")
    assert r.status_code == 200
    assert 'name="email"' in r.text and 'name="password"' in r.text and 'method="post"' in r.text
    assert 'name="api_key"' not in r.text
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert r.headers["referrer-policy"] == "same-origin"
    for path in ("/dashboard/calls", "/dashboard/summary", "/dashboard/outstanding", "/dashboard/reminders",
                 "/dashboard/calls/CA123"):
        r = await http.get(path)
        assert r.status_code == 303 and r.headers["location"] == "/dashboard/login", path


async def test_sign_in_refused(http: httpx.AsyncClient, shop: DashShop) -> None:
    for bad in ("", "wrong password", shop.password + "x", "x" * 5000, "pw\x00"):
        r = await sign_in(http, shop, password=bad)
        assert r.status_code == 401, bad
        assert "not accepted" in r.text
        assert COOKIE_NAME not in r.headers.get("set-cookie", "")
    r = await http.post("/dashboard/login", data={"api_key": shop.api_key})  # a shop key is no sign-in any more
    assert r.status_code == 401 and COOKIE_NAME not in r.headers.get("set-cookie", "")
    assert (await http.get("/dashboard/calls")).status_code == 303


async def test_sign_in_sets_a_strict_httponly_cookie(http: httpx.AsyncClient, shop: DashShop) -> None:
    r = await sign_in(http, shop)
    assert r.status_code == 303 and r.headers["location"] == "/dashboard/calls"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(COOKIE_NAME + "=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/dashboard" in cookie
    assert shop.password not in cookie and shop.email not in cookie
    r = await http.get("/dashboard/calls")
    assert r.status_code == 200 and shop.name in r.text and "No calls yet" in r.text
    assert (await http.get("/dashboard/login")).status_code == 303  # already signed in


async def test_cross_site_sign_in_is_refused(http: httpx.AsyncClient, shop: DashShop) -> None:
    form = {"email": shop.email, "password": shop.password}
    r = await http.post("/dashboard/login", data=form, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403 and COOKIE_NAME not in r.headers.get("set-cookie", "")
    r = await http.post("/dashboard/login", data=form, headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    r = await http.post("/dashboard/login", data=form, headers={"Origin": "http://execora.test"})
    assert r.status_code == 303
    r = await http.post("/dashboard/logout", headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    assert (await http.get("/dashboard/calls")).status_code == 200  # still signed in


async def test_calls_list_and_call_page(app: FastAPI, http: httpx.AsyncClient, shop: DashShop) -> None:
    older = await add_call(app, shop.shop_id, from_phone="+919811112222")
    sid = await add_call(app, shop.shop_id, turns=TURNS)
    await sign_in(http, shop)

    r = await http.get("/dashboard/calls")
    assert r.status_code == 200
    assert r.text.index(sid) < r.text.index(older)  # newest first
    assert "3210" in r.text and "9876543210" not in r.text and "+919811112222" not in r.text
    row = r.text[r.text.index(sid):r.text.index(older)]
    assert re.search(r'class="num">2</td>', row)  # two turns
    assert "completed" in row

    r = await http.get(f"/dashboard/calls/{sid}")
    assert r.status_code == 200
    page = r.text
    for text in ("Rahul ko do doodh udhaar", "create_invoice", "25-26/000007", "saath rupaye",
                 "Dhanyavaad", "goodbye", "first_reply_audio", "+500 ms", "+120 ms", "0.91", "No recording"):
        assert text in page, text
    assert "9876543210" not in page
    assert "<audio" not in page


async def test_call_page_plays_the_time_limited_recording(
    app: FastAPI, http: httpx.AsyncClient, shop: DashShop, dash_settings: object
) -> None:
    sid = await add_call(app, shop.shop_id, turns=TURNS[:1])
    wav = await asyncio.to_thread(write_wav, app.state.settings.recordings_dir, sid)
    async with app.state.pool.acquire() as conn:
        await call_rows.register_recording(conn, call_sid=sid, path=str(wav), duration_s=12.0, size_bytes=44)
    await sign_in(http, shop)

    r = await http.get(f"/dashboard/calls/{sid}")
    m = re.search(r'<audio controls preload="none" src="([^"]+)"', r.text)
    assert m, r.text
    link = m.group(1).replace("&amp;", "&")
    assert link.startswith("/recordings/") and "expires=" in link and "sig=" in link
    audio = await http.get(link)
    assert audio.status_code == 200 and audio.content.startswith(b"RIFF")
    listed = await http.get("/dashboard/calls")
    assert re.search(rf"{sid}.*?<td>yes</td>", listed.text, re.S)


async def test_another_shops_call_is_not_found(app: FastAPI, http: httpx.AsyncClient, shop: DashShop) -> None:
    other = await new_shop(app, "Gupta Test Store")
    theirs = await add_call(app, other.shop_id, turns=[turn(0, heard="gupta secret words", reply="ok")])
    mine = await add_call(app, shop.shop_id)
    await sign_in(http, shop)
    r = await http.get(f"/dashboard/calls/{theirs}")
    assert r.status_code == 404 and "gupta secret words" not in r.text and "no such call" in r.text
    assert (await http.get(f"/dashboard/calls/{theirs}/recording")).status_code == 404
    assert (await http.get("/dashboard/calls/CA-not-a-sid")).status_code == 404
    listed = await http.get("/dashboard/calls")
    assert mine in listed.text and theirs not in listed.text


async def test_transcript_is_escaped(app: FastAPI, http: httpx.AsyncClient, shop: DashShop) -> None:
    evil = "<script>alert('x')</script>"
    sid = await add_call(app, shop.shop_id, turns=[turn(
        0, heard=evil, intent="<b>intent</b>", entities={"customer": evil}, action="<i>act</i>",
        result={"note": evil}, reply=f"reply {evil}", timings={"<img src=x>": 5},
    )])
    await sign_in(http, shop)
    r = await http.get(f"/dashboard/calls/{sid}")
    assert r.status_code == 200
    assert "<script>" not in r.text and "<b>intent" not in r.text and "<img" not in r.text
    assert "&lt;script&gt;alert(" in r.text


async def test_shop_name_is_escaped(app: FastAPI, http: httpx.AsyncClient) -> None:
    evil = await new_shop(app, "<script>alert(1)</script> Store")
    await sign_in(http, evil)
    r = await http.get("/dashboard/calls")
    assert r.status_code == 200 and "<script>alert(1)" not in r.text and "&lt;script&gt;alert(1)" in r.text


async def test_overview_pages(app: FastAPI, http: httpx.AsyncClient, shop: DashShop) -> None:
    books = app.state.books
    rahul = await books.add_customer(shop.shop_id, "Rahul Verma", phone=random_phone(), opening_balance_paise=45_000)
    await books.add_customer(shop.shop_id, "Paid Up", phone=random_phone())
    await books.add_product(shop.shop_id, "Amul Taaza Milk", unit="packet", price_paise=3000, stock=10)
    await books.create_invoice(shop.shop_id, rahul.id, [("Amul Taaza Milk", 2, None)])
    await books.schedule_reminder(shop.shop_id, rahul.id, datetime.now(UTC) + timedelta(days=1), 10_000)
    await sign_in(http, shop)

    r = await http.get("/dashboard/summary")
    assert r.status_code == 200
    assert "(today)" in r.text and "Amul Taaza Milk" in r.text and "₹60" in r.text
    assert "key their PIN first" in r.text  # caller-ID-only trust is off by default
    r = await http.get("/dashboard/summary", params={"date": "2001-01-01"})
    assert r.status_code == 200 and "No sales on this day" in r.text
    r = await http.get("/dashboard/summary", params={"date": "not-a-date"})
    assert r.status_code == 422 and "YYYY-MM-DD" in r.text

    r = await http.get("/dashboard/outstanding")
    assert r.status_code == 200 and "Rahul Verma" in r.text and "₹510" in r.text and "Paid Up" not in r.text

    r = await http.get("/dashboard/reminders")
    assert r.status_code == 200 and "Rahul Verma" in r.text and "scheduled" in r.text and "₹100" in r.text
    r = await http.get("/dashboard/reminders", params={"status": "delivered"})
    assert r.status_code == 200 and "Rahul Verma" not in r.text
    r = await http.get("/dashboard/reminders", params={"status": "<bogus>"})
    assert r.status_code == 422 and "<bogus>" not in r.text


async def test_logout_ends_the_session(http: httpx.AsyncClient, shop: DashShop) -> None:
    await sign_in(http, shop)
    assert (await http.get("/dashboard/calls")).status_code == 200
    copied = http.cookies.get(COOKIE_NAME, path="/dashboard") or ""
    r = await http.post("/dashboard/logout", headers={"Origin": "https://execora.test"})  # PUBLIC_BASE_URL
    assert r.status_code == 303 and r.headers["location"] == "/dashboard/login"
    assert COOKIE_NAME in r.headers["set-cookie"] and "Max-Age=0" in r.headers["set-cookie"]
    assert (await http.get("/dashboard/calls")).status_code == 303
    http.cookies.set(COOKIE_NAME, copied, path="/dashboard", domain="execora.test")  # a copy of the old cookie
    assert (await http.get("/dashboard/calls")).status_code == 303
    await sign_in(http, shop)  # signing in again works
    assert (await http.get("/dashboard/calls")).status_code == 200


async def test_tampered_cookie_and_changed_password_end_the_session(
    app: FastAPI, http: httpx.AsyncClient, shop: DashShop
) -> None:
    await sign_in(http, shop)
    good = http.cookies.get(COOKIE_NAME, path="/dashboard")
    assert good
    payload, sig = good.split(".")
    http.cookies.set(COOKIE_NAME, payload + "." + "0" * len(sig), path="/dashboard", domain="execora.test")
    assert (await http.get("/dashboard/calls")).status_code == 303
    http.cookies.set(COOKIE_NAME, good, path="/dashboard", domain="execora.test")
    assert (await http.get("/dashboard/calls")).status_code == 200
    await app.state.books.reissue_api_key(shop.shop_id)  # API keys are the machines' business now
    assert (await http.get("/dashboard/calls")).status_code == 200
    new_hash = await asyncio.to_thread(passwords.hash_password, "another long password")
    async with app.state.pool.acquire() as conn:
        await operator_rows.set_password(conn, shop.owner.operator_id, new_hash)
    assert (await http.get("/dashboard/calls")).status_code == 303


async def test_repeated_refusals_are_throttled(app: FastAPI, shop: DashShop) -> None:
    transport = httpx.ASGITransport(app=app, client=("10.9.8.7", 4321))
    async with httpx.AsyncClient(transport=transport, base_url="http://execora.test") as http:
        for i in range(MAX_FAILURES):  # one address trying many accounts
            r = await http.post("/dashboard/login", data={"email": f"guess{i}@shop.example", "password": "pw"})
            assert r.status_code == 401
        r = await sign_in(http, shop)
        assert r.status_code == 429 and COOKIE_NAME not in r.headers.get("set-cookie", "")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://execora.test") as http2:
        assert (await sign_in(http2, shop)).status_code == 303  # another address is unaffected


async def test_one_account_is_throttled_from_any_address(app: FastAPI, shop: DashShop) -> None:
    for i in range(MAX_EMAIL_FAILURES):  # many addresses trying one account
        transport = httpx.ASGITransport(app=app, client=(f"10.7.0.{i}", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://execora.test") as http:
            assert (await sign_in(http, shop, password="wrong password")).status_code == 401
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://execora.test") as http:
        r = await sign_in(http, shop)
        assert r.status_code == 429 and COOKIE_NAME not in r.headers.get("set-cookie", "")
