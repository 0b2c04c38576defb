"""The one call entry every carrier uses: "run this call".

A carrier package (twilio, exotel, plivo, and later sip) holds only its
protocol: it authenticates the stream, reads its carrier's start message, and
hands the core the call's ids, a `CarrierLine` (how to refuse, how to hang up)
and a factory for its pipecat transport. Everything else is shared here: the
process's call slots, the answered call row and its shop (the caller's phone,
or a DTMF login), the PIN rule, the speech engines and conversation, the turn
records and recording (through `bot.call.session.run_call`), and closing the
row. The transport is built only once the call is known, so a refused stream
never gets a recogniser, synthesiser or pipeline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from bot.call.logs import call_log
from bot.call.services import conversation_functions, speech_services
from bot.call.session import CallSetup, run_call
from business.books import Books
from business.caller_trust import CallerAccess, caller_access
from business.errors import ShopNotFound
from business.models import CallerShop
from db import calls as call_rows
from db.calls import CallRow
from telephony.call_capacity import call_slots
from telephony.call_config import CallConfig
from telephony.call_store import PostgresCallStore
from telephony.live_calls import feed_for

DTMF_LOGIN_ROLE = "dtmf_login"  # calls.caller_role of a shop code + PIN login (telephony.twilio.login)


class CarrierLine(Protocol):
    """The little the core needs of a carrier for one call.

    Clearing queued audio on barge-in and marks are the carrier's serializer's
    job (pipecat hands it the InterruptionFrame); the core only refuses and
    hangs up.
    """

    carrier: str  # calls.channel: twilio, exotel, plivo, sip

    async def refuse(self, why: str) -> None:
        """Close the line without a conversation (logged with `why`)."""
        ...

    async def hang_up(self) -> None:
        """Make sure the caller is not left on an open line (a no-op when the carrier already ended it)."""
        ...


@dataclass(frozen=True)
class StreamedCall:
    """The call's ids as the carrier's start message gave them."""

    call_sid: str  # the carrier's call id: Twilio CallSid, Exotel call_sid, Plivo CallUUID
    stream_sid: str


async def caller_of(books: Books, call: CallRow) -> CallerShop | None:
    """Who the answered call is: its registered phone's shop, or (DTMF login) the shop whose owner PIN was keyed.

    A DTMF login already proved the owner's PIN, so no PIN is asked again.
    """
    if call.caller_role == DTMF_LOGIN_ROLE and call.shop_id is not None:
        try:
            shop = await books.get_shop(call.shop_id)
        except ShopNotFound:
            return None
        return CallerShop(shop=shop, phone=call.from_phone, role="owner", has_pin=False)
    return await books.shop_by_phone(call.from_phone)


async def serve_call(
    state: Any, cfg: CallConfig, call: StreamedCall, line: CarrierLine, make_transport: Callable[[], Any]
) -> str | None:
    """Run one authorised stream to its end; returns who ended it ("bot", "caller", "error"), None when refused.

    `state` is the app's state (pool, books, jobs, call slots); the call row must
    exist (the carrier's webhook or start admitted it) and belong to `line.carrier`.
    """
    slots = call_slots(state)
    if not slots.take(line.carrier):  # the webhook checked too; two calls can still race past it
        await line.refuse("process at its call limit")
        return None
    try:
        return await _serve(state, cfg, call, line, make_transport)
    finally:
        slots.release(line.carrier)


async def _serve(
    state: Any, cfg: CallConfig, call: StreamedCall, line: CarrierLine, make_transport: Callable[[], Any]
) -> str | None:
    pool, books = state.pool, state.books
    async with pool.acquire() as conn:
        row = await call_rows.get_call(conn, call.call_sid)
    caller = await caller_of(books, row) if row is not None and row.shop_id else None
    if row is None or caller is None or caller.shop.id != row.shop_id or row.channel != line.carrier:
        await line.refuse("no answered call for this stream")
        return None
    clog = call_log(__name__, call.call_sid, row.shop_id)
    async with pool.acquire() as conn:
        await call_rows.mark_streaming(conn, call_sid=call.call_sid, stream_sid=call.stream_sid)
        first_turn_no = await call_rows.next_turn_no(conn, call.call_sid)
    live = feed_for(getattr(state, "redis", None), call.call_sid, row.shop_id)
    store = PostgresCallStore(pool, live)
    if live is not None:
        await live.started(from_phone=row.from_phone, started_at=row.started_at, channel=line.carrier)
    ended_by = "error"
    try:
        language = row.language or cfg.reply_language
        stt, tts = await speech_services(cfg.voice, books, caller.shop.id, language,
                                         recognition_language=caller.shop.settings.recognition_language)
        parse, render = conversation_functions(cfg.understanding)
        setup = CallSetup(
            call_sid=call.call_sid,
            caller=caller,
            books=books,
            store=store,
            parse=parse,
            render=render,
            stt=stt,
            tts=tts,
            recordings_dir=cfg.recordings_dir,
            jobs=getattr(state, "jobs", None),
            language=language,
            first_turn_no=first_turn_no,
            require_pin=cfg.require_pin
            and caller_access(caller.shop.settings, has_pin=caller.has_pin) is CallerAccess.ASK_PIN,
            tuning=cfg.tuning,
        )
        clog.info("call streaming (%s)", line.carrier)
        summary = await run_call(make_transport(), setup)
        ended_by = summary.ended_by
    except Exception:  # the outer edge of a call: log with context, close the row, never crash the server
        clog.exception("call failed")
        await line.refuse("internal error")
    finally:
        await line.hang_up()
        await store.finish_call(call.call_sid, "completed" if ended_by != "error" else "failed", ended_by)
        clog.info("call ended by %s", ended_by)
    return ended_by
