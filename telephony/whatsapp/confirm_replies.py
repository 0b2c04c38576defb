"""A customer's YES to the confirmation message, from the inbound-message webhook.

`entry[].changes[].value.messages[]` (Meta Cloud API, field `messages`): a
typed "YES" / "haan" (`type: text`), or a tap on the template's quick-reply
button (`type: button`, `button.text` / `button.payload`) or on an interactive
reply button. `from` is the sender's digits; `context.id`, when present, is the
wamid of our message it answers. Each YES confirms the request it answers
(db.phone_confirmations.confirm_from_reply) in one short transaction; the
reminders that waited for it are handed to the job queue after the commit.
Anything that is not a YES to an open request changes nothing here (other
inbound handling sees the same messages).

A `failed` status callback for the confirmation message itself
(`biz_opaque_callback_data` = `phone_confirmation:<id>`) fails the request, and
the reminders waiting for it fail at once with that reason.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from business.phone_confirmation import is_yes
from business.ports import JobQueue
from db.phone_confirmations import Confirmed, confirm_from_reply, confirmation_failed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class YesReply:
    message_id: str  # the inbound wamid: a redelivered webhook is handled once
    phone: str  # E.164
    context_id: str | None


def _answer(m: dict[str, Any]) -> str:
    kind = m.get("type")
    raw = m.get(kind) if isinstance(kind, str) else None
    body: dict[str, Any] = raw if isinstance(raw, dict) else {}
    if kind == "text":
        return str(body.get("body") or "")[:200]
    if kind == "button":
        return str(body.get("payload") or body.get("text") or "")[:200]
    if kind == "interactive":
        reply = body.get("button_reply") or {}
        return str(reply.get("title") or reply.get("id") or "")[:200] if isinstance(reply, dict) else ""
    return ""


def yes_replies(payload: Any) -> list[YesReply]:
    """The inbound messages of a webhook body that say yes; junk is skipped."""
    out: list[YesReply] = []
    if not isinstance(payload, dict):
        return out
    for entry in payload.get("entry") or []:
        for change in (entry.get("changes") or []) if isinstance(entry, dict) else []:
            value = change.get("value") if isinstance(change, dict) else None
            for m in (value.get("messages") or []) if isinstance(value, dict) else []:
                if not isinstance(m, dict):
                    continue
                mid, sender = m.get("id"), m.get("from")
                digits = "".join(ch for ch in str(sender or "") if ch.isdigit())
                if not isinstance(mid, str) or not mid or not 7 <= len(digits) <= 15 or not is_yes(_answer(m)):
                    continue
                context = m.get("context")
                ctx = context.get("id") if isinstance(context, dict) else None
                out.append(YesReply(mid[:200], f"+{digits}", ctx[:200] if isinstance(ctx, str) and ctx else None))
    return out


@dataclass(frozen=True)
class FailedAsk:
    request_id: int | None
    wamid: str
    error: str | None


def failed_asks(payload: Any) -> list[FailedAsk]:
    """`failed` statuses of our confirmation messages (callback data `phone_confirmation:<id>`)."""
    out: list[FailedAsk] = []
    if not isinstance(payload, dict):
        return out
    for entry in payload.get("entry") or []:
        for change in (entry.get("changes") or []) if isinstance(entry, dict) else []:
            value = change.get("value") if isinstance(change, dict) else None
            for st in (value.get("statuses") or []) if isinstance(value, dict) else []:
                if not isinstance(st, dict) or st.get("status") != "failed" or not isinstance(st.get("id"), str):
                    continue
                prefix, _, tail = str(st.get("biz_opaque_callback_data") or "").partition(":")
                if prefix != "phone_confirmation":
                    continue
                errors = st.get("errors")
                first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
                error = f"{first.get('code', '')}: {first.get('title', '')}"[:300] if first else None
                out.append(FailedAsk(int(tail) if tail.isdigit() else None, st["id"][:200], error))
    return out


async def handle_confirmation_replies(pool: Any, jobs: JobQueue | None, payload: Any) -> int:
    """Confirm the numbers whose customers said yes (and fail the asks WhatsApp could not
    deliver); returns how many were confirmed."""
    replies, failed = yes_replies(payload), failed_asks(payload)
    if not replies and not failed:
        return 0
    now = datetime.now(UTC)
    confirmed: list[Confirmed] = []
    due_now: list[int] = []
    async with pool.acquire() as conn, conn.transaction():
        for reply in sorted(replies, key=lambda r: r.phone):  # one lock order
            done = await confirm_from_reply(
                conn, phone=reply.phone, reply_wamid=reply.message_id, context_wamid=reply.context_id, now=now
            )
            if done is not None:
                confirmed.append(done)
                due_now.extend(done.reminder_ids)
        for ask in failed:
            waiting = await confirmation_failed(conn, request_id=ask.request_id, wamid=ask.wamid, error=ask.error)
            log.info("whatsapp: confirmation message %s failed (%s); %d reminder(s) fail now",
                     ask.request_id, ask.error, len(waiting))
            due_now.extend(waiting)
    for c in confirmed:
        log.info("whatsapp: customer %s of shop %s confirmed their number; %d reminder(s) due now",
                 c.customer_id, c.shop_id, len(c.reminder_ids))
    if jobs is not None:  # else the rows are due now: the sweep enqueues them
        for reminder_id in due_now:
            try:
                await asyncio.to_thread(jobs.schedule_reminder, reminder_id, now)
            except Exception:  # the row is due now: the sweep enqueues it if Redis is away
                log.exception("whatsapp: could not enqueue reminder %s", reminder_id)
    return len(confirmed)
