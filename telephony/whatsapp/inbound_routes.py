"""Where an inbound WhatsApp message goes (called by the webhook after the signature check).

1. A customer's "galat" / "wrong" / "ye mera nahi" (or the note's "Galat hai"
   button) replying to an entry note (`context.id` = the note's wamid) is a
   dispute of that entry: stored in the webhook's short transaction, once.
2. A message from a shop's registered phone (owner or staff) is claimed once
   per message id (`whatsapp_inbound`) and runs the shop's conversation in the
   webhook's background task, so Meta gets its 200 at once.
3. Anything else (an unknown number, a customer chatting) is logged and gets
   no reply: answering strangers costs money and helps spammers.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import asyncpg

from business.books import Books
from business.disputes import NewDispute, is_dispute_payload, is_dispute_text
from business.models import CallerShop
from db.repos.disputes import record_dispute
from telephony.whatsapp.inbound import BUTTON, TEXT, InboundMessage
from telephony.whatsapp.sender import mask_phone

log = logging.getLogger(__name__)

RunTurn = Callable[[CallerShop, InboundMessage], Awaitable[object]]


@dataclass
class Routed:
    disputes: int = 0
    owner: int = 0
    duplicates: int = 0
    ignored: int = 0


def _disputes(msg: InboundMessage) -> bool:
    if not msg.context_id:
        return False
    if msg.kind == BUTTON:
        return is_dispute_payload(msg.payload) or is_dispute_text(msg.text)
    return msg.kind == TEXT and is_dispute_text(msg.text)


async def route_messages(
    pool: asyncpg.Pool, books: Books, messages: list[InboundMessage], schedule: Callable[[RunTurn, CallerShop,
                                                                                         InboundMessage], None],
    run_turn: RunTurn,
) -> Routed:
    """Store disputes, claim owners' messages and `schedule` their turns; returns what went where."""
    routed = Routed()
    for msg in messages:
        if _disputes(msg):
            async with pool.acquire() as conn, conn.transaction():
                answered, dispute_id = await record_dispute(
                    conn, NewDispute(msg.message_id, msg.context_id, msg.from_phone, msg.text)
                )
            if answered:
                if dispute_id is None:
                    routed.duplicates += 1
                else:
                    routed.disputes += 1
                    log.info("dispute %s stored from %s", dispute_id, mask_phone(msg.from_phone))
                continue
        caller = await books.shop_by_phone(msg.e164) if msg.e164 else None
        if caller is None:
            routed.ignored += 1
            log.info("whatsapp message from unknown number %s: ignored", mask_phone(msg.from_phone))
            continue
        async with pool.acquire() as conn:
            claimed = await conn.fetchval(
                """INSERT INTO whatsapp_inbound (message_id, shop_id, from_phone, kind) VALUES ($1, $2, $3, $4)
                   ON CONFLICT (message_id) DO NOTHING RETURNING message_id""",
                msg.message_id, caller.shop.id, caller.phone, msg.kind,
            )
        if claimed is None:
            routed.duplicates += 1
            continue
        routed.owner += 1
        schedule(run_turn, caller, msg)
    return routed
