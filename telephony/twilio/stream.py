"""WS /twilio/stream/{token}: the Media Streams socket of one answered call.

Accepted only when the token was minted for the CallSid in Twilio's `start`
message, is unused and unexpired (checked in Postgres, consumed atomically), and
the call is one we answered through the signed webhook. Anything else is closed
with 1008 before a recogniser, synthesiser or pipeline exists. Then the call
runs through the shared call core (`telephony.call_core.serve_call`).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, WebSocket
from pipecat.serializers.twilio import TwilioFrameSerializer
from pipecat.transports.websocket.fastapi import FastAPIWebsocketParams, FastAPIWebsocketTransport
from starlette.websockets import WebSocketDisconnect

from db import calls as call_rows
from telephony import stream_tokens as tokens
from telephony.call_core import StreamedCall, serve_call
from telephony.twilio.config import TwilioConfig
from telephony.twilio.handshake import HandshakeError, StreamStart, read_start
from telephony.twilio.rest import hang_up
from telephony.twilio.serializer import GuardedTwilioFrameSerializer
from telephony.twilio.signature import is_valid_signature
from telephony.ws_line import WebSocketLine

log = logging.getLogger(__name__)
router = APIRouter()


class TwilioLine(WebSocketLine):
    """Twilio's hang-up: the serializer's own on End/Cancel, else one REST call (unless Twilio said stop)."""

    carrier = "twilio"

    def __init__(self, ws: WebSocket, cfg: TwilioConfig, start: StreamStart) -> None:
        super().__init__(ws, start.call_sid)
        self.cfg, self.start = cfg, start
        self.serializer: GuardedTwilioFrameSerializer | None = None

    async def hang_up(self) -> None:
        # The socket may have dropped before the serializer could hang up: a
        # caller must never be left on an open line (unless Twilio said the call stopped).
        if self.serializer is None or not (self.serializer.hangup_attempted or self.serializer.stopped):
            await hang_up(api_base_url=self.cfg.api_base_url, account_sid=self.cfg.account_sid or self.start.account_sid,
                          auth_token=self.cfg.auth_token, call_sid=self.start.call_sid)

    def transport(self) -> FastAPIWebsocketTransport:
        transport, self.serializer = make_transport(self.ws, self.cfg, self.start)
        return transport


async def _refuse(ws: WebSocket, why: str, call_sid: str = "") -> None:
    await WebSocketLine(ws, call_sid).refuse(why)


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
    line = TwilioLine(ws, cfg, start)
    await serve_call(ws.app.state, cfg, StreamedCall(start.call_sid, start.stream_sid), line, line.transport)
