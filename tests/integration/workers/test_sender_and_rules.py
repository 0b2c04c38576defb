"""The Cloud API sender's retry classification against a local fake server, the
fire-time rules, and quiet hours through the real reminder job."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import pytest

from business.reminders import Action, ReminderState, SendWindow, decide
from business.shoptime import IST
from telephony.whatsapp.sender import SendOutcome, TemplateMessage, WhatsAppConfig, WhatsAppSender
from telephony.whatsapp.templates import format_rupees
from tests.integration.workers.conftest import make_customer, make_reminder, make_shop, reminder_row
from workers.context import WorkerConfig
from workers.queue import RQJobQueue
from workers.reminders import run_reminder

MSG = TemplateMessage("919800000001", "payment_reminder", "hi", ("Rahul", "₹500", "Shop"), "reminder:1")


def _cfg(base_url: str, timeout_s: float = 2.0) -> WhatsAppConfig:
    return WhatsAppConfig(base_url, "v21.0", "tok", "555", timeout_s)


@pytest.mark.parametrize(
    ("mode", "outcome"),
    [("ok", SendOutcome.ACCEPTED), ("429", SendOutcome.RETRYABLE), ("500", SendOutcome.RETRYABLE),
     ("400", SendOutcome.REJECTED)],
)
async def test_answers_are_classified(fake_whatsapp, mode, outcome):
    fake_whatsapp.mode = mode
    async with WhatsAppSender(_cfg(fake_whatsapp.base_url)) as sender:
        result = await sender.send_template(MSG)
    assert result.outcome is outcome
    if outcome is SendOutcome.REJECTED:
        assert result.error_code == "132001"


async def test_connection_refused_is_retryable_and_timeout_is_unknown(fake_whatsapp):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    async with WhatsAppSender(_cfg(f"http://127.0.0.1:{closed_port}")) as sender:
        assert (await sender.send_template(MSG)).outcome is SendOutcome.RETRYABLE
    fake_whatsapp.mode = "stall"
    async with WhatsAppSender(_cfg(fake_whatsapp.base_url, timeout_s=0.5)) as sender:
        assert (await sender.send_template(MSG)).outcome is SendOutcome.UNKNOWN


def test_rupees_are_formatted_indian_style():
    assert format_rupees(50_000) == "₹500"
    assert format_rupees(12_345_678_90) == "₹1,23,45,678.90"
    assert format_rupees(5) == "₹0.05"


def test_rules():
    now = datetime(2026, 1, 10, 12, 0, tzinfo=IST)
    base = ReminderState("scheduled", now, None, 30_000, True, "+919800000001")
    assert decide(base, now).action is Action.SEND
    assert decide(base, now).amount_paise == 30_000
    assert decide(ReminderState("scheduled", now, 50_000, 30_000, True, "+91980"), now).amount_paise == 30_000
    assert decide(ReminderState("cancelled", now, None, 30_000, True, "+91"), now).action is Action.NOOP
    assert decide(ReminderState("scheduled", now, None, 0, True, "+91"), now).action is Action.SKIP_PAID
    assert decide(ReminderState("scheduled", now, None, 10, False, "+91"), now).action is Action.FAIL
    assert decide(ReminderState("scheduled", now + timedelta(hours=1), None, 10, True, "+91"), now).action is Action.WAIT
    night = datetime(2026, 1, 10, 22, 30, tzinfo=IST)
    d = decide(ReminderState("scheduled", night, None, 10, True, "+91"), night)
    assert d.action is Action.POSTPONE and d.due_at == datetime(2026, 1, 11, 10, 0, tzinfo=IST)
    early = datetime(2026, 1, 10, 8, 59, tzinfo=IST)
    d = decide(ReminderState("scheduled", early, None, 10, True, "+91"), early)
    assert d.due_at == datetime(2026, 1, 10, 10, 0, tzinfo=IST)
    assert decide(base, datetime(2026, 1, 10, 9, 0, tzinfo=IST)).action is not Action.POSTPONE
    assert SendWindow.parse("00:00-24:00").contains(night)


async def test_quiet_hours_move_due_at_to_the_next_resume_time(pool, redis_url, queue_name, database_url):
    """The real job, in-process, with a send window that excludes now."""
    now_ist = datetime.now(IST)
    start = (now_ist + timedelta(hours=2)).replace(second=0, microsecond=0)
    end = start + timedelta(hours=1)
    window = SendWindow(start.hour * 60 + start.minute, end.hour * 60 + end.minute, start.hour * 60 + start.minute)
    cfg = WorkerConfig(database_url=database_url, redis_url=redis_url, queue_name=queue_name, send_window=window)
    jobs = RQJobQueue(redis_url, queue_name=queue_name)
    async with pool.acquire() as conn:
        shop = await make_shop(conn)
        cust = await make_customer(conn, shop)
        rid = await make_reminder(conn, shop, cust, datetime.now(UTC))
        assert await run_reminder(conn, cfg, rid, jobs=jobs) == "postpone"
        row = await reminder_row(conn, rid)
    assert row["status"] == "scheduled"
    assert row["due_at"] == start
    assert row["due_at"].astimezone(IST).utcoffset() == timedelta(hours=5, minutes=30)
    assert jobs.reminder_job_alive(rid)
    jobs.cancel_reminder(rid)
    assert not jobs.reminder_job_alive(rid)
    jobs.close()


async def _one_reminder(pool) -> int:
    async with pool.acquire() as conn:
        shop = await make_shop(conn)
        cust = await make_customer(conn, shop)
        return await make_reminder(conn, shop, cust, datetime.now(UTC))


def _job_cfg(database_url: str, redis_url: str, queue_name: str, fake, timeout_s: float = 2.0) -> WorkerConfig:
    return WorkerConfig(
        database_url=database_url,
        redis_url=redis_url,
        queue_name=queue_name,
        whatsapp=_cfg(fake.base_url, timeout_s),
        send_window=SendWindow.parse("00:00-24:00"),
        max_send_attempts=3,
    )


async def test_nothing_sent_goes_back_to_scheduled_then_fails_after_max_attempts(
    pool, database_url, redis_url, queue_name, fake_whatsapp
):
    from workers.reminders import SendNotAttempted

    cfg = _job_cfg(database_url, redis_url, queue_name, fake_whatsapp)
    jobs = RQJobQueue(redis_url, queue_name=queue_name)
    rid = await _one_reminder(pool)
    fake_whatsapp.mode = "429"
    async with pool.acquire() as conn:
        for attempt in (1, 2):
            with pytest.raises(SendNotAttempted):
                await run_reminder(conn, cfg, rid, jobs=jobs)
            row = await reminder_row(conn, rid)
            assert (row["status"], row["attempts"]) == ("scheduled", attempt)
        assert await run_reminder(conn, cfg, rid, jobs=jobs) == "failed"
        row = await reminder_row(conn, rid)
    assert (row["status"], row["attempts"], row["error_code"]) == ("failed", 3, "130429")
    assert len(fake_whatsapp.for_reminder(rid)) == 3
    jobs.close()


async def test_retry_after_a_5xx_sends_once(pool, database_url, redis_url, queue_name, fake_whatsapp):
    from workers.reminders import SendNotAttempted

    cfg = _job_cfg(database_url, redis_url, queue_name, fake_whatsapp)
    jobs = RQJobQueue(redis_url, queue_name=queue_name)
    rid = await _one_reminder(pool)
    fake_whatsapp.mode = "500"
    async with pool.acquire() as conn:
        with pytest.raises(SendNotAttempted):
            await run_reminder(conn, cfg, rid, jobs=jobs)
        fake_whatsapp.mode = "ok"
        assert await run_reminder(conn, cfg, rid, jobs=jobs) == "sent"
        assert await run_reminder(conn, cfg, rid, jobs=jobs) == "noop:sent"
        row = await reminder_row(conn, rid)
    assert row["status"] == "sent" and row["attempts"] == 2
    jobs.close()


async def test_timeout_marks_unknown_and_never_resends(pool, database_url, redis_url, queue_name, fake_whatsapp):
    cfg = _job_cfg(database_url, redis_url, queue_name, fake_whatsapp, timeout_s=0.5)
    jobs = RQJobQueue(redis_url, queue_name=queue_name)
    rid = await _one_reminder(pool)
    fake_whatsapp.mode = "stall"
    async with pool.acquire() as conn:
        assert await run_reminder(conn, cfg, rid, jobs=jobs) == "unknown"
        fake_whatsapp.mode = "ok"
        assert await run_reminder(conn, cfg, rid, jobs=jobs) == "noop:unknown"
    assert len(fake_whatsapp.for_reminder(rid)) == 1
    jobs.close()


async def test_rejected_template_fails_with_the_api_error(pool, database_url, redis_url, queue_name, fake_whatsapp):
    cfg = _job_cfg(database_url, redis_url, queue_name, fake_whatsapp)
    jobs = RQJobQueue(redis_url, queue_name=queue_name)
    rid = await _one_reminder(pool)
    fake_whatsapp.mode = "400"
    async with pool.acquire() as conn:
        assert await run_reminder(conn, cfg, rid, jobs=jobs) == "failed"
        row = await reminder_row(conn, rid)
    assert (row["status"], row["error_code"]) == ("failed", "132001")
    assert "Template" in row["last_error"]
    jobs.close()


def test_throttling_codes_sent_as_400_are_retryable_and_ids_win():
    import httpx

    from telephony.whatsapp.sender import classify_response

    pair_limit = httpx.Response(400, json={"error": {"code": 131056, "message": "pair rate limit"}})
    assert classify_response(pair_limit).outcome is SendOutcome.RETRYABLE
    bad_param = httpx.Response(400, json={"error": {"code": 100, "message": "Invalid parameter"}})
    assert classify_response(bad_param).outcome is SendOutcome.REJECTED
    with_id = httpx.Response(500, json={"messages": [{"id": "wamid.A"}]})
    assert classify_response(with_id).wamid == "wamid.A"
    assert classify_response(httpx.Response(200, json={})).outcome is SendOutcome.UNKNOWN
    assert classify_response(httpx.Response(502, text="<html>bad gateway")).outcome is SendOutcome.RETRYABLE


async def test_a_shops_daily_send_limit_moves_the_rest_to_tomorrow(
    pool, database_url, redis_url, queue_name, fake_whatsapp
):
    cfg = _job_cfg(database_url, redis_url, queue_name, fake_whatsapp)
    jobs = RQJobQueue(redis_url, queue_name=queue_name)
    async with pool.acquire() as conn:
        shop = await make_shop(conn, settings={"whatsapp_daily_limit": 2})
        cust = await make_customer(conn, shop)
        rids = [await make_reminder(conn, shop, cust, datetime.now(UTC)) for _ in range(3)]
        outcomes = [await run_reminder(conn, cfg, rid, jobs=jobs) for rid in rids]
        late = await reminder_row(conn, rids[2])
    assert outcomes == ["sent", "sent", "postpone"]
    assert late["status"] == "scheduled" and late["due_at"].astimezone(IST).date() > datetime.now(IST).date()
    assert len(fake_whatsapp.requests) == 2
    jobs.cancel_reminder(rids[2])
    jobs.close()


def test_template_parameters_are_one_short_line() -> None:
    from telephony.whatsapp.templates import MAX_PARAMETER_CHARS, template_text

    assert template_text("Rahul\n\tVerma    ji") == "Rahul Verma ji"
    long = template_text("x" * 500)
    assert len(long) == MAX_PARAMETER_CHARS and long.endswith("…")
