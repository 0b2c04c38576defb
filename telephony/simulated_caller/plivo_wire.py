"""Plivo's side of the wire, as the simulated caller speaks it (Audio Stream, bidirectional).

Written from Plivo's public documentation, not from our serializer: the answer
URL's POST (CallUUID, From, To without "+", Direction, CallStatus) signed with
X-Plivo-Signature-V3 and its nonce (computed with the plivo SDK's own
`get_signature_v3`), the answer XML's `<Stream>` (its text is the URL), and
the stream's events: `start` (callId, streamId, accountId, tracks,
mediaFormat), `media` (track, timestamp, chunk, base64 8 kHz mu-law), `dtmf`,
`stop` in; `playAudio`, `checkpoint` (answered `playedStream` once played),
`clearAudio` (answered `clearedAudio`) from the bot.
"""

from __future__ import annotations

import base64
import json
import secrets
import uuid
import xml.etree.ElementTree as ET
from typing import Any


def new_call_uuid() -> str:
    return str(uuid.uuid4())


def new_stream_id() -> str:
    return str(uuid.uuid4())


def wire_number(e164: str) -> str:
    return e164.lstrip("+")


def answer_form(call_uuid: str, auth_id: str, from_: str, to: str) -> dict[str, str]:
    """The fields Plivo POSTs to the answer URL for an inbound call (the subset the server reads)."""
    return {
        "CallUUID": call_uuid, "From": wire_number(from_), "To": wire_number(to), "Direction": "inbound",
        "CallStatus": "ringing", "Event": "StartApp", "ParentAuthID": auth_id,
    }


def sign_v3(url: str, params: dict[str, str], auth_token: str, nonce: str | None = None) -> tuple[str, str]:
    """(X-Plivo-Signature-V3, X-Plivo-Signature-V3-Nonce) for a POST to `url` with `params`."""
    from plivo.utils.signature_v3 import construct_post_url, get_signature_v3

    nonce = nonce or secrets.token_hex(10)
    base = construct_post_url(url, dict(params)).decode("utf-8")
    signature = get_signature_v3(auth_token.encode(), base, nonce.encode())
    return signature.decode("ascii"), nonce


def stream_url_of(answer_xml: str) -> str | None:
    """The `<Stream>` element's text (the wss URL), if the answer streams."""
    stream = ET.fromstring(answer_xml).find("Stream")
    return (stream.text or "").strip() if stream is not None else None


def speaks_of(answer_xml: str) -> tuple[str, ...]:
    """What the answer's `<Speak>` elements say (a refusal's sorry)."""
    return tuple((el.text or "").strip() for el in ET.fromstring(answer_xml).iter("Speak"))


def start_message(stream_id: str, call_uuid: str, auth_id: str, sequence: int) -> str:
    return json.dumps({
        "event": "start",
        "sequenceNumber": sequence,
        "start": {
            "callId": call_uuid, "streamId": stream_id, "accountId": auth_id, "tracks": ["inbound"],
            "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000},
        },
    })


def media_message(stream_id: str, sequence: int, chunk: int, timestamp_ms: int, mulaw: bytes) -> str:
    return json.dumps({
        "event": "media",
        "sequenceNumber": sequence,
        "streamId": stream_id,
        "media": {"track": "inbound", "timestamp": str(timestamp_ms), "chunk": chunk,
                  "payload": base64.b64encode(mulaw).decode("ascii")},
    })


def dtmf_message(stream_id: str, sequence: int, digit: str) -> str:
    return json.dumps({
        "event": "dtmf", "sequenceNumber": sequence, "streamId": stream_id,
        "dtmf": {"track": "inbound", "digit": digit, "timestamp": "0"},
    })


def played_stream_message(stream_id: str, sequence: int, name: str) -> str:
    return json.dumps({"event": "playedStream", "sequenceNumber": sequence, "streamId": stream_id, "name": name})


def cleared_audio_message(stream_id: str, sequence: int) -> str:
    return json.dumps({"event": "clearedAudio", "sequenceNumber": sequence, "streamId": stream_id})


def stop_message(stream_id: str, sequence: int, call_uuid: str) -> str:
    return json.dumps({"event": "stop", "sequenceNumber": sequence, "streamId": stream_id,
                       "stop": {"callId": call_uuid}})


def decode_play_audio(message: dict[str, Any]) -> bytes:
    """The mu-law bytes of a `playAudio` the bot sent (empty if malformed or not 8 kHz mu-law)."""
    media = message.get("media")
    if not isinstance(media, dict) or media.get("contentType") != "audio/x-mulaw":
        return b""
    payload = media.get("payload")
    if not isinstance(payload, str):
        return b""
    try:
        return base64.b64decode(payload, validate=False)
    except (ValueError, TypeError):
        return b""
