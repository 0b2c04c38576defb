"""A carrier line over a FastAPI WebSocket: refusing closes it with 1008 (policy violation).

Every WebSocket carrier (Twilio, Exotel, Plivo) refuses the same way; each
adds its own hang-up on top.
"""

from __future__ import annotations

from fastapi import Response, WebSocket
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


async def deny_upgrade(ws: WebSocket, status: int, headers: dict[str, str] | None = None) -> None:
    """Answer the upgrade with a plain HTTP status (404 off, 401 bad credential); the socket is never accepted."""
    try:
        await ws.send_denial_response(Response(status_code=status, headers=headers))
    except RuntimeError:  # a server without the denial extension: closing before accept is a 403
        await ws.close(code=POLICY_VIOLATION)


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
