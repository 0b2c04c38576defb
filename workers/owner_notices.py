"""The owner-notice job: deliver one stored notice to the shop owner's WhatsApp.

The row is the truth (written with the lock-out that caused it). One
transaction claims it: without WhatsApp settings the message goes to the
local outbox and the row is `sent` in that same transaction. With WhatsApp,
the send happens after the row is locked; accepted -> `sent` with its wamid,
rejected -> `failed`, nothing sent -> raise so RQ retries (the row stays
`pending`), timeout -> `unknown` (never resent). A job that runs twice finds
the row no longer pending.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

import asyncpg

from business.owner_notices import OwnerNotice
from business.shop_settings import ShopSettings
from db.outbox import insert_owner_notice_outbox
from db.pool import create_pool
from db.repos import owner_notices as notices
from telephony.whatsapp.sender import SendOutcome, TemplateMessage, WhatsAppSender
from telephony.whatsapp.templates import template_text, whatsapp_number
from workers.context import WorkerConfig, current

log = logging.getLogger(__name__)


class NoticeNotSent(Exception):
    """Nothing reached WhatsApp: RQ retries the job."""


def notice_message(notice: OwnerNotice, settings: ShopSettings) -> TemplateMessage:
    return TemplateMessage(
        to=whatsapp_number(notice.to_phone),
        template_name=settings.owner_alert_template,
        language=settings.whatsapp_template_language,
        parameters=tuple(template_text(p) for p in notice.parameters),
        callback_data=f"notice:{notice.id}",
    )


async def send_owner_notice(notice_id: int) -> str:
    """RQ entry point."""
    cfg = current()
    pool = await create_pool(cfg.database_url, min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn:
            return await run_owner_notice(conn, cfg, notice_id)
    finally:
        await pool.close()


async def run_owner_notice(conn: asyncpg.Connection, cfg: WorkerConfig, notice_id: int) -> str:
    async with conn.transaction():
        found = await notices.lock_pending(conn, notice_id)
        if found is None:
            return "noop"
        notice, settings = found
        message = notice_message(notice, settings)
        now = datetime.now(UTC)
        if not cfg.whatsapp.enabled:
            wamid = await insert_owner_notice_outbox(
                conn, shop_id=notice.shop_id, owner_notice_id=notice.id, wamid=f"outbox.{uuid.uuid4().hex}",
                to_phone=message.to, template_name=message.template_name, language=message.language,
                parameters=list(message.parameters), payload=message.payload(),
            )
            await notices.finish(conn, notice.id, "sent", wamid=wamid, at=now)
            log.info("owner notice %s shop %s: stored in the local outbox", notice.id, notice.shop_id)
            return "outbox"
        # Held under the row lock: a second job waits and then finds the notice finished.
        async with WhatsAppSender(cfg.whatsapp) as sender:
            result = await sender.send_template(message)
        if result.outcome is SendOutcome.ACCEPTED:
            await notices.finish(conn, notice.id, "sent", wamid=result.wamid, at=now)
            log.info("owner notice %s shop %s: sent", notice.id, notice.shop_id)
            return "sent"
        if result.outcome is SendOutcome.UNKNOWN:
            await notices.finish(conn, notice.id, "unknown", error=result.error_code, at=now)
            return "unknown"
        if result.outcome is SendOutcome.REJECTED:
            await notices.finish(conn, notice.id, "failed", error=f"{result.error_code}: {result.error_title}", at=now)
            log.warning("owner notice %s shop %s: rejected (%s)", notice.id, notice.shop_id, result.error_code)
            return "failed"
    log.warning("owner notice %s: not sent (%s), will retry", notice_id, result.error_code)
    raise NoticeNotSent(f"owner notice {notice_id}: {result.error_code}")
