"""The confirmation message a reminder sends first when its customer's number is unconfirmed.

The reminder job (workers.reminders) calls `ask_in_transaction` inside its own
transaction: the phone_confirmations row is written `sending` with the
reminder's postponement and committed before the send (a second job finds the
request and only waits). Without WhatsApp settings the message goes to the local
outbox there and then. `send_request` then sends the approved template
(`execora_phone_confirm`: "Reply YES to get payment reminders from {{1}}") and
records the outcome; the customer's YES arrives at the webhook
(telephony.whatsapp.confirm_replies).
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

import asyncpg

from business import phone_confirmation as rules
from business.shop_settings import ShopSettings
from db import phone_confirmations as requests
from db.repos.deliveries import insert_outbox_for
from telephony.whatsapp.sender import SendOutcome, TemplateMessage, WhatsAppSender
from telephony.whatsapp.templates import template_text, whatsapp_number
from workers.context import WorkerConfig

log = logging.getLogger(__name__)

CONFIRMATION_TEMPLATE = "execora_phone_confirm"


def confirmation_message(request_id: int, phone: str, shop_name: str, settings: ShopSettings) -> TemplateMessage:
    """The approved template; `phone_confirmation:<id>` comes back in its status callbacks."""
    return TemplateMessage(
        to=whatsapp_number(phone),
        template_name=CONFIRMATION_TEMPLATE,
        language=settings.whatsapp_template_language,
        parameters=tuple(template_text(p) for p in rules.confirmation_parameters(shop_name)),
        callback_data=f"phone_confirmation:{request_id}",
    )


async def ask_in_transaction(
    conn: asyncpg.Connection, cfg: WorkerConfig, *, shop_id: int, customer_id: int, phone: str, shop_name: str,
    settings: ShopSettings, now: datetime,
) -> tuple[int, TemplateMessage] | None:
    """Write the request (inside the caller's transaction). Returns what to send after the
    commit, or None when it went to the local outbox (no WhatsApp settings)."""
    request_id = await requests.start_request(conn, shop_id, customer_id, phone, now)
    message = confirmation_message(request_id, phone, shop_name, settings)
    if cfg.whatsapp.enabled:
        return request_id, message
    wamid = await insert_outbox_for(
        conn, column="phone_confirmation_id", row_id=request_id, shop_id=shop_id,
        wamid=f"outbox.{uuid.uuid4().hex}", to_phone=message.to, template_name=message.template_name,
        language=message.language, parameters=list(message.parameters), payload=message.payload(),
    )
    await requests.finish_request(conn, request_id, "sent", wamid=wamid)
    log.info("phone confirmation %s shop %s: stored in the local outbox", request_id, shop_id)
    return None


async def send_request(conn: asyncpg.Connection, cfg: WorkerConfig, request_id: int, message: TemplateMessage) -> str:
    """Send the committed request; returns its status (sent / failed / unknown / not_sent)."""
    async with WhatsAppSender(cfg.whatsapp) as sender:
        result = await sender.send_template(message)
    error = None if result.outcome is SendOutcome.ACCEPTED else f"{result.error_code}: {result.error_title}"
    status = {
        SendOutcome.ACCEPTED: "sent", SendOutcome.REJECTED: "failed", SendOutcome.UNKNOWN: "unknown",
    }.get(result.outcome, "not_sent")
    async with conn.transaction():
        await requests.finish_request(conn, request_id, status, wamid=result.wamid, error=error)
    log.info("phone confirmation %s: %s", request_id, status)
    return status
