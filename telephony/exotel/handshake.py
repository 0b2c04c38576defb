"""Exotel's `start` message: the ids, the caller and the media format of one Voicebot stream."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from telephony.stream_handshake import HandshakeError, TextSource, read_start_message

_ID_RE = re.compile(r"^[A-Za-z0-9_-]{6,64}$")


@dataclass(frozen=True)
class ExotelStart:
    """The fields of Exotel's `start` we rely on; the caller is `from`."""

    stream_sid: str
    call_sid: str
    account_sid: str
    from_phone: str
    to_phone: str
    custom_parameters: dict[str, str] = field(default_factory=dict)


def parse_start(message: dict[str, Any]) -> ExotelStart:
    """Validate a decoded `start`; raise HandshakeError when fields are missing or the audio is not 8 kHz PCM."""
    start = message.get("start")
    if not isinstance(start, dict):
        raise HandshakeError("start without a start object")
    stream_sid = start.get("stream_sid") or message.get("stream_sid")
    call_sid = start.get("call_sid")
    if not (isinstance(stream_sid, str) and _ID_RE.match(stream_sid)):
        raise HandshakeError("start without a proper stream_sid")
    if not (isinstance(call_sid, str) and _ID_RE.match(call_sid)):
        raise HandshakeError("start without a proper call_sid")
    fmt = start.get("media_format") or {}
    if isinstance(fmt, dict):
        try:
            rate = int(str(fmt.get("sample_rate", 8000)))
        except ValueError as exc:
            raise HandshakeError("unreadable sample rate") from exc
        if rate != 8000 or str(fmt.get("encoding", "base64")) not in ("base64", "raw/slin", "slin"):
            raise HandshakeError("unsupported media format")
    params = start.get("custom_parameters") or {}
    return ExotelStart(
        stream_sid=stream_sid,
        call_sid=call_sid,
        account_sid=str(start.get("account_sid") or "")[:64],
        from_phone=str(start.get("from") or "")[:32],
        to_phone=str(start.get("to") or "")[:32],
        custom_parameters={str(k)[:64]: str(v)[:256] for k, v in params.items()} if isinstance(params, dict) else {},
    )


async def read_start(source: TextSource, timeout_s: float = 5.0) -> ExotelStart:
    """`connected` (optional) then `start`, read before any pipeline exists."""
    return parse_start(await read_start_message(source, timeout_s))
