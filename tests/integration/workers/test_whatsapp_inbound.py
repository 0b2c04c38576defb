"""Inbound WhatsApp messages end to end, against the real database and Redis: a customer's
"galat" disputes an entry note (stored once, told to the owner once), an owner's text command
books and is answered on WhatsApp, a voice note (OGG/Opus) does the same through the embedded
recogniser, and a stranger gets nothing. Webhooks are signed as Meta signs them; the Cloud API
is the fake at its HTTP boundary (tests/integration/workers/fake_whatsapp.py)."""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from redis import asyncio as aioredis

from business.books import Books
from business.ports import NullJobQueue
from db.uow import PostgresUnitOfWorkFactory
from telephony.whatsapp.sender import WhatsAppConfig
from telephony.whatsapp.webhook import router, sign
from tests.support.phones import random_phone
from workers.context import WorkerConfig
from workers.entry_notes import run_entry_note

SECRET = "test-app-secret"


def _app(pool: asyncpg.Pool, settings: Any, redis: aioredis.Redis, books: Books, fake: Any) -> FastAPI:
    """One app process as `app.main` wires it (settings, pool, books, redis on app.state)."""
    app = FastAPI()
    app.state.settings = settings.model_copy(update={
        "whatsapp_app_secret": SECRET, "whatsapp_api_base_url": fake.base_url,
        "whatsapp_access_token": "test-token", "whatsapp_phone_number_id": "1234567890",
        "whatsapp_timeout_s": 5.0,
    })
    app.state.pool, app.state.redis, app.state.books = pool, redis, books
    app.include_router(router)
    return app


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    r = aioredis.from_url(redis_url)
    try:
        yield r
    finally:
        await r.aclose()


@pytest.fixture
def books(pool: asyncpg.Pool) -> Books:
    return Books(PostgresUnitOfWorkFactory(pool), jobs=NullJobQueue())


def _envelope(value: dict[str, Any]) -> dict[str, Any]:
    return {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550000000",
                                                     "phone_number_id": "1234567890"}, **value}}]}]}


class Meta:
    """Posts signed webhook bodies to one app process."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    async def post(self, body: dict[str, Any]) -> httpx.Response:
        raw = json.dumps(body).encode()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://test") as c:
            # ASGITransport returns after the response's background task (the owner's turn) has run.
            return await c.post("/whatsapp/webhook", content=raw,
                                headers={"X-Hub-Signature-256": sign(raw, SECRET)})

    async def message(self, sender: str, kind: str, content: dict[str, Any], *, context: str = "",
                      message_id: str = "") -> httpx.Response:
        m: dict[str, Any] = {"from": sender.lstrip("+"), "id": message_id or f"wamid.in{secrets.token_hex(8)}",
                             "timestamp": "1700000000", "type": kind, kind: content}
        if context:
            m["context"] = {"from": "15550000000", "id": context}
        return await self.post(_envelope({"messages": [m], "contacts": [{"wa_id": sender.lstrip("+")}]}))


async def _shop(books: Books, **settings: Any) -> tuple[Any, str, int, str]:
    owner = random_phone()
    shop, _ = await books.create_shop("Gupta General Store", owner, "4321", settings=settings or None)
    rahul = random_phone()
    customer = await books.add_customer(shop.id, "Rahul", phone=rahul, whatsapp_opt_in=True, phone_confirmed=True)
    return shop, owner, customer.id, rahul


def _to(fake: Any, phone: str) -> list[dict[str, Any]]:
    with fake.lock:
        return [r["body"] for r in fake.requests if r["body"].get("to") == phone.lstrip("+")]


def _text_of(body: dict[str, Any]) -> str:
    if body["type"] == "interactive":
        return str(body["interactive"]["body"]["text"])
    return str(body["text"]["body"])


async def _payments(pool: asyncpg.Pool, customer_id: int) -> list[int]:
    rows = await pool.fetch(
        "SELECT amount_paise FROM ledger_entries WHERE customer_id = $1 AND kind = 'payment' ORDER BY id", customer_id
    )
    return [r["amount_paise"] for r in rows]


async def test_a_customer_disputes_an_entry_note_and_the_owner_hears_it_once(
    pool: asyncpg.Pool, settings: Any, redis: aioredis.Redis, books: Books, fake_whatsapp: Any, database_url: str,
    redis_url: str,
) -> None:
    shop, owner, rahul_id, rahul = await _shop(books)
    await books.add_udhaar(shop.id, rahul_id, 30_000)
    note_id = await pool.fetchval("SELECT id FROM entry_notes WHERE customer_id = $1", rahul_id)
    cfg = WorkerConfig(database_url=database_url, redis_url=redis_url, whatsapp=WhatsAppConfig(
        api_base_url=fake_whatsapp.base_url, access_token="test-token", phone_number_id="1234567890"))
    async with pool.acquire() as conn:
        assert await run_entry_note(conn, cfg, note_id) == "sent"
    [note_msg] = fake_whatsapp.tagged(f"entry_note:{note_id}")
    buttons = [c for c in note_msg["body"]["template"]["components"] if c["type"] == "button"]
    assert buttons == [{"type": "button", "sub_type": "quick_reply", "index": "0",
                        "parameters": [{"type": "payload", "payload": "DISPUTE"}]}]
    note_wamid = await pool.fetchval("SELECT wamid FROM entry_notes WHERE id = $1", note_id)
    meta = Meta(_app(pool, settings, redis, books, fake_whatsapp))

    # The status callbacks tagged entry_note:<id> move the note forward.
    status = {"id": note_wamid, "status": "delivered", "timestamp": "1700000000", "recipient_id": rahul.lstrip("+"),
              "biz_opaque_callback_data": f"entry_note:{note_id}"}
    assert (await meta.post(_envelope({"statuses": [status]}))).status_code == 200
    assert await pool.fetchval("SELECT status FROM entry_notes WHERE id = $1", note_id) == "delivered"

    # "galat hai" in reply to the note; Meta redelivers it; then the note's button is tapped too.
    first = await meta.message(rahul, "text", {"body": "galat hai"}, context=note_wamid, message_id="wamid.dispute1")
    assert first.status_code == 200 and first.json()["messages"]["disputes"] == 1
    again = await meta.message(rahul, "text", {"body": "galat hai"}, context=note_wamid, message_id="wamid.dispute1")
    assert again.json()["messages"] == {"disputes": 0, "owner": 0, "duplicates": 1, "ignored": 0}
    tap = await meta.message(rahul, "button", {"payload": "DISPUTE", "text": "Galat hai"}, context=note_wamid)
    assert tap.json()["messages"]["duplicates"] == 1
    disputes = await pool.fetch(
        "SELECT ledger_entry_id, message_id, told_at FROM entry_disputes WHERE shop_id = $1", shop.id)
    entry_id = await pool.fetchval("SELECT ledger_entry_id FROM entry_notes WHERE id = $1", note_id)
    assert [(d["ledger_entry_id"], d["message_id"], d["told_at"]) for d in disputes] == [
        (entry_id, "wamid.dispute1", None)]
    assert _to(fake_whatsapp, rahul) == [note_msg["body"]]  # the customer gets no chat reply

    # Staff writing first are not told (it is the owner's to hear) ...
    staff = random_phone()
    await books.add_shop_phone(shop.id, staff, role="staff")
    await meta.message(staff, "text", {"body": "Rahul ka balance batao"})
    [staff_reply] = _to(fake_whatsapp, staff)
    assert "sawaal" not in _text_of(staff_reply) and "teen sau" in _text_of(staff_reply).lower(), staff_reply
    # ... the owner's next conversation (a WhatsApp text) starts with it, once.
    await meta.message(owner, "text", {"body": "Rahul ka balance batao"})
    [reply] = _to(fake_whatsapp, owner)
    assert "Rahul ne aaj wali entry par sawaal uthaya hai" in _text_of(reply), reply
    assert "teen sau" in _text_of(reply).lower(), reply
    assert await pool.fetchval("SELECT told_at FROM entry_disputes WHERE shop_id = $1", shop.id) is not None
    await redis.delete(*[k async for k in redis.scan_iter("execora:*wa-session*")])  # a new session: greeted again
    await meta.message(owner, "text", {"body": "Rahul ka balance batao"})
    replies = _to(fake_whatsapp, owner)
    assert len(replies) == 2 and "sawaal" not in _text_of(replies[1]), replies


async def test_an_owner_text_command_books_and_is_answered_on_whatsapp(
    pool: asyncpg.Pool, settings: Any, redis: aioredis.Redis, books: Books, fake_whatsapp: Any,
) -> None:
    shop, owner, rahul_id, _ = await _shop(books, entry_notes=False)
    meta = Meta(_app(pool, settings, redis, books, fake_whatsapp))
    r = await meta.message(owner, "text", {"body": "Rahul ne 200 diye"}, message_id="wamid.owner1")
    assert r.status_code == 200 and r.json()["messages"]["owner"] == 1
    assert await _payments(pool, rahul_id) == [-20_000]
    [reply] = _to(fake_whatsapp, owner)
    assert reply["type"] == "text" and reply["to"] == owner.lstrip("+")
    assert "Rahul" in _text_of(reply) and "do sau" in _text_of(reply).lower(), reply
    # Meta redelivers the same message: nothing booked or sent again.
    again = await meta.message(owner, "text", {"body": "Rahul ne 200 diye"}, message_id="wamid.owner1")
    assert again.json()["messages"]["duplicates"] == 1
    assert await _payments(pool, rahul_id) == [-20_000] and len(_to(fake_whatsapp, owner)) == 1
    assert await pool.fetchval("SELECT status FROM whatsapp_inbound WHERE message_id = 'wamid.owner1'") == "done"

    # Above the shop's confirm limit it is read back with buttons; the tap, taken by another app
    # process (the state is in Redis), books it.
    await meta.message(owner, "text", {"body": "Rahul ne 9000 diye"})
    readback = _to(fake_whatsapp, owner)[-1]
    assert readback["type"] == "interactive", readback
    assert [b["reply"]["id"] for b in readback["interactive"]["action"]["buttons"]] == ["confirm_yes", "confirm_no"]
    assert await _payments(pool, rahul_id) == [-20_000]
    other = Meta(_app(pool, settings, redis, books, fake_whatsapp))
    await other.message(owner, "interactive",
                        {"type": "button_reply", "button_reply": {"id": "confirm_yes", "title": "Haan"}},
                        context="wamid.whatever")
    assert await _payments(pool, rahul_id) == [-20_000, -900_000]
    assert _to(fake_whatsapp, owner)[-1]["type"] == "text"
    calls = await pool.fetch("SELECT channel, shop_id, status, ended_reason FROM calls WHERE from_phone = $1", owner)
    assert [tuple(c) for c in calls] == [("whatsapp", shop.id, "completed", "message_session")]  # one session
    turns = await pool.fetchval(
        "SELECT count(*) FROM call_turns t JOIN calls c ON c.id = t.call_id WHERE c.from_phone = $1", owner)
    assert turns == 4  # the greeting, then one turn per message (the replayed one ran nothing)
    # "bas" ends the session: the next message starts a new one.
    await meta.message(owner, "text", {"body": "bas"})
    assert await pool.fetchval("SELECT ended_reason FROM calls WHERE from_phone = $1", owner) == "caller_hung_up"
    await meta.message(owner, "text", {"body": "Rahul ka balance batao"})
    assert await pool.fetchval("SELECT count(*) FROM calls WHERE from_phone = $1", owner) == 2


async def test_an_owner_voice_note_books_a_payment(
    pool: asyncpg.Pool, settings: Any, redis: aioredis.Redis, books: Books, fake_whatsapp: Any,
) -> None:
    sf = pytest.importorskip("soundfile")
    if "OPUS" not in sf.available_subtypes("OGG"):
        pytest.skip("this libsndfile cannot write OGG/Opus")
    import numpy as np

    from bot.voice import espeak
    from bot.voice.audio import resample

    shop, owner, rahul_id, _ = await _shop(books, entry_notes=False)
    spoken = espeak.synthesize("Rahul ne do sau rupaye diye", "en-us", 150)
    buf = io.BytesIO()
    sf.write(buf, np.frombuffer(resample(spoken.pcm, spoken.sample_rate, 16000), dtype=np.int16), 16000,
             format="OGG", subtype="OPUS")
    assert buf.getvalue()[:4] == b"OggS"
    fake_whatsapp.downloads["media-voice-1"] = buf.getvalue()
    meta = Meta(_app(pool, settings, redis, books, fake_whatsapp))
    await meta.message(owner, "audio", {"id": "media-voice-1", "mime_type": "audio/ogg; codecs=opus", "voice": True})
    [reply] = _to(fake_whatsapp, owner)
    if reply["type"] == "interactive":  # a recognised voice is less sure than typing: read back first
        assert "do sau" in _text_of(reply).lower(), reply
        await meta.message(owner, "text", {"body": "haan"})
    assert await _payments(pool, rahul_id) == [-20_000], _to(fake_whatsapp, owner)
    heard = await pool.fetch(
        "SELECT t.heard FROM call_turns t JOIN calls c ON c.id = t.call_id WHERE c.from_phone = $1 ORDER BY t.id",
        owner)
    assert "rahul ne do sau rupaye diye" in [t["heard"] for t in heard], heard


async def test_a_message_from_an_unknown_number_books_and_sends_nothing(
    pool: asyncpg.Pool, settings: Any, redis: aioredis.Redis, books: Books, fake_whatsapp: Any,
) -> None:
    _shop_row, _owner, rahul_id, _ = await _shop(books, entry_notes=False)
    stranger = random_phone()
    meta = Meta(_app(pool, settings, redis, books, fake_whatsapp))
    r = await meta.message(stranger, "text", {"body": "Rahul ne 200 diye"})
    assert r.status_code == 200 and r.json()["messages"]["ignored"] == 1
    assert await _payments(pool, rahul_id) == []
    assert fake_whatsapp.requests == []
    assert await pool.fetchval("SELECT count(*) FROM whatsapp_inbound WHERE from_phone = $1", stranger) == 0
    assert await pool.fetchval("SELECT count(*) FROM calls WHERE from_phone = $1", stranger) == 0
    # A forged signature is refused before anything is read.
    raw = json.dumps(_envelope({"messages": []})).encode()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=meta.app), base_url="http://t") as c:
        forged = await c.post("/whatsapp/webhook", content=raw, headers={"X-Hub-Signature-256": "sha256=00"})
    assert forged.status_code == 403


async def test_document_status_callbacks_move_the_document_forward(
    pool: asyncpg.Pool, settings: Any, redis: aioredis.Redis, books: Books, fake_whatsapp: Any,
) -> None:
    from business.documents.period import Month

    shop, owner, _, _ = await _shop(books, entry_notes=False)
    sent = await books.send_report_document(shop.id, "gst_csv", Month(2026, 3))
    lost = await books.send_report_document(shop.id, "pnl_pdf", Month(2026, 3))
    async with pool.acquire() as conn:  # as the document job leaves them: accepted, and answer lost
        await conn.execute("UPDATE documents SET status = 'sent', wamid = 'wamid.doc-s1' WHERE id = $1",
                           sent.document_id)
        await conn.execute("UPDATE documents SET status = 'unknown' WHERE id = $1", lost.document_id)
    meta = Meta(_app(pool, settings, redis, books, fake_whatsapp))

    def st(wamid: str, status: str, tag: str) -> dict[str, Any]:
        return {"id": wamid, "status": status, "timestamp": "1700000000", "recipient_id": owner.lstrip("+"),
                "biz_opaque_callback_data": tag}

    for status in ("read", "delivered", "failed"):  # out of order and a late failure: read stays
        await meta.post(_envelope({"statuses": [st("wamid.doc-s1", status, f"document:{sent.document_id}")]}))
    await meta.post(_envelope({"statuses": [st("wamid.doc-l1", "delivered", f"document:{lost.document_id}")]}))
    rows = {r["id"]: r for r in await pool.fetch(
        "SELECT id, status, wamid, read_at, delivered_at FROM documents WHERE shop_id = $1", shop.id)}
    assert rows[sent.document_id]["status"] == "read" and rows[sent.document_id]["read_at"] is not None
    assert (rows[lost.document_id]["status"], rows[lost.document_id]["wamid"]) == ("delivered", "wamid.doc-l1")


async def test_a_question_is_answered_in_the_next_message_to_another_process(
    pool: asyncpg.Pool, settings: Any, redis: aioredis.Redis, books: Books, fake_whatsapp: Any,
) -> None:
    shop, owner, rahul_id, _ = await _shop(books, entry_notes=False)
    await Meta(_app(pool, settings, redis, books, fake_whatsapp)).message(owner, "text", {"body": "Rahul ne paise diye"})
    asked = _text_of(_to(fake_whatsapp, owner)[-1])
    assert "kitne" in asked.lower(), asked
    await Meta(_app(pool, settings, redis, books, fake_whatsapp)).message(owner, "text", {"body": "teen sau"})
    assert await _payments(pool, rahul_id) == [-30_000], _to(fake_whatsapp, owner)
