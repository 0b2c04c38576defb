"""A customer's number is confirmed before reminders and entry notes go to it (issue 10).

Real Postgres and Redis, the real reminder job (in-process), the real
/whatsapp/webhook with Meta-style signed bodies, and a fake Cloud API at its
HTTP boundary.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from business import phone_confirmation as rules
from business.reminders import SendWindow
from db.phone_confirmations import customer_phone_confirmed
from telephony.whatsapp.sender import WhatsAppConfig
from telephony.whatsapp.webhook import sign
from tests.integration.workers.conftest import books_on, make_reminder, make_shop, reminder_row
from tests.integration.workers.fake_whatsapp import FakeWhatsApp
from workers.context import WorkerConfig
from workers.queue import RQJobQueue
from workers.reminders import run_reminder

SECRET = "test-app-secret"


@pytest.fixture
def fake_whatsapp() -> Iterator[FakeWhatsApp]:
    fake = FakeWhatsApp().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def jobs(redis_url: str) -> Iterator[RQJobQueue]:
    q = RQJobQueue(redis_url, queue_name=f"test-confirm-{secrets.token_hex(4)}")
    try:
        yield q
    finally:
        q.close()


@pytest.fixture
def cfg(database_url: str, redis_url: str, jobs: RQJobQueue, fake_whatsapp: FakeWhatsApp) -> WorkerConfig:
    return WorkerConfig(
        database_url=database_url, redis_url=redis_url, queue_name=jobs.queue.name,
        whatsapp=WhatsAppConfig(fake_whatsapp.base_url, "v21.0", "tok", "555", 2.0),
        send_window=SendWindow.parse("00:00-24:00"), max_send_attempts=3,
    )


@pytest.fixture
async def client(settings: Any, jobs: RQJobQueue) -> AsyncIterator[httpx.AsyncClient]:
    """The whole app (its lifespan opens the pool, Redis and the job queue on `jobs`' queue)."""
    from pydantic import SecretStr

    from app.main import create_app

    app = create_app(settings.model_copy(update={"rq_queue": jobs.queue.name,
                                                 "whatsapp_app_secret": SecretStr(SECRET)}))
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as c:
        yield c


def _phone() -> str:
    return "+9198" + "".join(secrets.choice("0123456789") for _ in range(8))


def _inbound(phone: str, text: str, *, context: str | None = None, kind: str = "text") -> bytes:
    """An inbound-message webhook body as Meta sends it (field `messages`)."""
    message: dict[str, Any] = {"from": phone.lstrip("+"), "id": f"wamid.in{secrets.token_hex(6)}",
                               "timestamp": "1700000000", "type": kind}
    message[kind] = {"body": text} if kind == "text" else {"text": text, "payload": text}
    if context:
        message["context"] = {"from": "15550000000", "id": context}
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "555"},
             "contacts": [{"profile": {"name": "Rahul"}, "wa_id": phone.lstrip("+")}], "messages": [message]}
    return json.dumps({"object": "whatsapp_business_account",
                       "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}]}).encode()


async def _post(client: httpx.AsyncClient, body: bytes) -> httpx.Response:
    r = await client.post("/whatsapp/webhook", content=body, headers={"X-Hub-Signature-256": sign(body, SECRET)})
    assert r.status_code == 200, r.text
    return r


async def _unconfirmed(conn: Any, shop: int, phone: str) -> int:
    c = await books_on(conn).add_customer(shop, "Rahul", phone=phone, whatsapp_opt_in=True,
                                          opening_balance_paise=50_000)
    assert c.phone_confirmed is False  # made by the owner without vouching for the number
    return int(c.id)


async def test_unconfirmed_number_is_asked_first_and_a_yes_lets_the_reminder_go(
    pool, cfg, jobs, fake_whatsapp, client
):
    phone = _phone()
    async with pool.acquire() as conn:
        shop = await make_shop(conn, "Gupta General Store")
        cust = await _unconfirmed(conn, shop, phone)
        rid = await make_reminder(conn, shop, cust, datetime.now(UTC))
        assert await run_reminder(conn, cfg, rid, jobs=jobs) == "ask_confirmation"
        row = await reminder_row(conn, rid)
        assert row["status"] == "scheduled" and row["last_error"] == rules.WAITING_REASON
        assert timedelta(hours=23) < row["due_at"] - datetime.now(UTC) <= timedelta(days=1)
        assert fake_whatsapp.for_reminder(rid) == []
        # A second timer for the same reminder only waits: one confirmation message.
        assert await run_reminder(conn, cfg, rid, jobs=jobs) == "wait"
        req = await conn.fetchrow("SELECT * FROM phone_confirmations WHERE customer_id = $1", cust)
    asked = fake_whatsapp.tagged(f"phone_confirmation:{req['id']}")
    assert len(asked) == 1
    template = asked[0]["body"]["template"]
    assert template["name"] == "execora_phone_confirm"
    assert [p["text"] for p in template["components"][0]["parameters"]] == ["Gupta General Store"]
    assert asked[0]["body"]["to"] == phone.lstrip("+")
    assert req["status"] == "sent" and req["wamid"].startswith("wamid.fake")

    # The customer taps the quick-reply YES (quoting our message); Meta may deliver it twice.
    body = _inbound(phone, "YES", context=req["wamid"], kind="button")
    await _post(client, body)
    await _post(client, body)
    async with pool.acquire() as conn:
        c = await conn.fetchrow("SELECT phone_confirmed, phone_confirmed_via FROM customers WHERE id = $1", cust)
        assert (c["phone_confirmed"], c["phone_confirmed_via"]) == (True, "customer")
        history = await conn.fetch(
            "SELECT old_value, new_value, via FROM customer_changes WHERE customer_id = $1 "
            "AND field = 'phone_confirmed'", cust,
        )
        assert [(h["old_value"], h["new_value"], h["via"]) for h in history] == [(False, True, "whatsapp")]
        row = await reminder_row(conn, rid)
        assert row["due_at"] <= datetime.now(UTC) and row["last_error"] is None
        assert jobs.reminder_job_alive(rid)  # handed to the queue at once
        assert await run_reminder(conn, cfg, rid, jobs=jobs) == "sent"
    assert len(fake_whatsapp.for_reminder(rid)) == 1


async def test_no_answer_within_a_day_fails_the_reminder_with_a_reason(pool, cfg, jobs, fake_whatsapp, client):
    phone = _phone()
    async with pool.acquire() as conn:
        shop = await make_shop(conn)
        cust = await _unconfirmed(conn, shop, phone)
        rid = await make_reminder(conn, shop, cust, datetime.now(UTC))
        assert await run_reminder(conn, cfg, rid, jobs=jobs) == "ask_confirmation"
        # A day passes with no answer.
        await conn.execute(
            "UPDATE phone_confirmations SET requested_at = requested_at - interval '25 hours' WHERE customer_id = $1",
            cust,
        )
        await conn.execute("UPDATE reminders SET due_at = now() WHERE id = $1", rid)
        assert await run_reminder(conn, cfg, rid, jobs=jobs) == "fail"
        row = await reminder_row(conn, rid)
        assert (row["status"], row["error_code"]) == ("failed", rules.NOT_CONFIRMED_CODE)
        assert row["error_title"] == rules.NOT_CONFIRMED_TITLE
        # A later reminder does not message the number again (asked again only after 30 days).
        later = await make_reminder(conn, shop, cust, datetime.now(UTC))
        assert await run_reminder(conn, cfg, later, jobs=jobs) == "fail"
        assert await conn.fetchval("SELECT count(*) FROM phone_confirmations WHERE customer_id = $1", cust) == 1
    assert fake_whatsapp.for_reminder(rid) == [] and fake_whatsapp.for_reminder(later) == []


async def test_a_yes_from_elsewhere_or_a_no_confirms_nothing(pool, cfg, jobs, fake_whatsapp, client):
    phone = _phone()
    async with pool.acquire() as conn:
        shop = await make_shop(conn)
        cust = await _unconfirmed(conn, shop, phone)
        rid = await make_reminder(conn, shop, cust, datetime.now(UTC))
        assert await run_reminder(conn, cfg, rid, jobs=jobs) == "ask_confirmation"
    await _post(client, _inbound(phone, "nahi, galat number"))
    await _post(client, _inbound(_phone(), "YES"))  # someone never asked
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT phone_confirmed FROM customers WHERE id = $1", cust) is False
        assert (await reminder_row(conn, rid))["last_error"] == rules.WAITING_REASON
    await _post(client, _inbound(phone, "haan ji"))  # a typed yes, not quoting our message
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT phone_confirmed FROM customers WHERE id = $1", cust) is True


async def test_owner_confirms_and_a_changed_phone_is_unconfirmed_again(pool):
    async with pool.acquire() as conn:
        shop = await make_shop(conn)
        books = books_on(conn)
        cust = await _unconfirmed(conn, shop, _phone())
        c = await books.confirm_customer_phone(shop, cust, via="phone")  # "Rahul ka number confirm hai"
        assert c.phone_confirmed is True
        row = await conn.fetchrow("SELECT phone_confirmed_via, phone_confirmed_at FROM customers WHERE id = $1", cust)
        assert row["phone_confirmed_via"] == "owner" and row["phone_confirmed_at"] is not None
        new_phone = _phone()
        c = await books.update_customer(shop, cust, phone=new_phone, via="api")
        assert c.phone_confirmed is False
        assert not await customer_phone_confirmed(conn, cust, new_phone)
        history = await books.customer_history(shop, cust)
        assert [(h.field, h.old_value, h.new_value, h.via) for h in history if h.field == "phone_confirmed"] == [
            ("phone_confirmed", False, True, "phone"), ("phone_confirmed", True, False, "api"),
        ]
        # The owner can give the new number and vouch for it in one change.
        c = await books.update_customer(shop, cust, phone=_phone(), phone_confirmed=True, via="api")
        assert c.phone_confirmed is True
        # Adding a customer with a vouched-for number.
        vouched = await books.add_customer(shop, "Meena", phone=_phone(), phone_confirmed=True)
        assert vouched.phone_confirmed is True


async def test_no_whatsapp_settings_puts_the_confirmation_in_the_outbox(pool, cfg, jobs):
    from dataclasses import replace

    local = replace(cfg, whatsapp=WhatsAppConfig())
    async with pool.acquire() as conn:
        shop = await make_shop(conn, "Verma Kirana")
        cust = await _unconfirmed(conn, shop, _phone())
        rid = await make_reminder(conn, shop, cust, datetime.now(UTC))
        assert await run_reminder(conn, local, rid, jobs=jobs) == "ask_confirmation"
        out = await conn.fetchrow(
            """SELECT o.template_name, p.status FROM whatsapp_outbox o
                 JOIN phone_confirmations p ON p.id = o.phone_confirmation_id WHERE p.customer_id = $1""",
            cust,
        )
    assert (out["template_name"], out["status"]) == ("execora_phone_confirm", "sent")


async def test_an_entry_note_to_an_unconfirmed_number_is_skipped_with_the_reason(pool, database_url, redis_url):
    from business.books import Books
    from business.ports import NullJobQueue
    from db.uow import PostgresUnitOfWorkFactory
    from workers.entry_notes import run_entry_note

    books = Books(PostgresUnitOfWorkFactory(pool), jobs=NullJobQueue())
    shop, _key = await books.create_shop("Gupta General Store", _phone(), "4321")
    unsure = await books.add_customer(shop.id, "Rahul", phone=_phone(), whatsapp_opt_in=True)
    vouched = await books.add_customer(shop.id, "Meena", phone=_phone(), whatsapp_opt_in=True, phone_confirmed=True)
    await books.add_udhaar(shop.id, unsure.id, 10_000)
    await books.add_udhaar(shop.id, vouched.id, 10_000)
    notes = {r["customer_id"]: r["id"] for r in await pool.fetch(
        "SELECT id, customer_id FROM entry_notes WHERE shop_id = $1", shop.id)}
    cfg = WorkerConfig(database_url=database_url, redis_url=redis_url, queue_name="unused")  # outbox
    async with pool.acquire() as conn:
        assert await run_entry_note(conn, cfg, notes[unsure.id]) == "skipped"
        assert await run_entry_note(conn, cfg, notes[vouched.id]) == "outbox"
        error = await conn.fetchval("SELECT error FROM entry_notes WHERE id = $1", notes[unsure.id])
    assert error == rules.NOTE_SKIP_REASON


async def test_the_owner_confirms_a_number_by_chat(pool, database_url, redis_url, tmp_path):
    from business.books import Books
    from business.ports import NullJobQueue
    from db.uow import PostgresUnitOfWorkFactory
    from tests.e2e.chat_harness import chat, chat_env, says

    books = Books(PostgresUnitOfWorkFactory(pool), jobs=NullJobQueue())
    shop, _key = await books.create_shop("Gupta General Store", _phone(), "4321")
    rahul = await books.add_customer(shop.id, "Rahul", phone=_phone(), whatsapp_opt_in=True)
    owner = await pool.fetchval("SELECT phone FROM shop_phones WHERE shop_id = $1", shop.id)
    turns = await chat(owner, says("Rahul ka number confirm hai", "haan"),
                       env=chat_env(database_url, redis_url, tmp_path / "chat-data"))
    assert turns[-1]["action"] == "update_customer", turns
    assert turns[-1]["result"]["changed"] == ["phone_confirmed"], turns
    row = await pool.fetchrow("SELECT phone_confirmed, phone_confirmed_via FROM customers WHERE id = $1", rahul.id)
    assert (row["phone_confirmed"], row["phone_confirmed_via"]) == (True, "owner")
    via = await pool.fetchval(
        "SELECT via FROM customer_changes WHERE customer_id = $1 AND field = 'phone_confirmed'", rahul.id
    )
    assert via == "phone"  # a said (or typed-as-said) turn is the phone channel


async def test_an_undeliverable_confirmation_fails_the_waiting_reminder_at_once(pool, cfg, jobs, fake_whatsapp, client):
    phone = _phone()
    async with pool.acquire() as conn:
        shop = await make_shop(conn)
        cust = await _unconfirmed(conn, shop, phone)
        rid = await make_reminder(conn, shop, cust, datetime.now(UTC))
        assert await run_reminder(conn, cfg, rid, jobs=jobs) == "ask_confirmation"
        req = await conn.fetchrow("SELECT id, wamid FROM phone_confirmations WHERE customer_id = $1", cust)
    status = {"id": req["wamid"], "status": "failed", "timestamp": "1700000000", "recipient_id": phone.lstrip("+"),
              "biz_opaque_callback_data": f"phone_confirmation:{req['id']}",
              "errors": [{"code": 131026, "title": "Message undeliverable"}]}
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
        {"field": "messages", "value": {"messaging_product": "whatsapp", "statuses": [status]}}]}]}).encode()
    await _post(client, body)
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT status FROM phone_confirmations WHERE id = $1", req["id"]) == "failed"
        assert (await reminder_row(conn, rid))["due_at"] <= datetime.now(UTC)
        assert await run_reminder(conn, cfg, rid, jobs=jobs) == "fail"
        row = await reminder_row(conn, rid)
    assert (row["status"], row["error_title"]) == ("failed", rules.UNDELIVERABLE_TITLE)
    assert fake_whatsapp.for_reminder(rid) == []
