"""WS /plivo/stream/{token}: the Audio Stream socket of one answered Plivo call.

Off (404 on the upgrade) without Plivo credentials. Accepted only when the
token was minted for the CallUUID in Plivo's `start` (`start.callId`), is
unused and unexpired (consumed atomically in Postgres); anything else is
closed with 1008 before a recogniser, synthesiser or pipeline exists. The call
then runs through the shared call core; when it ends the call is deleted
through Plivo's REST API unless Plivo said it stopped.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, WebSocket
from pipecat.transports.websocket.fastapi import FastAPIWebsocketParams, FastAPIWebsocketTransport
from starlette.websockets import WebSocketDisconnect

from db import calls as call_rows
from telephony import stream_tokens as tokens
from telephony.call_core import StreamedCall, serve_call
from telephony.plivo.config import PlivoConfig
from telephony.plivo.handshake import PlivoStart, read_start
from telephony.plivo.rest import hang_up
from telephony.plivo.serializer import GuardedPlivoFrameSerializer
from telephony.stream_handshake import HandshakeError
from telephony.ws_line import WebSocketLine, close_ws, deny_upgrade

log = logging.getLogger(__name__)
router = APIRouter()


class PlivoLine(WebSocketLine):
    """Plivo's hang-up: close the socket, then DELETE the call (a `keepCallAlive` call outlives its socket)."""

    carrier = "plivo"

    def __init__(self, ws: WebSocket, cfg: PlivoConfig, start: PlivoStart) -> None:
        super().__init__(ws, start.call_uuid)
        self.cfg, self.start = cfg, start
        self.serializer: GuardedPlivoFrameSerializer | None = None

    async def hang_up(self) -> None:
        await close_ws(self.ws, 1000)
        if self.serializer is not None and self.serializer.stopped:
            return  # Plivo ended the call itself
        await hang_up(api_base_url=self.cfg.api_base_url, auth_id=self.cfg.auth_id, auth_token=self.cfg.auth_token,
                      call_uuid=self.start.call_uuid)

    def transport(self) -> FastAPIWebsocketTransport:
        self.serializer = GuardedPlivoFrameSerializer(stream_id=self.start.stream_id, call_id=self.start.call_uuid)
        return FastAPIWebsocketTransport(
            websocket=self.ws,
            params=FastAPIWebsocketParams(
                audio_in_enabled=True,
                audio_out_enabled=True,
                add_wav_header=False,
                serializer=self.serializer,
                audio_in_sample_rate=8000,
                audio_out_sample_rate=8000,
            ),
        )


async def authorise(ws: WebSocket, cfg: PlivoConfig, token: str) -> PlivoStart | None:
    """Read the handshake and check the token; None (socket closed with 1008) when refused."""
    refusal = WebSocketLine(ws)
    refusal.carrier = "plivo"
    if not tokens.looks_valid(token):
        await refusal.refuse("malformed token")
        return None
    try:
        start = await read_start(ws)
    except (HandshakeError, WebSocketDisconnect, RuntimeError, KeyError) as exc:
        await refusal.refuse(f"bad handshake ({type(exc).__name__})")
        return None
    refusal.call_sid = start.call_uuid
    if not tokens.matches(cfg.app_secret, token, start.call_uuid):
        await refusal.refuse("token not minted for this call")
        return None
    async with ws.app.state.pool.acquire() as conn:
        fresh = await call_rows.consume_stream_token(conn, token_hash=tokens.token_hash(token), call_sid=start.call_uuid)
    if not fresh:
        await refusal.refuse("token used or expired")
        return None
    return start


@router.websocket("/plivo/stream/{token}")
async def plivo_stream(ws: WebSocket, token: str) -> None:
    cfg: PlivoConfig | None = getattr(ws.app.state, "plivo", None)
    if cfg is None or not cfg.enabled:
        await deny_upgrade(ws, 404)
        return
    await ws.accept()
    start = await authorise(ws, cfg, token)
    if start is None:
        return
    line = PlivoLine(ws, cfg, start)
    await serve_call(ws.app.state, cfg, StreamedCall(start.call_uuid, start.stream_id), line, line.transport)
