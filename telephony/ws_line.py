"""A carrier line over a FastAPI WebSocket: refusing closes it with 1008 (policy violation).

Every WebSocket carrier (Twilio, Exotel, Plivo) refuses the same way; each
adds its own hang-up on top.
"""

from __future__ import annotations

from fastapi import WebSocket
from starlette.websockets import WebSocketState

from bot.call.logs import call_log

POLICY_VIOLATION = 1008
NORMAL_CLOSURE = 1000


async def close_ws(ws: WebSocket, code: int) -> None:
    """Close unless already gone (a close racing the peer's is not an error)."""
    if ws.client_state != WebSocketState.DISCONNECTED and ws.application_state != WebSocketState.DISCONNECTED:
        try:
            await ws.close(code=code)
        except RuntimeError:
            pass


class WebSocketLine:
    """Refusal and a close-the-socket hang-up; a carrier subclass names itself in `carrier`."""

    carrier = "websocket"

    def __init__(self, ws: WebSocket, call_sid: str = "") -> None:
        self.ws = ws
        self.call_sid = call_sid

    async def refuse(self, why: str) -> None:
        call_log(__name__, self.call_sid).warning("%s stream refused: %s", self.carrier, why)
        await close_ws(self.ws, POLICY_VIOLATION)

    async def hang_up(self) -> None:
        await close_ws(self.ws, NORMAL_CLOSURE)
