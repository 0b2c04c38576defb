"""The checks every carrier's media-stream serializer makes before pipecat's own parser sees a
message: text only and at most 64 KiB, a JSON object, a known event, media with a payload and DTMF
with a digit. Anything else is counted and dropped (one message lost, never the call).

Twilio, Exotel and Plivo send the same shapes (`event`, `media.payload`, `dtmf.digit`); each
serializer keeps only what differs: its events, tracks and output.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection
from typing import Any

MAX_MESSAGE_BYTES = 64 * 1024


def check_message(data: str | bytes, known_events: Collection[str]) -> tuple[dict[str, Any] | None, str]:
    """(the message, "") when it passes the checks, else (None, why it was dropped)."""
    if isinstance(data, bytes | bytearray) or len(data) > MAX_MESSAGE_BYTES:
        return None, "binary or oversized message"
    try:
        message = json.loads(data)
    except (json.JSONDecodeError, ValueError):
        return None, "not JSON"
    if not isinstance(message, dict):
        return None, "not an object"
    event = message.get("event")
    if event not in known_events:
        return None, "unknown event"
    if event == "media":
        media = message.get("media")
        if not isinstance(media, dict) or not isinstance(media.get("payload"), str):
            return None, "media without payload"
    if event == "dtmf":
        dtmf = message.get("dtmf")
        if not isinstance(dtmf, dict) or not isinstance(dtmf.get("digit"), str):
            return None, "dtmf without digit"
    return message, ""


class StreamGuard:
    """Counters and the shared checks (a mixin of the carriers' serializers)."""

    carrier = "media stream"
    ignored: int = 0
    stopped: bool = False

    def _checked(self, data: str | bytes, known_events: Collection[str]) -> dict[str, Any] | None:
        """The message when it passes `check_message`, else None (counted and logged)."""
        message, why = check_message(data, known_events)
        if message is None:
            self._ignore(why)
        return message

    def _ignore(self, why: str) -> None:
        self.ignored += 1
        logging.getLogger(type(self).__module__).debug("ignored %s message: %s", self.carrier, why)
