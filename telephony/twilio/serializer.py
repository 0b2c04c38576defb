"""A Twilio serializer that survives what a hostile or broken peer sends.

pipecat's TwilioFrameSerializer assumes well-formed messages (a bad base64
payload raises inside the transport's receive loop) and logs undecodable
messages whole. This subclass drops oversized, malformed and unknown messages
quietly (counted, logged at DEBUG without content) and keeps the call going.
"""

from __future__ import annotations

import logging

from pipecat.frames.frames import Frame
from pipecat.serializers.twilio import TwilioFrameSerializer

from telephony.stream_guard import StreamGuard

log = logging.getLogger(__name__)

KNOWN_EVENTS = {"media", "dtmf", "mark", "stop", "connected", "start"}


class GuardedTwilioFrameSerializer(StreamGuard, TwilioFrameSerializer):
    """TwilioFrameSerializer with input limits (telephony.stream_guard); counts what it ignored."""

    carrier = "Media Streams"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.ignored = 0
        self.stopped = False

    @property
    def hangup_attempted(self) -> bool:
        """Whether the serializer already asked Twilio to end the call (on End/Cancel)."""
        return bool(getattr(self, "_hangup_attempted", False))

    async def deserialize(self, data: str | bytes) -> Frame | None:
        message = self._checked(data, KNOWN_EVENTS)
        if message is None:
            return None
        event = message["event"]
        if event == "stop":
            self.stopped = True
            return None
        if event == "media" and message["media"].get("track") not in (None, "inbound", "inbound_track"):
            return None
        try:
            return await super().deserialize(data)
        except Exception:  # bad base64, odd sizes: one frame lost, never the call
            self._ignore("undecodable payload")
            return None

