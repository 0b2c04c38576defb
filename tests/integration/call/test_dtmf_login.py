"""DTMF shop code + PIN login for callers from unregistered phones, on the real app
(httpx ASGI transport, lifespan run) with the session's Postgres: signed webhooks,
the Gather steps, the call row and stream token, refusals and throttling."""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

import httpx
import pytest
from fastapi import FastAPI
from twilio.request_validator import RequestValidator

from app.main import create_app
from db.calls import get_call
from telephony.call_core import caller_of

BASE = "https://execora.test"
AUTH_TOKEN = "test-twilio-token"
PIN = "4321"


@pytest.fixture
async def app(settings: Any) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application
        # Strangers are offered a login while any shop allows one: leave none behind for other tests.
        await application.state.pool.execute(
            "UPDATE shops SET settings = settings - 'allow_dtmf_login' WHERE settings ? 'allow_dtmf_login'"
        )


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        yield client


def phone() -> str:
    return "+9196" + "".join(str(secrets.randbelow(10)) for _ in range(8))


def call_sid() -> str:
    return "CA" + secrets.token_hex(16)


async def make_shop(app: FastAPI, *, allow: bool, pin: str | None = PIN) -> int:
    shop, _ = await app.state.books.create_shop(
        "Verma General Store", phone(), pin, settings={"allow_dtmf_login": allow}
    )
    return int(shop.id)


async def code_of(app: FastAPI, shop_id: int) -> str:
    """The shop's random login code (what `execora shop add --allow-dtmf-login` prints)."""
    return str(await app.state.pool.fetchval("SELECT login_code FROM shops WHERE id = $1", shop_id))


async def post(
    http: httpx.AsyncClient, path: str, params: dict[str, str], *, forged: bool = False
) -> httpx.Response:
    """POST a form the way Twilio does, signed over BASE + path (with its query)."""
    signature = RequestValidator("not-the-token" if forged else AUTH_TOKEN).compute_signature(BASE + path, params)
    return await http.post(path, data=params, headers={"X-Twilio-Signature": signature})


def stranger(sid: str, **extra: str) -> dict[str, str]:
    return {"CallSid": sid, "AccountSid": "AC" + "0" * 32, "From": phone(), "To": "+14155550100", **extra}


def xml(response: httpx.Response) -> ElementTree.Element:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    return ElementTree.fromstring(response.text)


def gather_action(root: ElementTree.Element) -> str:
    gather = root.find("Gather")
    assert gather is not None, ElementTree.tostring(root)
    assert gather.get("input") == "dtmf" and gather.get("finishOnKey") == "#"
    action = gather.get("action")
    assert action is not None and action.startswith(BASE + "/twilio/voice/login")
    return action[len(BASE):]


def is_sorry(root: ElementTree.Element) -> bool:
    return root.find("Hangup") is not None and root.find("Connect") is None and root.find("Gather") is None


async def login(
    http: httpx.AsyncClient, sid: str, code: str, pin: str, from_phone: str | None = None
) -> httpx.Response:
    """Both steps: /twilio/voice -> code -> PIN; returns the PIN step's answer."""
    params = stranger(sid, **({"From": from_phone} if from_phone else {}))
    first = gather_action(xml(await post(http, "/twilio/voice", params)))
    second = gather_action(xml(await post(http, first, {**params, "Digits": code})))
    assert second == "/twilio/voice/login?" + urlencode({"code": code})
    return await post(http, second, {**params, "Digits": pin})


async def call_row(app: FastAPI, sid: str) -> Any:
    return await app.state.pool.fetchrow("SELECT * FROM calls WHERE call_sid = $1", sid)


async def test_setting_off_refuses_strangers(app: FastAPI, http: httpx.AsyncClient) -> None:
    await make_shop(app, allow=False)
    sid = call_sid()
    root = xml(await post(http, "/twilio/voice", stranger(sid)))
    assert is_sorry(root)
    row = await call_row(app, sid)
    assert row["status"] == "refused" and row["ended_reason"] == "unknown_caller"


async def test_setting_on_offers_a_gather_and_right_pin_connects(app: FastAPI, http: httpx.AsyncClient) -> None:
    shop_id = await make_shop(app, allow=True)
    sid = call_sid()
    params = stranger(sid)
    root = xml(await post(http, "/twilio/voice", params))
    assert gather_action(root) == "/twilio/voice/login"
    assert await call_row(app, sid) is None  # nothing recorded until the login succeeds

    root = xml(await login(http, sid, await code_of(app, shop_id), PIN))
    stream = root.find("Connect/Stream")
    assert stream is not None
    url = stream.get("url", "")
    match = re.fullmatch(r"wss://execora\.test/twilio/stream/([A-Za-z0-9_.-]+)", url)
    assert match, url
    row = await call_row(app, sid)
    assert row["shop_id"] == shop_id and row["caller_role"] == "dtmf_login" and row["status"] == "ringing"
    # The stream endpoint takes this call as the shop's owner, PIN already proven.
    answered = await get_call(app.state.pool, sid)
    assert answered is not None
    caller = await caller_of(app.state.books, answered)
    assert caller is not None and caller.shop.id == shop_id and not caller.has_pin
    tokens = await app.state.pool.fetchval(
        "SELECT count(*) FROM call_stream_tokens WHERE call_sid = $1 AND used_at IS NULL", sid
    )
    assert tokens == 1


async def test_wrong_pin_or_unknown_code_says_sorry_and_creates_nothing(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    shop_id = await make_shop(app, allow=True)
    no_login = await make_shop(app, allow=False)
    no_pin = await make_shop(app, allow=True, pin=None)
    codes = {await code_of(app, s) for s in (shop_id, no_login, no_pin)}
    missing = next(c for c in ("123456789", "987654321", "555555555") if c not in codes)
    answers = []
    for code, pin in [(await code_of(app, shop_id), "9999"), (missing, PIN), (await code_of(app, no_login), PIN),
                      (await code_of(app, no_pin), PIN), (await code_of(app, shop_id), "12"), (str(shop_id), PIN)]:
        sid = call_sid()
        response = await login(http, sid, code, pin)
        root = xml(response)
        assert is_sorry(root), response.text
        answers.append(response.text)
        assert await call_row(app, sid) is None
        assert await app.state.pool.fetchval("SELECT count(*) FROM call_stream_tokens WHERE call_sid = $1", sid) == 0
    assert len(set(answers)) == 1  # the same words whether or not the code names a shop (the id is no code)


async def test_forged_signatures_are_refused(app: FastAPI, http: httpx.AsyncClient) -> None:
    shop_id = await make_shop(app, allow=True)
    code = await code_of(app, shop_id)
    sid = call_sid()
    params = {**stranger(sid), "Digits": PIN}
    path = "/twilio/voice/login?" + urlencode({"code": code})
    assert (await post(http, path, params, forged=True)).status_code == 403
    assert (await post(http, "/twilio/voice/login", {**params, "Digits": code}, forged=True)).status_code == 403
    unsigned = await http.post(path, data=params)
    assert unsigned.status_code == 403
    # A signature for one shop code does not carry over to another.
    signature = RequestValidator(AUTH_TOKEN).compute_signature(BASE + "/twilio/voice/login?code=1", params)
    swapped = await http.post(path, data=params, headers={"X-Twilio-Signature": signature})
    assert swapped.status_code == 403
    assert await call_row(app, sid) is None


async def test_login_codes_are_random_not_the_shop_id(app: FastAPI) -> None:
    first, second = await make_shop(app, allow=True), await make_shop(app, allow=True)
    a, b = await code_of(app, first), await code_of(app, second)
    assert len(a) == len(b) == 9 and a != b and str(first) not in (a, b)
    assert abs(int(a) - int(b)) != abs(second - first)  # not a sequence


async def test_failures_on_a_call_are_throttled(app: FastAPI, http: httpx.AsyncClient) -> None:
    shop_id = await make_shop(app, allow=True)
    code = await code_of(app, shop_id)
    sid = call_sid()
    for _ in range(3):
        assert is_sorry(xml(await login(http, sid, code, "0000")))
    assert is_sorry(xml(await login(http, sid, code, PIN)))  # right PIN, too late
    assert await call_row(app, sid) is None


async def test_one_number_is_throttled_without_locking_the_owner_out(app: FastAPI, http: httpx.AsyncClient) -> None:
    shop_id = await make_shop(app, allow=True)
    code = await code_of(app, shop_id)
    attacker = phone()
    for _ in range(5):  # five calls from one number, each with one wrong PIN
        assert is_sorry(xml(await login(http, call_sid(), code, "0000", from_phone=attacker)))
    assert is_sorry(xml(await login(http, call_sid(), code, PIN, from_phone=attacker)))  # the number is stopped
    owner = call_sid()
    assert xml(await login(http, owner, code, PIN)).find("Connect/Stream") is not None  # the owner still gets in


async def test_failures_on_a_shop_code_are_throttled_across_calls(app: FastAPI, http: httpx.AsyncClient) -> None:
    shop_id = await make_shop(app, allow=True)
    other = await make_shop(app, allow=True)
    code = await code_of(app, shop_id)
    for _ in range(30):  # from many numbers: the code's own ceiling
        assert is_sorry(xml(await login(http, call_sid(), code, "0000")))
    sid = call_sid()
    assert is_sorry(xml(await login(http, sid, code, PIN)))
    assert await call_row(app, sid) is None
    # Another shop's code is unaffected.
    ok = call_sid()
    assert xml(await login(http, ok, await code_of(app, other), PIN)).find("Connect/Stream") is not None
