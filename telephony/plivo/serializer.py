"""Plivo's Audio Stream messages on pipecat's PlivoFrameSerializer, hardened for a live line.

pipecat's serializer turns media/dtmf into frames and audio/interruptions into
`playAudio` / `clearAudio`; its own hang-up (aiohttp to a fixed api.plivo.com
URL) is turned off: the stream endpoint hangs up through `telephony.plivo.rest`
(PLIVO_API_BASE_URL, testable). This subclass drops oversized, malformed and
unknown messages quietly (counted, logged at DEBUG without content), notes
`stop`, and takes Plivo's answers to our commands (`playedStream`,
`clearedAudio`) without a frame.
"""

from __future__ import annotations

import binascii
import logging

from pipecat.frames.frames import Frame
from pipecat.serializers.plivo import PlivoFrameSerializer

from telephony.stream_guard import StreamGuard

log = logging.getLogger(__name__)

KNOWN_EVENTS = {"connected", "start", "media", "dtmf", "stop", "playedStream", "clearedAudio"}


class GuardedPlivoFrameSerializer(StreamGuard, PlivoFrameSerializer):
    """PlivoFrameSerializer with input limits (telephony.stream_guard); hang-up left to the stream endpoint."""

    carrier = "Plivo"

    def __init__(self, stream_id: str, call_id: str) -> None:
        super().__init__(
            stream_id=stream_id, call_id=call_id,
            params=PlivoFrameSerializer.InputParams(plivo_sample_rate=8000, sample_rate=8000, auto_hang_up=False),
        )
        self.ignored = 0
        self.stopped = False
        self.cleared = 0

    async def deserialize(self, data: str | bytes) -> Frame | None:
        message = self._checked(data, KNOWN_EVENTS)
        if message is None:
            return None
        event = message["event"]
        if event == "stop":
            self.stopped = True
            return None
        if event == "clearedAudio":
            self.cleared += 1
            return None
        if event in ("connected", "start", "playedStream"):
            return None
        if event == "media" and message["media"].get("track") not in (None, "inbound"):
            return None
        try:
            return await super().deserialize(data)
        except (binascii.Error, ValueError, TypeError):  # bad base64: one frame lost, never the call
            self._ignore("undecodable payload")
            return None

