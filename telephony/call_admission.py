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

from bot.call.logs import call_log
from business.caller_trust import CallerAccess, caller_access
from business.models import CallerShop
from business.phones import mask_phone
from db import calls as call_rows
from db.calls import CallRow
from telephony.call_capacity import BUSY, call_slots

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
