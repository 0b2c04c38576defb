"""The entry-note job: tell the customer about one khata entry on WhatsApp.

The entry_notes row (written with the entry) is the truth. One transaction
claims it: a note whose customer has since opted out or whose number is not
confirmed (business.phone_confirmation), or whose shop switched notes off, or past the shop's daily WhatsApp cap, is `skipped`; without
WhatsApp settings it goes to the local outbox and is `sent` there and then;
otherwise it is marked `sending` and committed before the send, so a second
job for the same note finds nothing to do. Accepted -> `sent`, rejected ->
`failed`, timeout -> `unknown` (never resent), nothing sent -> back to
`pending` and RQ retries.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

import asyncpg

from business.disputes import DISPUTE_PAYLOAD
from business.phone_confirmation import NOTE_SKIP_REASON
from business.shoptime import day_bounds, shop_date
from db.phone_confirmations import customer_phone_confirmed
from db.pool import create_pool
from db.repos import deliveries as rows
from telephony.whatsapp.sender import SendOutcome, TemplateMessage, WhatsAppSender
from telephony.whatsapp.templates import template_text, whatsapp_number
from workers.context import WorkerConfig, current

log = logging.getLogger(__name__)


class NoteNotSent(Exception):
    """Nothing reached WhatsApp: RQ retries the job."""


def note_message(note: rows.EntryNoteRow) -> TemplateMessage:
    """The template: parameters one line each, capped like reminders'."""
    return TemplateMessage(
        to=whatsapp_number(note.to_phone),
        template_name=note.shop_settings.entry_note_template,
        language=note.shop_settings.whatsapp_template_language,
        parameters=tuple(template_text(p) for p in note.parameters),
        callback_data=f"entry_note:{note.id}",
        button_payloads=(DISPUTE_PAYLOAD,),  # the template's "Galat hai" quick reply: a dispute
    )


async def send_entry_note(note_id: int) -> str:
    """RQ entry point."""
    cfg = current()
    pool = await create_pool(cfg.database_url, min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn:
            return await run_entry_note(conn, cfg, note_id)
    finally:
        await pool.close()


async def run_entry_note(conn: asyncpg.Connection, cfg: WorkerConfig, note_id: int) -> str:
    now = datetime.now(UTC)
    async with conn.transaction():
        note = await rows.lock_pending_note(conn, note_id)
        if note is None:
            return "noop"
        if not note.shop_settings.entry_notes or not await rows.customer_still_opted_in(conn, note.customer_id):
            await rows.finish_note(conn, note.id, "skipped", error="not wanted", at=now)
            return "skipped"
        if not await customer_phone_confirmed(conn, note.customer_id, note.to_phone):
            # Never confirmed by the customer or the owner (business.phone_confirmation): not sent.
            await rows.finish_note(conn, note.id, "skipped", error=NOTE_SKIP_REASON, at=now)
            return "skipped"
        day_start = day_bounds(shop_date(now))[0]
        if await rows.whatsapp_sends_since(conn, note.shop_id, day_start) >= note.shop_settings.whatsapp_daily_limit:
            await rows.finish_note(conn, note.id, "skipped", error="daily send limit", at=now)
            log.warning("entry note %s shop %s: daily WhatsApp limit reached", note.id, note.shop_id)
            return "skipped"
        message = note_message(note)
        await rows.mark_note_sending(conn, note.id, now)
        if not cfg.whatsapp.enabled:
            wamid = await rows.insert_outbox_for(
                conn, column="entry_note_id", row_id=note.id, shop_id=note.shop_id,
                wamid=f"outbox.{uuid.uuid4().hex}", to_phone=message.to, template_name=message.template_name,
                language=message.language, parameters=list(message.parameters), payload=message.payload(),
            )
            await rows.finish_note(conn, note.id, "sent", wamid=wamid, at=now)
            log.info("entry note %s shop %s: stored in the local outbox", note.id, note.shop_id)
            return "outbox"
    # Committed as `sending`: a second job for this note now finds nothing pending.
    async with WhatsAppSender(cfg.whatsapp) as sender:
        result = await sender.send_template(message)
    error = f"{result.error_code}: {result.error_title}"
    async with conn.transaction():
        if result.outcome is SendOutcome.ACCEPTED:
            await rows.finish_note(conn, note.id, "sent", wamid=result.wamid, at=datetime.now(UTC))
            log.info("entry note %s shop %s: sent", note.id, note.shop_id)
            return "sent"
        if result.outcome is SendOutcome.UNKNOWN:
            await rows.finish_note(conn, note.id, "unknown", error=error, at=now)
            return "unknown"
        if result.outcome is SendOutcome.REJECTED:
            await rows.finish_note(conn, note.id, "failed", error=error, at=now)
            log.warning("entry note %s shop %s: rejected (%s)", note.id, note.shop_id, result.error_code)
            return "failed"
        await rows.note_back_to_pending(conn, note.id, error)
    raise NoteNotSent(f"entry note {note_id}: {result.error_code}")
