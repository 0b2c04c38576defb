"""Exotel's side of the wire, as the simulated caller speaks it (Voicebot applet, bidirectional).

Written from Exotel's public AgentStream / Voicebot documentation, not from
our serializer: `connected`, `start` (stream_sid, call_sid, account_sid, from,
to, custom_parameters, media_format), `media` (chunk, timestamp, base64 raw
16-bit little-endian 8 kHz PCM), `dtmf` (digit, duration), `mark` (a mark we
were sent whose audio has played) and `stop` (reason). The applet URL's
`wss://USER:PASSWORD@host/path` arrives as `Authorization: Basic`.
"""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any


def new_call_sid() -> str:
    return secrets.token_hex(16)  # Exotel CallSids are 32 hex characters


def new_stream_sid() -> str:
    return secrets.token_hex(16)


def basic_auth(user: str, password: str) -> str:
    """The header a `wss://USER:PASSWORD@host` URL becomes on the upgrade."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def wire_number(e164: str) -> str:
    """How Exotel writes an Indian number in `from`/`to`: a leading 0 and the ten digits."""
    digits = e164.lstrip("+")
    return "0" + digits[2:] if digits.startswith("91") and len(digits) == 12 else digits


def connected_message() -> str:
    return json.dumps({"event": "connected"})


def start_message(
    stream_sid: str, call_sid: str, account_sid: str, from_: str, to: str, custom_parameters: dict[str, str],
    sequence: int,
) -> str:
    return json.dumps({
        "event": "start",
        "sequence_number": sequence,
        "stream_sid": stream_sid,
        "start": {
            "stream_sid": stream_sid,
            "call_sid": call_sid,
            "account_sid": account_sid,
            "from": wire_number(from_),
            "to": wire_number(to),
            "custom_parameters": custom_parameters,
            "media_format": {"encoding": "base64", "sample_rate": "8000", "bit_rate": "128kbps"},
        },
    })


def media_message(stream_sid: str, sequence: int, chunk: int, timestamp_ms: int, pcm16: bytes) -> str:
    return json.dumps({
        "event": "media",
        "sequence_number": sequence,
        "stream_sid": stream_sid,
        "media": {"chunk": chunk, "timestamp": str(timestamp_ms), "payload": base64.b64encode(pcm16).decode("ascii")},
    })


def dtmf_message(stream_sid: str, sequence: int, digit: str) -> str:
    return json.dumps({
        "event": "dtmf", "sequence_number": sequence, "stream_sid": stream_sid,
        "dtmf": {"digit": digit, "duration": "200"},
    })


def mark_message(stream_sid: str, sequence: int, name: str) -> str:
    return json.dumps({"event": "mark", "sequence_number": sequence, "stream_sid": stream_sid, "mark": {"name": name}})


def stop_message(stream_sid: str, sequence: int, call_sid: str, account_sid: str) -> str:
    return json.dumps({
        "event": "stop", "sequence_number": sequence, "stream_sid": stream_sid,
        "stop": {"call_sid": call_sid, "account_sid": account_sid, "reason": "callended"},
    })


def decode_media_payload(message: dict[str, Any]) -> bytes:
    """The 16-bit PCM of a `media` message the bot sent (empty if malformed)."""
    media = message.get("media")
    payload = media.get("payload") if isinstance(media, dict) else None
    if not isinstance(payload, str):
        return b""
    try:
        return base64.b64decode(payload, validate=False)
    except (ValueError, TypeError):
        return b""
