"""Read a carrier's opening messages ourselves, before any pipeline: `connected` (optional), then `start`.

Every WebSocket carrier (Twilio, Exotel, Plivo) opens its media stream with a
JSON `start` naming the call; pipecat's serializers never read it. This loop
reads it with a deadline, a size limit and a message limit; each carrier's
handshake module validates the fields of its own `start`.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Protocol

MAX_HANDSHAKE_MESSAGE_BYTES = 16 * 1024
MAX_HANDSHAKE_MESSAGES = 4


class HandshakeError(Exception):
    """The peer did not open the stream the way its carrier does."""


class TextSource(Protocol):
    async def receive_text(self) -> str: ...


async def read_start_message(source: TextSource, timeout_s: float = 5.0) -> dict[str, Any]:
    """Consume `connected` (optional) then return the decoded `start`; anything else first is a refusal."""

    async def _read() -> dict[str, Any]:
        for _ in range(MAX_HANDSHAKE_MESSAGES):
            raw = await source.receive_text()
            if len(raw) > MAX_HANDSHAKE_MESSAGE_BYTES:
                raise HandshakeError("oversized handshake message")
            try:
                message = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise HandshakeError("handshake message is not JSON") from exc
            if not isinstance(message, dict):
                raise HandshakeError("handshake message is not an object")
            event = message.get("event")
            if event == "connected":
                continue
            if event == "start":
                return message
            raise HandshakeError(f"unexpected event before start: {str(event)[:20]!r}")
        raise HandshakeError("no start message")

    try:
        return await asyncio.wait_for(_read(), timeout=timeout_s)
    except TimeoutError as exc:
        raise HandshakeError("timed out waiting for start") from exc
