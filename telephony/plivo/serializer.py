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
import json
import logging

from pipecat.frames.frames import Frame
from pipecat.serializers.plivo import PlivoFrameSerializer

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 64 * 1024
KNOWN_EVENTS = {"connected", "start", "media", "dtmf", "stop", "playedStream", "clearedAudio"}


class GuardedPlivoFrameSerializer(PlivoFrameSerializer):
    """PlivoFrameSerializer with input limits; hang-up left to the stream endpoint."""

    def __init__(self, stream_id: str, call_id: str) -> None:
        super().__init__(
            stream_id=stream_id, call_id=call_id,
            params=PlivoFrameSerializer.InputParams(plivo_sample_rate=8000, sample_rate=8000, auto_hang_up=False),
        )
        self.ignored = 0
        self.stopped = False
        self.cleared = 0

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
        if event == "clearedAudio":
            self.cleared += 1
            return None
        if event in ("connected", "start", "playedStream"):
            return None
        if event == "media":
            media = message.get("media")
            if not isinstance(media, dict) or not isinstance(media.get("payload"), str):
                return self._ignore("media without payload")
            if media.get("track") not in (None, "inbound"):
                return None
        if event == "dtmf":
            dtmf = message.get("dtmf")
            if not isinstance(dtmf, dict) or not isinstance(dtmf.get("digit"), str):
                return self._ignore("dtmf without digit")
        try:
            return await super().deserialize(data)
        except (binascii.Error, ValueError, TypeError):  # bad base64: one frame lost, never the call
            return self._ignore("undecodable payload")

    def _ignore(self, why: str) -> Frame | None:
        self.ignored += 1
        log.debug("ignored Plivo message: %s", why)
        return None
