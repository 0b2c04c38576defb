"""/whatsapp/webhook: verification, signatures, malformed bodies, duplicate and
out-of-order status callbacks, against the real database."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from db.reminder_sends import mark_sending, mark_sent
from telephony.whatsapp.webhook import router, sign
from tests.integration.workers.conftest import make_customer, make_reminder, make_shop, reminder_row

SECRET = "test-app-secret"


@pytest.fixture
async def client(pool, settings):
    app = FastAPI()
    app.state.settings = settings.model_copy(
        update={"whatsapp_app_secret": SECRET, "whatsapp_verify_token": "verify-me"}
    )
    app.state.pool = pool
    app.include_router(router)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        yield c


def _payload(*statuses: dict[str, Any]) -> bytes:
    return json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": "messages", "value": {"statuses": list(statuses)}}]}],
        }
    ).encode()


def _status(wamid: str, status: str, ts: int = 1_700_000_000, **extra: Any) -> dict[str, Any]:
    return {"id": wamid, "status": status, "timestamp": str(ts), "recipient_id": "919800000000", **extra}


async def _post(client: httpx.AsyncClient, body: bytes, secret: str = SECRET) -> httpx.Response:
    return await client.post(
        "/whatsapp/webhook", content=body, headers={"X-Hub-Signature-256": sign(body, secret)}
    )


async def _sent_reminder(pool) -> tuple[int, str]:
    wamid = f"wamid.{secrets.token_hex(6)}"
    async with pool.acquire() as conn:
        shop = await make_shop(conn)
        cust = await make_customer(conn, shop)
        rid = await make_reminder(conn, shop, cust, datetime.now(UTC))
        async with conn.transaction():
            await mark_sending(conn, rid, 50_000, datetime.now(UTC))
            await mark_sent(conn, rid, wamid, datetime.now(UTC))
    return rid, wamid


async def test_verification_handshake(client):
    ok = await client.get(
        "/whatsapp/webhook",
        params={"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1158201444"},
    )
    assert ok.status_code == 200 and ok.text == "1158201444"
    bad = await client.get(
        "/whatsapp/webhook", params={"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"}
    )
    assert bad.status_code == 403


async def test_missing_and_forged_signatures_are_refused(client):
    body = _payload(_status("wamid.x", "read"))
    assert (await client.post("/whatsapp/webhook", content=body)).status_code == 403
    assert (await _post(client, body, secret="wrong-secret")).status_code == 403
    tampered = body.replace(b"read", b"sent")
    forged = await client.post(
        "/whatsapp/webhook", content=tampered, headers={"X-Hub-Signature-256": sign(body, SECRET)}
    )
    assert forged.status_code == 403


async def test_malformed_json_is_400(client):
    assert (await _post(client, b"{not json")).status_code == 400


async def test_duplicate_and_out_of_order_statuses_only_move_forward(client, pool):
    rid, wamid = await _sent_reminder(pool)
    # read arrives before delivered, then everything again.
    for status in ("read", "delivered", "sent", "read", "delivered"):
        r = await _post(client, _payload(_status(wamid, status)))
        assert r.status_code == 200
    async with pool.acquire() as conn:
        row = await reminder_row(conn, rid)
        events = await conn.fetch("SELECT status FROM whatsapp_status_events WHERE wamid = $1", wamid)
    assert row["status"] == "read"
    assert row["read_at"] is not None
    assert sorted(e["status"] for e in events) == ["delivered", "read", "sent"]
    # failed never overrides read
    r = await _post(client, _payload(_status(wamid, "failed", errors=[{"code": 131026, "title": "Undeliverable"}])))
    assert r.status_code == 200
    assert (await pool.fetchval("SELECT status FROM reminders WHERE id = $1", rid)) == "read"


async def test_failed_is_recorded_with_its_error(client, pool):
    rid, wamid = await _sent_reminder(pool)
    body = _payload(
        _status(wamid, "delivered"),
        _status(wamid, "failed", errors=[{"code": 131047, "title": "Re-engagement message", "message": "m"}]),
    )
    assert (await _post(client, body)).status_code == 200
    async with pool.acquire() as conn:
        row = await reminder_row(conn, rid)
    assert row["status"] == "failed"
    assert row["error_code"] == "131047"
    assert row["error_title"] == "Re-engagement message"
    assert row["last_error"] == "131047: Re-engagement message"  # what GET /api/reminders shows


async def test_unknown_wamid_is_stored_and_linked_later(client, pool):
    wamid = f"wamid.{secrets.token_hex(6)}"
    r = await _post(client, _payload(_status(wamid, "delivered")))
    assert r.status_code == 200 and r.json()["stored"] == 1
    async with pool.acquire() as conn:
        shop = await make_shop(conn)
        cust = await make_customer(conn, shop)
        rid = await make_reminder(conn, shop, cust, datetime.now(UTC))
        async with conn.transaction():
            await mark_sending(conn, rid, 50_000, datetime.now(UTC))
            status = await mark_sent(conn, rid, wamid, datetime.now(UTC))
    assert status == "delivered"


async def test_unknown_reminder_is_reconciled_by_callback_data(client, pool):
    """The send's answer was lost (timeout / killed worker): the status callback,
    tagged reminder:<id>, attaches the wamid and moves it forward."""
    async with pool.acquire() as conn:
        shop = await make_shop(conn)
        cust = await make_customer(conn, shop)
        rid = await make_reminder(conn, shop, cust, datetime.now(UTC))
        await mark_sending(conn, rid, 50_000, datetime.now(UTC))
        await conn.execute("UPDATE reminders SET status = 'unknown' WHERE id = $1", rid)
    wamid = f"wamid.{secrets.token_hex(6)}"
    body = _payload(_status(wamid, "delivered", biz_opaque_callback_data=f"reminder:{rid}"))
    assert (await _post(client, body)).status_code == 200
    async with pool.acquire() as conn:
        row = await reminder_row(conn, rid)
    assert row["status"] == "delivered"
    assert row["whatsapp_message_id"] == wamid
