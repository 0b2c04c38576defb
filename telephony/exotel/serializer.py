"""Exotel's Voicebot messages, on pipecat's ExotelFrameSerializer, with the carrier's rules.

pipecat's serializer handles media, dtmf and clear; this subclass adds what a
live line needs: oversized, malformed and unknown messages are dropped quietly
(counted, logged at DEBUG without content) instead of raising in the receive
loop; `stop` is noted (Exotel ended the call); `mark` echoes are accepted; and
outgoing media obeys Exotel's chunk rule (at least 3,200 bytes, a multiple of
320: whole 20 ms frames of 16-bit 8 kHz PCM). The transport is built with
200 ms output chunks (`CHUNK_BYTES`), so the padding here is only a guard.
"""

from __future__ import annotations

import binascii
import logging

from pipecat.frames.frames import AudioRawFrame, Frame, OutputAudioRawFrame
from pipecat.serializers.exotel import ExotelFrameSerializer

from telephony.stream_guard import StreamGuard

log = logging.getLogger(__name__)

KNOWN_EVENTS = {"connected", "start", "media", "dtmf", "mark", "stop"}
FRAME_BYTES = 320  # 20 ms of 16-bit 8 kHz PCM: Exotel wants multiples of this
MIN_CHUNK_BYTES = 3200  # ... and at least 200 ms per media message
MAX_CHUNK_BYTES = 100_000
OUT_10MS_CHUNKS = MIN_CHUNK_BYTES // 160  # the transport's output chunk: 200 ms


def exotel_chunk(pcm: bytes) -> bytes:
    """`pcm` padded with silence to a chunk Exotel plays: >= 3,200 bytes and a multiple of 320."""
    size = max(MIN_CHUNK_BYTES, -(-len(pcm) // FRAME_BYTES) * FRAME_BYTES)
    return pcm + bytes(size - len(pcm))


class GuardedExotelFrameSerializer(StreamGuard, ExotelFrameSerializer):
    """ExotelFrameSerializer with input limits (telephony.stream_guard) and Exotel's output chunk sizes."""

    carrier = "Exotel"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.ignored = 0
        self.stopped = False
        self.marks_played = 0

    async def serialize(self, frame: Frame) -> str | bytes | None:
        if isinstance(frame, AudioRawFrame) and frame.audio:
            audio = frame.audio[:MAX_CHUNK_BYTES - FRAME_BYTES]
            sized = OutputAudioRawFrame(audio=exotel_chunk(audio), sample_rate=frame.sample_rate,
                                  num_channels=frame.num_channels)
            return await super().serialize(sized)
        return await super().serialize(frame)

    async def deserialize(self, data: str | bytes) -> Frame | None:
        message = self._checked(data, KNOWN_EVENTS)
        if message is None:
            return None
        event = message["event"]
        if event == "stop":
            self.stopped = True
            return None
        if event == "mark":
            self.marks_played += 1
            return None
        if event in ("connected", "start"):
            return None
        try:
            frame = await super().deserialize(data)
        except (binascii.Error, ValueError, TypeError):  # bad base64: one frame lost, never the call
            self._ignore("undecodable payload")
            return None
        if isinstance(frame, AudioRawFrame) and len(frame.audio) % 2:
            frame.audio = frame.audio[:-1]  # half a sample: the rest of the call still lines up
        return frame

