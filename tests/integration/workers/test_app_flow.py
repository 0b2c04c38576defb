"""The whole path through the app: REST schedules (Books -> RQJobQueue), a real
worker sends, the signed status webhook moves it forward, /api/reminders and
/api/outbox show it."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.main import create_app
from telephony.whatsapp.webhook import sign
from tests.support.polling import wait_until

pytestmark = pytest.mark.slow
SECRET = "flow-app-secret"


@pytest.fixture
async def app(settings: Any, queue_name: str) -> AsyncIterator[FastAPI]:
    application = create_app(settings.model_copy(update={"rq_queue": queue_name, "whatsapp_app_secret": SECRET}))
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://execora.test") as c:
        yield c


async def _shop(app: FastAPI) -> dict[str, str]:
    phone = "+9197" + "".join(secrets.choice("0123456789") for _ in range(8))
    _, api_key = await app.state.books.create_shop("Verma Kirana", phone)
    return {"Authorization": f"Bearer {api_key}"}


async def _customer(http: httpx.AsyncClient, auth: dict[str, str], name: str, paise: int) -> int:
    phone = "+9198" + "".join(secrets.choice("0123456789") for _ in range(8))
    body = {"name": name, "phone": phone, "whatsapp_opt_in": True, "phone_confirmed": True,
            "opening_balance_paise": paise}
    r = await http.post("/api/customers", json=body, headers=auth)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def _reminder(http: httpx.AsyncClient, auth: dict[str, str], rid: int) -> dict[str, Any]:
    r = await http.get("/api/reminders", headers=auth)
    assert r.status_code == 200, r.text
    return next(x for x in r.json() if x["id"] == rid)


async def test_rest_to_whatsapp_and_back(app, http, fake_whatsapp, start_worker):
    auth = await _shop(app)
    owes = await _customer(http, auth, "Rahul", 50_000)
    pays = await _customer(http, auth, "Sita", 30_000)
    due = (datetime.now(UTC) + timedelta(seconds=2)).isoformat()
    r1 = await http.post("/api/reminders", json={"customer_id": owes, "due_at": due}, headers=auth)
    r2 = await http.post("/api/reminders", json={"customer_id": pays, "due_at": due}, headers=auth)
    assert r1.status_code == r2.status_code == 201, r1.text
    rid, skipped = r1.json()["id"], r2.json()["id"]
    paid = await http.post("/api/ledger/payment", json={"customer_id": pays, "settle_full": True}, headers=auth)
    assert paid.status_code == 201, paid.text
    worker = start_worker(fake_whatsapp)

    async def sent() -> dict[str, Any] | None:
        row = await _reminder(http, auth, rid)
        return row if row["status"] == "sent" else None

    try:
        row = await wait_until(sent, 20)
        assert row
    except AssertionError:
        raise AssertionError(worker.output()) from None
    wamid = row["whatsapp_message_id"]
    assert wamid and len(fake_whatsapp.for_reminder(rid)) == 1
    assert fake_whatsapp.for_reminder(skipped) == []
    assert (await _reminder(http, auth, skipped))["status"] == "skipped_paid"

    status = {"id": wamid, "status": "delivered", "timestamp": "1764000000", "recipient_id": "91"}
    body = json.dumps({"entry": [{"changes": [{"value": {"statuses": [status]}}]}]}).encode()
    hook = await http.post("/whatsapp/webhook", content=body, headers={"X-Hub-Signature-256": sign(body, SECRET)})
    assert hook.status_code == 200
    row = await _reminder(http, auth, rid)
    assert row["status"] == "delivered" and row["whatsapp_message_id"] == wamid
    assert datetime.fromisoformat(row["due_at"]).utcoffset() is not None


async def test_without_whatsapp_settings_the_outbox_shows_the_message(app, http, start_worker):
    auth = await _shop(app)
    cust = await _customer(http, auth, "Mohan", 99_900)
    r = await http.post(
        "/api/reminders", json={"customer_id": cust, "due_at": datetime.now(UTC).isoformat()}, headers=auth
    )
    rid = r.json()["id"]
    start_worker(None)

    async def outbox() -> list[dict[str, Any]] | None:
        got = await http.get("/api/outbox", headers=auth)
        assert got.status_code == 200
        return [m for m in got.json() if m["reminder_id"] == rid] or None

    messages = await wait_until(outbox, 20)
    assert messages
    assert messages[0]["parameters"] == ["Mohan", "₹999", "Verma Kirana"]
    assert (await _reminder(http, auth, rid))["status"] == "sent"
    assert (await http.get("/api/outbox")).status_code == 401


async def test_signed_recording_link_serves_the_local_file(app, http, settings):
    from db.recording_store import S3Config
    from db.recordings import recording_link

    wav = settings.recordings_dir / "flow.wav"
    wav.parent.mkdir(parents=True, exist_ok=True)
    wav.write_bytes(b"RIFF-test-audio")
    async with app.state.pool.acquire() as conn:
        call_id = await conn.fetchval(
            "INSERT INTO calls (call_sid, recording_path, recording_status) VALUES ($1, $2, 'local') RETURNING id",
            "CA" + secrets.token_hex(16),
            "flow.wav",
        )
        link = await recording_link(conn, call_id, s3=S3Config(), app_secret=app.state.settings.app_secret.get_secret_value(), expires_in_s=60)
    assert link is not None
    ok = await http.get(link)
    assert ok.status_code == 200 and ok.content == b"RIFF-test-audio"
    assert (await http.get(link.replace("sig=", "sig=0"))).status_code == 403
    assert (await http.get(f"/recordings/{call_id}")).status_code == 422
