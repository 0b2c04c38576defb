"""A Twilio serializer that survives what a hostile or broken peer sends.

pipecat's TwilioFrameSerializer assumes well-formed messages (a bad base64
payload raises inside the transport's receive loop) and logs undecodable
messages whole. This subclass drops oversized, malformed and unknown messages
quietly (counted, logged at DEBUG without content) and keeps the call going.
"""

from __future__ import annotations

import json
import logging

from pipecat.frames.frames import Frame
from pipecat.serializers.twilio import TwilioFrameSerializer

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 64 * 1024
KNOWN_EVENTS = {"media", "dtmf", "mark", "stop", "connected", "start"}


class GuardedTwilioFrameSerializer(TwilioFrameSerializer):
    """TwilioFrameSerializer with input limits; counts what it ignored."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.ignored = 0
        self.stopped = False

    @property
    def hangup_attempted(self) -> bool:
        """Whether the serializer already asked Twilio to end the call (on End/Cancel)."""
        return bool(getattr(self, "_hangup_attempted", False))

    async def deserialize(self, data: str | bytes) -> Frame | None:
        if isinstance(data, bytes | bytearray) or len(data) > MAX_MESSAGE_BYTES:
            return self._ignore("binary or oversized message")
        try:
            message = json.loads(data)
        except (json.JSONDecodeError, ValueError):
            return self._ignore("not JSON")
        if not isinstance(message, dict):
            return self._ignore("not an object")
        event = message.get("event")
        if event not in KNOWN_EVENTS:
            return self._ignore("unknown event")
        if event == "stop":
            self.stopped = True
            return None
        if event == "media":
            media = message.get("media")
            if not isinstance(media, dict) or not isinstance(media.get("payload"), str):
                return self._ignore("media without payload")
            track = media.get("track")
            if track not in (None, "inbound", "inbound_track"):
                return None
        if event == "dtmf":
            dtmf = message.get("dtmf")
            if not isinstance(dtmf, dict) or not isinstance(dtmf.get("digit"), str):
                return self._ignore("dtmf without digit")
        try:
            return await super().deserialize(data)
        except Exception:  # bad base64, odd sizes: one frame lost, never the call
            return self._ignore("undecodable payload")

    def _ignore(self, why: str) -> Frame | None:
        self.ignored += 1
        log.debug("ignored Media Streams message: %s", why)
        return None
