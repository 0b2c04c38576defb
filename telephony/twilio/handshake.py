"""Read Twilio's `connected` and `start` messages ourselves, before any pipeline.

pipecat's TwilioFrameSerializer never reads `start` (it takes the stream and
call SIDs in its constructor), so the stream endpoint reads them here, with a
deadline and a size limit, and refuses anything that is not a proper start.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any, Protocol

MAX_HANDSHAKE_MESSAGE_BYTES = 16 * 1024
MAX_HANDSHAKE_MESSAGES = 4


class HandshakeError(Exception):
    """The peer did not open the stream the way Twilio does."""


class TextSource(Protocol):
    async def receive_text(self) -> str: ...


@dataclass(frozen=True)
class StreamStart:
    """The fields of Twilio's `start` message we rely on."""

    stream_sid: str
    call_sid: str
    account_sid: str
    custom_parameters: dict[str, str] = field(default_factory=dict)
    media_format: dict[str, Any] = field(default_factory=dict)


def parse_start(message: dict[str, Any]) -> StreamStart:
    """Validate a decoded `start` message; raise HandshakeError when fields are missing."""
    start = message.get("start")
    if not isinstance(start, dict):
        raise HandshakeError("start without a start object")
    stream_sid = start.get("streamSid") or message.get("streamSid")
    call_sid = start.get("callSid")
    if not isinstance(stream_sid, str) or not isinstance(call_sid, str) or not stream_sid or not call_sid:
        raise HandshakeError("start without streamSid/callSid")
    params = start.get("customParameters") or {}
    if not isinstance(params, dict):
        params = {}
    fmt = start.get("mediaFormat") or {}
    if isinstance(fmt, dict):
        if fmt.get("encoding", "audio/x-mulaw") != "audio/x-mulaw" or int(fmt.get("sampleRate", 8000)) != 8000:
            raise HandshakeError("unsupported media format")
    return StreamStart(
        stream_sid=stream_sid,
        call_sid=call_sid,
        account_sid=str(start.get("accountSid") or ""),
        custom_parameters={str(k): str(v) for k, v in params.items()},
        media_format=fmt if isinstance(fmt, dict) else {},
    )


async def read_start(source: TextSource, timeout_s: float = 5.0) -> StreamStart:
    """Consume `connected` (optional) then `start`; anything else first is a refusal."""

    async def _read() -> StreamStart:
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
                return parse_start(message)
            raise HandshakeError(f"unexpected event before start: {str(event)[:20]!r}")
        raise HandshakeError("no start message")

    try:
        return await asyncio.wait_for(_read(), timeout=timeout_s)
    except TimeoutError as exc:
        raise HandshakeError("timed out waiting for start") from exc
