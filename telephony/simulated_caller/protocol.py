"""Twilio's side of the wire, as the simulated caller speaks it.

Webhook signing, the answer TwiML, and the Media Streams messages Twilio
sends (connected, start, media, dtmf, mark, stop), kept as pure functions so
they can be unit-tested and reused by end-to-end tests.
"""

from __future__ import annotations

import base64
import json
import secrets
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

FRAME_MS = 20
FRAME_BYTES = 160  # 20 ms of 8 kHz mu-law
MULAW_SILENCE = b"\xff"


def sign_webhook(url: str, params: dict[str, str], auth_token: str) -> str:
    """X-Twilio-Signature for a form POST: the twilio package's own algorithm (HMAC-SHA1, base64)."""
    from twilio.request_validator import RequestValidator

    return str(RequestValidator(auth_token).compute_signature(url, params))


def new_call_sid() -> str:
    return "CA" + secrets.token_hex(16)


def new_stream_sid() -> str:
    return "MZ" + secrets.token_hex(16)


def voice_webhook_form(call_sid: str, account_sid: str, from_: str, to: str) -> dict[str, str]:
    """The form fields Twilio POSTs for an inbound call (the subset the server reads)."""
    return {
        "CallSid": call_sid,
        "AccountSid": account_sid,
        "From": from_,
        "To": to,
        "CallStatus": "ringing",
        "Direction": "inbound",
        "ApiVersion": "2010-04-01",
    }


@dataclass(frozen=True)
class Answer:
    """What the server's TwiML told Twilio to do."""

    stream_url: str | None
    parameters: dict[str, str] = field(default_factory=dict)
    says: tuple[str, ...] = ()
    hangs_up: bool = False
    gathers: bool = False
    raw: str = ""

    @property
    def connects(self) -> bool:
        return self.stream_url is not None


def parse_twiml(xml: str) -> Answer:
    """Read `<Connect><Stream url><Parameter/>` (and Say/Hangup/Gather for refusals)."""
    root = ET.fromstring(xml)
    stream = root.find("./Connect/Stream")
    params: dict[str, str] = {}
    url = None
    if stream is not None:
        url = stream.get("url")
        for p in stream.findall("Parameter"):
            name = p.get("name")
            if name is not None:
                params[name] = p.get("value", "")
    says = tuple((el.text or "").strip() for el in root.iter("Say"))
    return Answer(
        stream_url=url,
        parameters=params,
        says=says,
        hangs_up=root.find("Hangup") is not None,
        gathers=root.find(".//Gather") is not None,
        raw=xml,
    )


def rewrite_stream_url(stream_url: str, server_url: str) -> str:
    """Point the public wss:// stream URL at the server we are actually talking to."""
    stream, server = urlsplit(stream_url), urlsplit(server_url)
    scheme = "wss" if server.scheme == "https" else "ws"
    return urlunsplit((scheme, server.netloc, stream.path, stream.query, ""))


# --- Media Streams messages (what Twilio sends) ---------------------------------


def connected_message() -> str:
    return json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"})


def start_message(
    stream_sid: str, call_sid: str, account_sid: str, custom_parameters: dict[str, str], sequence: int = 1
) -> str:
    return json.dumps(
        {
            "event": "start",
            "sequenceNumber": str(sequence),
            "start": {
                "streamSid": stream_sid,
                "accountSid": account_sid,
                "callSid": call_sid,
                "tracks": ["inbound"],
                "customParameters": custom_parameters,
                "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
            },
            "streamSid": stream_sid,
        }
    )


def media_message(stream_sid: str, sequence: int, chunk: int, timestamp_ms: int, payload: bytes) -> str:
    return json.dumps(
        {
            "event": "media",
            "sequenceNumber": str(sequence),
            "media": {
                "track": "inbound",
                "chunk": str(chunk),
                "timestamp": str(timestamp_ms),
                "payload": base64.b64encode(payload).decode("ascii"),
            },
            "streamSid": stream_sid,
        }
    )


def dtmf_message(stream_sid: str, sequence: int, digit: str) -> str:
    return json.dumps(
        {
            "event": "dtmf",
            "streamSid": stream_sid,
            "sequenceNumber": str(sequence),
            "dtmf": {"track": "inbound_track", "digit": digit},
        }
    )


def mark_message(stream_sid: str, sequence: int, name: str) -> str:
    return json.dumps(
        {"event": "mark", "sequenceNumber": str(sequence), "streamSid": stream_sid, "mark": {"name": name}}
    )


def stop_message(stream_sid: str, sequence: int, call_sid: str, account_sid: str) -> str:
    return json.dumps(
        {
            "event": "stop",
            "sequenceNumber": str(sequence),
            "streamSid": stream_sid,
            "stop": {"accountSid": account_sid, "callSid": call_sid},
        }
    )


def frames_20ms(mulaw: bytes) -> list[bytes]:
    """Cut mu-law audio into 160-byte frames, padding the last with mu-law silence."""
    frames = [mulaw[i : i + FRAME_BYTES] for i in range(0, len(mulaw), FRAME_BYTES)]
    if frames and len(frames[-1]) < FRAME_BYTES:
        frames[-1] = frames[-1] + MULAW_SILENCE * (FRAME_BYTES - len(frames[-1]))
    return frames


def decode_media_payload(message: dict[str, object]) -> bytes:
    """The mu-law bytes of a `media` message the server sent (empty if malformed)."""
    media = message.get("media")
    if not isinstance(media, dict):
        return b""
    payload = media.get("payload")
    if not isinstance(payload, str):
        return b""
    try:
        return base64.b64decode(payload, validate=False)
    except (ValueError, TypeError):
        return b""
