"""WS /exotel/stream: one Voicebot applet stream, Basic-authenticated on the upgrade.

Off (404 on the upgrade) unless EXOTEL_STREAM_USER and EXOTEL_STREAM_PASSWORD
are set. A missing or wrong `Authorization: Basic` is answered 401 before the
socket is accepted, so no handshake, recogniser or pipeline ever exists for it.
Exotel has no per-call webhook, so the call is admitted on `start`: the
caller is `start.from`, resolved to a shop like any phone, and the row is
created once per call_sid (a replayed or second `start` naming a known call is
refused; a stranger or a PIN-less phone hears a short sorry first). Then the shared call core runs it; ending the call closes the
stream (the applet's flow then hangs up).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, WebSocket
from pipecat.serializers.exotel import ExotelFrameSerializer
from pipecat.transports.websocket.fastapi import FastAPIWebsocketParams, FastAPIWebsocketTransport
from starlette.websockets import WebSocketDisconnect

from db import calls as call_rows
from telephony.call_admission import REFUSAL_WORDS, SORRY, admit_call
from telephony.call_core import StreamedCall, serve_call
from telephony.exotel.auth import basic_credentials_match
from telephony.exotel.config import ExotelConfig
from telephony.exotel.handshake import ExotelStart, read_start
from telephony.exotel.refusal import say_sorry
from telephony.exotel.serializer import OUT_10MS_CHUNKS, GuardedExotelFrameSerializer
from telephony.stream_handshake import HandshakeError
from telephony.ws_line import WebSocketLine, deny_upgrade

log = logging.getLogger(__name__)
router = APIRouter()
STREAM_PATH = "/exotel/stream"


class ExotelLine(WebSocketLine):
    """Exotel's hang-up is closing the stream: the applet's flow goes on to its Hangup."""

    carrier = "exotel"

    def __init__(self, ws: WebSocket, start: ExotelStart) -> None:
        super().__init__(ws, start.call_sid)
        self.start = start
        self.serializer: GuardedExotelFrameSerializer | None = None

    def transport(self) -> FastAPIWebsocketTransport:
        self.serializer = GuardedExotelFrameSerializer(
            stream_sid=self.start.stream_sid,
            call_sid=self.start.call_sid,
            params=ExotelFrameSerializer.InputParams(exotel_sample_rate=8000, sample_rate=8000),
        )
        return FastAPIWebsocketTransport(
            websocket=self.ws,
            params=FastAPIWebsocketParams(
                audio_in_enabled=True,
                audio_out_enabled=True,
                add_wav_header=False,
                serializer=self.serializer,
                audio_in_sample_rate=8000,
                audio_out_sample_rate=8000,
                audio_out_10ms_chunks=OUT_10MS_CHUNKS,  # 3,200-byte media messages, as Exotel wants
            ),
        )


async def _deny(ws: WebSocket, status: int) -> None:
    await deny_upgrade(ws, status, {"WWW-Authenticate": 'Basic realm="exotel"'} if status == 401 else None)


@router.websocket(STREAM_PATH)
async def exotel_stream(ws: WebSocket) -> None:
    cfg: ExotelConfig | None = getattr(ws.app.state, "exotel", None)
    if cfg is None or not cfg.enabled:
        await _deny(ws, 404)
        return
    if not basic_credentials_match(ws.headers.get("authorization"), cfg.stream_user, cfg.stream_password):
        log.warning("Exotel stream with a missing or wrong Basic credential refused")
        await _deny(ws, 401)
        return
    await ws.accept()
    try:
        start = await read_start(ws)
    except (HandshakeError, WebSocketDisconnect, RuntimeError, KeyError) as exc:
        await WebSocketLine(ws).refuse(f"bad Exotel handshake ({type(exc).__name__})")
        return
    line = ExotelLine(ws, start)
    admission = await admit_call(ws.app.state, carrier=line.carrier, call_sid=start.call_sid,
                                 from_phone=start.from_phone, to_phone=start.to_phone)
    if admission.refused != "busy" and not admission.created:  # a known call_sid: a replayed start gets nothing
        await line.refuse("start for a call already seen")
        return
    if admission.refused:  # a stranger, a PIN-less phone, a full process: told why, then closed
        await say_sorry(ws, start.stream_sid, REFUSAL_WORDS.get(admission.refused, SORRY), cfg.voice)
        await line.refuse(admission.refused)
        return
    ended_by = await serve_call(ws.app.state, cfg, StreamedCall(start.call_sid, start.stream_sid), line,
                                line.transport)
    if ended_by is None:  # refused by the core (two calls raced for the last slot): no sweep needs to find it
        async with ws.app.state.pool.acquire() as conn:
            await call_rows.finish_call(conn, call_sid=start.call_sid, status="refused", ended_reason="busy")
