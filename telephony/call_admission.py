"""Admitting a carrier's call: caller -> shop, the PIN rule, and the call row (once per call id).

Shared by the carriers that learn of a call from one message (Plivo's answer
webhook, Exotel's stream `start`): a stranger's or a PIN-less phone's call is
recorded as refused and ended; an admitted one gets a 'ringing' row that the
stream then serves through `telephony.call_core`. The row's insert is the
idempotency: `created` is False when the call id was seen before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import asyncpg

from bot.call.logs import call_log
from business.caller_trust import CallerAccess, caller_access
from business.models import CallerShop
from business.phones import mask_phone
from db import calls as call_rows
from db.calls import CallRow
from telephony import stream_tokens as tokens
from telephony.call_capacity import BUSY, call_slots
from telephony.call_config import CallConfig

SORRY = "Sorry, this number is not registered with any shop. Goodbye."
NO_PIN = "Sorry, this phone has no PIN set for the shop. Ask the owner to set one. Goodbye."
# What a refused caller is told, by `Admission.refused`.
REFUSAL_WORDS = {"busy": BUSY, "no_pin": NO_PIN, "unknown_caller": SORRY, "ended": SORRY}

_PHONE_RE = re.compile(r"^\+?[0-9]{6,16}$")
ENDED = {"completed", "refused", "failed", "busy", "no-answer", "canceled"}


@dataclass(frozen=True)
class Admission:
    """What became of a new call: `refused` names why ("busy", "unknown_caller", "no_pin", "ended")."""

    caller: CallerShop | None
    row: CallRow | None
    created: bool
    refused: str | None = None


async def admit_call(state: object, *, carrier: str, call_sid: str, from_phone: str, to_phone: str) -> Admission:
    """Resolve the caller's shop and record the call once; a refusal is recorded and closed."""
    pool, books = state.pool, state.books  # type: ignore[attr-defined]
    clog = call_log(__name__, call_sid)
    if call_slots(state).full:
        clog.warning("%s call refused: process at its call limit", carrier)
        return Admission(None, None, False, "busy")
    from_phone, to_phone = from_phone.strip()[:32], to_phone.strip()[:32]
    caller = await books.shop_by_phone(from_phone) if _PHONE_RE.match(from_phone) else None
    refused = "unknown_caller" if caller is None else None
    if caller is not None and caller_access(caller.shop.settings, has_pin=caller.has_pin) is CallerAccess.REFUSE:
        refused = "no_pin"
    async with pool.acquire() as conn, conn.transaction():
        row, created = await call_rows.create_call(
            conn, call_sid=call_sid, shop_id=caller.shop.id if caller else None,
            from_phone=caller.phone if caller else from_phone, to_phone=to_phone,
            caller_role=caller.role if caller else None, status="refused" if refused else "ringing",
            language=caller.shop.settings.reply_language if caller else None, channel=carrier,
        )
        if refused and created:
            await call_rows.finish_call(conn, call_sid=call_sid, status="refused", ended_reason=refused)
    if refused:
        clog.info("%s call from %s refused (%s)", carrier, mask_phone(from_phone), refused)
        return Admission(caller, row, created, refused)
    if row.status in ENDED or row.channel != carrier or row.shop_id != caller.shop.id:  # type: ignore[union-attr]
        return Admission(caller, row, created, "ended")
    return Admission(caller, row, created)


async def issue_stream_token(conn: asyncpg.Connection, cfg: CallConfig, call_sid: str, *, purge: bool) -> str | None:
    """A fresh single-use, short-lived token bound to `call_sid` for the answer's stream URL; None when
    this call already had one (a replayed or retried answer webhook gets no second stream).

    Shared by the carriers whose answer webhook hands out a stream URL (Twilio, Plivo). `purge`
    (a new call) also drops long-expired tokens with an indexed delete, keeping the table small.
    """
    token = tokens.mint(cfg.app_secret, call_sid)
    fresh = await call_rows.store_stream_token(
        conn, call_sid=call_sid, token_hash=tokens.token_hash(token), ttl_s=cfg.stream_token_ttl_s
    )
    if not fresh:
        return None
    if purge:
        await call_rows.purge_stream_tokens(conn)
    return token
