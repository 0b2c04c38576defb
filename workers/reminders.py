"""The reminder job: check at fire time, mark `sending`, commit, send, record.

`send_reminder(reminder_id)` is what RQ runs (an async function: RQ gives it
a fresh event loop). It opens and closes its own database connection, HTTP
client and Redis connection. The reminder row decides everything:

1. One transaction: lock the row; if it is no longer `scheduled` do nothing;
   paid up -> skipped_paid; not opted in / no phone -> failed; fired early ->
   wait for due_at; outside the send window -> move due_at to the next 10:00
   IST and re-enqueue; else mark `sending` (attempts + 1) and commit. With no
   WhatsApp settings the local outbox message is written in this same
   transaction and the row goes straight to `sent`.
2. Send the template. Accepted -> store the wamid, `sent`. Nothing sent
   (connection refused, 429, 5xx without id) -> back to `scheduled` and raise
   so RQ retries with backoff (failed after max attempts). Rejected ->
   `failed` with the API's code/title. Timeout / unknown -> `unknown`: never
   resent; the status webhook (which carries `reminder:<id>`) reconciles it.

A job that runs twice finds the row no longer `scheduled`; a worker killed
mid-send leaves the row `sending`, which the sweep turns into `unknown`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import asyncpg

from bot import metrics
from business import phone_confirmation
from business.reminders import FAIL, SKIP_PAID, Action, Decision, ReminderState, decide
from business.shoptime import day_bounds, shop_date
from db.outbox import insert_outbox
from db.phone_confirmations import last_request
from db.pool import create_pool
from db.reminder_sends import (
    ReminderForSend,
    back_to_scheduled,
    finish_unsent,
    lock_for_send,
    mark_sending,
    mark_sent,
    mark_unknown,
    postpone,
    sends_since,
)
from db.repos.deliveries import whatsapp_sends_since
from telephony.whatsapp.sender import SendOutcome, SendResult, TemplateMessage, WhatsAppSender
from telephony.whatsapp.templates import reminder_message
from workers.context import WorkerConfig, current
from workers.phone_confirmations import ask_in_transaction, send_request
from workers.queue import RQJobQueue

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class SendNotAttempted(Exception):
    """Nothing reached WhatsApp (connection refused, 429, 5xx): RQ retries the job."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _state(r: ReminderForSend, last: phone_confirmation.LastRequest | None = None) -> ReminderState:
    return ReminderState(
        phone_confirmed=r.phone_confirmed,
        last_confirmation=last,
        status=r.status,
        due_at=r.due_at,
        amount_paise=r.amount_paise,
        balance_paise=r.balance_paise,
        opted_in=r.opted_in,
        phone=r.phone,
    )


def _message(r: ReminderForSend, amount_paise: int) -> TemplateMessage:
    return reminder_message(
        reminder_id=r.id,
        phone=r.phone or "",
        customer_name=r.customer_name,
        amount_paise=amount_paise,
        shop_name=r.shop_name,
        shop_settings=r.shop_settings,
    )


async def send_reminder(reminder_id: int) -> str:
    """RQ entry point: run one reminder with this process's WorkerConfig."""
    cfg = current()
    pool = await create_pool(cfg.database_url, min_size=1, max_size=1)
    jobs = RQJobQueue(cfg.redis_url, queue_name=cfg.queue_name)
    try:
        async with pool.acquire() as conn:
            try:
                result = await run_reminder(conn, cfg, reminder_id, jobs=jobs)
            except SendNotAttempted:
                metrics.reminder_send("retry")
                raise
            metrics.reminder_send(result)  # execora_reminder_sends_total{outcome}
            return result
    finally:
        jobs.close()
        await pool.close()


async def run_reminder(
    conn: asyncpg.Connection,
    cfg: WorkerConfig,
    reminder_id: int,
    *,
    jobs: RQJobQueue,
    clock: Clock = _utcnow,
) -> str:
    """The whole fire-time procedure for one reminder; returns what happened."""
    message: TemplateMessage | None = None
    ask: tuple[int, TemplateMessage] | None = None
    async with conn.transaction():
        r = await lock_for_send(conn, reminder_id)
        if r is None:
            log.warning("reminder %s: no such reminder", reminder_id)
            return "missing"
        last = None if r.phone_confirmed or not r.phone else await last_request(conn, r.customer_id, r.phone)
        decision = decide(_state(r, last), clock(), cfg.send_window)
        action = decision.action
        if action is Action.NOOP:
            log.info("reminder %s shop %s: nothing to do (%s)", r.id, r.shop_id, decision.reason)
            return f"noop:{r.status}"
        if action is Action.POSTPONE:
            assert decision.due_at is not None
            await postpone(conn, r.id, decision.due_at, decision.detail or "quiet hours: moved to next morning")
        elif action is Action.SKIP_PAID:
            await finish_unsent(conn, r.id, SKIP_PAID, "paid", "customer owes nothing")
        elif action is Action.FAIL:
            title = decision.detail or decision.reason.replace("_", " ")
            await finish_unsent(conn, r.id, FAIL, decision.reason, title)
        elif action is Action.ASK_CONFIRMATION:
            decision, ask = await _ask_confirmation(conn, cfg, r, decision, clock())
        elif action is Action.SEND:
            amount = decision.amount_paise
            assert amount is not None
            now = clock()
            day_start = day_bounds(shop_date(now))[0]
            if await sends_since(conn, r.shop_id, day_start) >= r.shop_settings.whatsapp_daily_limit:
                # The shop's daily cap: the reminder waits for tomorrow's send window, nothing is lost.
                action = Action.POSTPONE
                tomorrow = cfg.send_window.next_resume(day_start + timedelta(days=1))
                decision = replace(decision, action=action, due_at=tomorrow, reason="daily send limit")
                await postpone(conn, r.id, tomorrow, "daily send limit: moved to the next day")
                log.warning("reminder %s shop %s: daily WhatsApp limit reached", r.id, r.shop_id)
            else:
                await mark_sending(conn, r.id, amount, now)
                message = _message(r, amount)
            if message is not None and not cfg.whatsapp.enabled:
                wamid = await insert_outbox(
                    conn,
                    shop_id=r.shop_id,
                    reminder_id=r.id,
                    wamid=f"outbox.{uuid.uuid4().hex}",
                    to_phone=message.to,
                    template_name=message.template_name,
                    language=message.language,
                    parameters=list(message.parameters),
                    payload=message.payload(),
                )
                await mark_sent(conn, r.id, wamid, now)
                log.info("reminder %s shop %s: stored in the local outbox", r.id, r.shop_id)
                return "outbox"
    # Committed. Act on what needs Redis or the network.
    if decision.action is Action.ASK_CONFIRMATION:
        return await _after_ask(conn, cfg, r, decision, ask, jobs, clock)
    action = decision.action
    if action in (Action.POSTPONE, Action.WAIT):
        assert decision.due_at is not None
        jobs.schedule_reminder(r.id, decision.due_at, fresh_id=True)
        log.info("reminder %s shop %s: %s until %s", r.id, r.shop_id, decision.reason, decision.due_at.isoformat())
        return action.value
    if action is not Action.SEND or message is None:
        log.info("reminder %s shop %s: %s (%s)", r.id, r.shop_id, action.value, decision.reason)
        return action.value
    async with WhatsAppSender(cfg.whatsapp) as sender:
        result = await sender.send_template(message)
    return await _record(conn, cfg, r, result, clock)


async def _ask_confirmation(
    conn: asyncpg.Connection, cfg: WorkerConfig, r: ReminderForSend, decision: Decision, now: datetime
) -> tuple[Decision, tuple[int, TemplateMessage] | None]:
    """Inside the reminder's transaction: ask the customer to confirm their number (under the
    shop's daily cap) and postpone the reminder, with the reason on its row."""
    assert decision.due_at is not None and r.phone is not None
    day_start = day_bounds(shop_date(now))[0]
    used = await whatsapp_sends_since(conn, r.shop_id, day_start)  # everything the shop sent today
    if used >= r.shop_settings.whatsapp_daily_limit:
        tomorrow = cfg.send_window.next_resume(day_start + timedelta(days=1))
        await postpone(conn, r.id, tomorrow, "daily send limit: moved to the next day")
        return replace(decision, action=Action.POSTPONE, due_at=tomorrow, reason="daily send limit"), None
    ask = await ask_in_transaction(
        conn, cfg, shop_id=r.shop_id, customer_id=r.customer_id, phone=r.phone, shop_name=r.shop_name,
        settings=r.shop_settings, now=now,
    )
    await postpone(conn, r.id, decision.due_at, decision.detail)
    return decision, ask


async def _after_ask(
    conn: asyncpg.Connection, cfg: WorkerConfig, r: ReminderForSend, decision: Decision,
    ask: tuple[int, TemplateMessage] | None, jobs: RQJobQueue, clock: Clock,
) -> str:
    """Committed: send the confirmation message, then wait for the YES (or the day's end)."""
    due = decision.due_at
    assert due is not None
    if ask is not None and await send_request(conn, cfg, *ask) == "not_sent":
        due = clock() + phone_confirmation.RETRY_NOT_SENT_AFTER  # nothing reached WhatsApp: ask again soon
        async with conn.transaction():
            await postpone(conn, r.id, due, decision.detail)
    jobs.schedule_reminder(r.id, due, fresh_id=True)
    log.info("reminder %s shop %s: asked the customer to confirm their number; waits until %s",
             r.id, r.shop_id, due.isoformat())
    return Action.ASK_CONFIRMATION.value


async def _record(
    conn: asyncpg.Connection, cfg: WorkerConfig, r: ReminderForSend, result: SendResult, clock: Clock
) -> str:
    """Store the send's outcome; raise SendNotAttempted to have RQ retry."""
    attempts = r.attempts + 1
    async with conn.transaction():
        if result.outcome is SendOutcome.ACCEPTED:
            assert result.wamid is not None
            status = await mark_sent(conn, r.id, result.wamid, clock())
            log.info("reminder %s shop %s: sent (%s)", r.id, r.shop_id, status)
            return "sent"
        if result.outcome is SendOutcome.UNKNOWN:
            await mark_unknown(conn, r.id, f"{result.error_code}: {result.error_title}")
            log.warning("reminder %s shop %s: outcome unknown, not resending", r.id, r.shop_id)
            return "unknown"
        if result.outcome is SendOutcome.REJECTED or attempts >= cfg.max_send_attempts:
            await finish_unsent(conn, r.id, FAIL, result.error_code, result.error_title)
            log.warning("reminder %s shop %s: failed (%s)", r.id, r.shop_id, result.error_code)
            return "failed"
        await back_to_scheduled(conn, r.id, f"{result.error_code}: {result.error_title}")
    log.warning("reminder %s shop %s: not sent (%s), will retry", r.id, r.shop_id, result.error_code)
    raise SendNotAttempted(f"reminder {r.id}: {result.error_code}")
