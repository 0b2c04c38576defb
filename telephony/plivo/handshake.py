"""Plivo's `start` message: the CallUUID and stream id of one Audio Stream."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from telephony.stream_handshake import HandshakeError, TextSource, read_start_message

_ID_RE = re.compile(r"^[A-Za-z0-9-]{8,64}$")


@dataclass(frozen=True)
class PlivoStart:
    call_uuid: str  # start.callId: the CallUUID the answer webhook saw
    stream_id: str
    account_id: str


def parse_start(message: dict[str, Any]) -> PlivoStart:
    """Validate a decoded `start`; raise HandshakeError when ids are missing or the audio is not 8 kHz mu-law."""
    start = message.get("start")
    if not isinstance(start, dict):
        raise HandshakeError("start without a start object")
    call_id, stream_id = start.get("callId"), start.get("streamId") or message.get("streamId")
    if not (isinstance(call_id, str) and _ID_RE.match(call_id)):
        raise HandshakeError("start without a proper callId")
    if not (isinstance(stream_id, str) and _ID_RE.match(stream_id)):
        raise HandshakeError("start without a proper streamId")
    fmt = start.get("mediaFormat") or {}
    if isinstance(fmt, dict):
        try:
            rate = int(str(fmt.get("sampleRate", 8000)))
        except ValueError as exc:
            raise HandshakeError("unreadable sample rate") from exc
        if rate != 8000 or str(fmt.get("encoding", "audio/x-mulaw")) != "audio/x-mulaw":
            raise HandshakeError("unsupported media format")
    return PlivoStart(call_uuid=call_id, stream_id=stream_id, account_id=str(start.get("accountId") or "")[:64])


async def read_start(source: TextSource, timeout_s: float = 5.0) -> PlivoStart:
    return parse_start(await read_start_message(source, timeout_s))
