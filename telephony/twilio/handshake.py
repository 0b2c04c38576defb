"""Read Twilio's `connected` and `start` messages ourselves, before any pipeline.

pipecat's TwilioFrameSerializer never reads `start` (it takes the stream and
call SIDs in its constructor), so the stream endpoint reads them here, with a
deadline and a size limit (`telephony.stream_handshake`), and refuses anything that is not a proper start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telephony.stream_handshake import HandshakeError, TextSource, read_start_message

__all__ = ["HandshakeError", "StreamStart", "parse_start", "read_start"]


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
    return parse_start(await read_start_message(source, timeout_s))
