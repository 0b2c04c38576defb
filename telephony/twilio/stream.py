"""WS /twilio/stream/{token}: the Media Streams socket of one answered call.

Accepted only when the token was minted for the CallSid in Twilio's `start`
message, is unused and unexpired (checked in Postgres, consumed atomically), and
the call is one we answered through the signed webhook. Anything else is closed
with 1008 before a recogniser, synthesiser or pipeline exists. Then the call
runs through `bot.call.session.run_call` and its row is closed.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, WebSocket
from pipecat.serializers.twilio import TwilioFrameSerializer
from pipecat.transports.websocket.fastapi import FastAPIWebsocketParams, FastAPIWebsocketTransport
from starlette.websockets import WebSocketDisconnect, WebSocketState

from bot.call.logs import call_log
from bot.call.session import CallSetup, run_call
from business.books import Books
from business.caller_trust import CallerAccess, caller_access
from business.errors import ShopNotFound
from business.models import CallerShop
from db import calls as call_rows
from db.calls import CallRow
from telephony.call_capacity import call_slots
from telephony.call_store import PostgresCallStore
from telephony.twilio import tokens
from telephony.twilio.config import TwilioConfig
from telephony.twilio.handshake import HandshakeError, StreamStart, read_start
from telephony.twilio.rest import hang_up
from telephony.twilio.serializer import GuardedTwilioFrameSerializer
from telephony.twilio.services import conversation_functions, speech_services
from telephony.twilio.signature import is_valid_signature

log = logging.getLogger(__name__)
router = APIRouter()
POLICY_VIOLATION = 1008
DTMF_LOGIN_ROLE = "dtmf_login"  # calls.caller_role of a shop code + PIN login (telephony.twilio.login)


async def _refuse(ws: WebSocket, why: str, call_sid: str = "") -> None:
    call_log(__name__, call_sid).warning("media stream refused: %s", why)
    if ws.client_state != WebSocketState.DISCONNECTED:
        try:
            await ws.close(code=POLICY_VIOLATION)
        except RuntimeError:
            pass


async def authorise(ws: WebSocket, cfg: TwilioConfig, token: str) -> StreamStart | None:
    """Read the handshake and check the token; None (socket closed with 1008) when refused."""
    if not tokens.looks_valid(token):
        await _refuse(ws, "malformed token")
        return None
    # Twilio signs the upgrade too; when the header is there it must be right.
    upgrade_sig = ws.headers.get("x-twilio-signature")
    if upgrade_sig is not None:
        url = f"{cfg.stream_base_url}{ws.url.path}"
        if not is_valid_signature(cfg.auth_token, url, {}, upgrade_sig):
            await _refuse(ws, "bad upgrade signature")
            return None
    try:
        start = await read_start(ws)
    except (HandshakeError, WebSocketDisconnect, RuntimeError, KeyError) as exc:
        await _refuse(ws, f"bad handshake ({type(exc).__name__})")
        return None
    if not tokens.matches(cfg.app_secret, token, start.call_sid):
        await _refuse(ws, "token not minted for this call", start.call_sid)
        return None
    async with ws.app.state.pool.acquire() as conn:
        fresh = await call_rows.consume_stream_token(conn, token_hash=tokens.token_hash(token), call_sid=start.call_sid)
    if not fresh:
        await _refuse(ws, "token used or expired", start.call_sid)
        return None
    return start


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


def make_transport(
    ws: WebSocket, cfg: TwilioConfig, start: StreamStart
) -> tuple[FastAPIWebsocketTransport, GuardedTwilioFrameSerializer]:
    """pipecat's WebSocket transport with Twilio's serializer at 8 kHz both ways."""
    serializer = GuardedTwilioFrameSerializer(
        stream_sid=start.stream_sid,
        call_sid=start.call_sid,
        account_sid=cfg.account_sid or start.account_sid,
        auth_token=cfg.auth_token,
        base_url=cfg.api_base_url,
        params=TwilioFrameSerializer.InputParams(twilio_sample_rate=8000, sample_rate=8000, auto_hang_up=True),
    )
    transport = FastAPIWebsocketTransport(
        websocket=ws,
        params=FastAPIWebsocketParams(
            audio_in_enabled=True,
            audio_out_enabled=True,
            add_wav_header=False,
            serializer=serializer,
            audio_in_sample_rate=8000,
            audio_out_sample_rate=8000,
        ),
    )
    return transport, serializer


@router.websocket("/twilio/stream/{token}")
async def media_stream(ws: WebSocket, token: str) -> None:
    cfg: TwilioConfig = ws.app.state.twilio
    await ws.accept()
    start = await authorise(ws, cfg, token)
    if start is None:
        return
    slots = call_slots(ws.app.state)
    if not slots.take():  # the webhook checked too; two calls can still race past it
        await _refuse(ws, "process at its call limit", start.call_sid)
        return
    try:
        await _serve_stream(ws, cfg, start)
    finally:
        slots.release()


async def _serve_stream(ws: WebSocket, cfg: TwilioConfig, start: StreamStart) -> None:
    """One authorised stream: find the call and its shop, run the conversation, close the row."""
    pool = ws.app.state.pool
    books = ws.app.state.books
    async with pool.acquire() as conn:
        call = await call_rows.get_call(conn, start.call_sid)
    caller = await caller_of(books, call) if call is not None and call.shop_id else None
    if call is None or caller is None or caller.shop.id != call.shop_id:
        await _refuse(ws, "no answered call for this stream", start.call_sid)
        return
    clog = call_log(__name__, start.call_sid, call.shop_id)
    async with pool.acquire() as conn:
        await call_rows.mark_streaming(conn, call_sid=start.call_sid, stream_sid=start.stream_sid)
        first_turn_no = await call_rows.next_turn_no(conn, start.call_sid)
    store = PostgresCallStore(pool)
    ended_by = "error"
    serializer: GuardedTwilioFrameSerializer | None = None
    try:
        language = call.language or cfg.reply_language
        stt, tts = await speech_services(cfg, books, caller.shop.id, language)
        parse, render = conversation_functions(cfg)
        setup = CallSetup(
            call_sid=start.call_sid,
            caller=caller,
            books=books,
            store=store,
            parse=parse,
            render=render,
            stt=stt,
            tts=tts,
            recordings_dir=cfg.recordings_dir,
            jobs=getattr(ws.app.state, "jobs", None),
            language=language,
            first_turn_no=first_turn_no,
            require_pin=cfg.require_pin and caller_access(caller.shop.settings, has_pin=caller.has_pin)
            is CallerAccess.ASK_PIN,
            tuning=cfg.tuning,
        )
        clog.info("call streaming")
        transport, serializer = make_transport(ws, cfg, start)
        summary = await run_call(transport, setup)
        ended_by = summary.ended_by
    except Exception:  # the outer edge of a call: log with context, close the row, never crash the server
        clog.exception("call failed")
        await _refuse(ws, "internal error", start.call_sid)
    finally:
        # The socket may have dropped before the serializer could hang up: a
        # caller must never be left on an open line (unless Twilio said the call stopped).
        if serializer is None or not (serializer.hangup_attempted or serializer.stopped):
            await hang_up(api_base_url=cfg.api_base_url, account_sid=cfg.account_sid or start.account_sid,
                          auth_token=cfg.auth_token, call_sid=start.call_sid)
        await store.finish_call(start.call_sid, "completed" if ended_by != "error" else "failed", ended_by)
        clog.info("call ended by %s", ended_by)
