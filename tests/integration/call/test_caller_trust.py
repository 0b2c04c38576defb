"""Who opens the books by phone: a registered phone keys its PIN first; a phone with no PIN is
refused unless the shop chose to trust caller ID (real app, signed Twilio webhooks)."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from business.caller_trust import CallerAccess, caller_access
from business.shop_settings import ShopSettings
from tests.integration.call.test_dtmf_login import app, call_sid, http, is_sorry, phone, post, xml  # noqa: F401


def test_the_rule() -> None:
    assert caller_access(ShopSettings(), has_pin=True) is CallerAccess.ASK_PIN
    assert caller_access(ShopSettings(), has_pin=False) is CallerAccess.REFUSE
    assert caller_access(ShopSettings(trust_caller_id=True), has_pin=False) is CallerAccess.OPEN
    assert caller_access(ShopSettings(trust_caller_id=True), has_pin=True) is CallerAccess.OPEN


async def answer(client: httpx.AsyncClient, owner: str) -> Any:
    sid = call_sid()
    params = {"CallSid": sid, "AccountSid": "AC" + "0" * 32, "From": owner, "To": "+14155550100"}
    return sid, xml(await post(client, "/twilio/voice", params))


async def test_a_phone_without_a_pin_is_refused_unless_caller_id_is_trusted(app: FastAPI, http: httpx.AsyncClient) -> None:  # noqa: F811
    plain, trusted, with_pin = phone(), phone(), phone()
    await app.state.books.create_shop("No Pin Store", plain)
    await app.state.books.create_shop("Trusting Store", trusted, settings={"trust_caller_id": True})
    await app.state.books.create_shop("Pin Store", with_pin, "4321")
    sid, refused = await answer(http, plain)
    assert is_sorry(refused) and "PIN" in (refused.findtext("Say") or "")
    row = await app.state.pool.fetchrow("SELECT status, ended_reason FROM calls WHERE call_sid = $1", sid)
    assert (row["status"], row["ended_reason"]) == ("refused", "no_pin")
    assert (await answer(http, trusted))[1].find("Connect/Stream") is not None
    assert (await answer(http, with_pin))[1].find("Connect/Stream") is not None  # the PIN is asked on the stream
