"""A refused Exotel caller hears why before the stream closes (Exotel has no `<Say>` to answer with).

The sorry is synthesised with the embedded voice (espeak-ng, off the event
loop), sent as Exotel media chunks at twice real time, followed by a `mark`;
the stream closes when Exotel says the mark has played (or after the
audio's length plus a little, if it never does).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import time

from fastapi import WebSocket
from starlette.websockets import WebSocketDisconnect

from bot.voice import espeak
from bot.voice.audio import PHONE_RATE, resample
from bot.voice.config import VoiceConfig
from telephony.exotel.serializer import MIN_CHUNK_BYTES, exotel_chunk

MARK = "refusal-played"


def sorry_pcm(message: str, voice: VoiceConfig | None) -> bytes:
    """`message` as 16-bit 8 kHz PCM in the shop's embedded English voice (blocking: run in a thread)."""
    voice = voice or VoiceConfig()
    utt = espeak.synthesize(message, voice.embedded_voice_en, voice.embedded_rate_wpm)
    return resample(utt.pcm, utt.sample_rate, PHONE_RATE)


async def say_sorry(ws: WebSocket, stream_sid: str, message: str, voice: VoiceConfig | None) -> None:
    """Play `message` down the stream, then wait for its mark (bounded); the caller closes the socket."""
    pcm = await asyncio.to_thread(sorry_pcm, message, voice)
    seconds = len(pcm) / (2 * PHONE_RATE)
    for i in range(0, len(pcm), MIN_CHUNK_BYTES):
        payload = base64.b64encode(exotel_chunk(pcm[i : i + MIN_CHUNK_BYTES])).decode("ascii")
        await ws.send_text(json.dumps({"event": "media", "stream_sid": stream_sid, "media": {"payload": payload}}))
        await asyncio.sleep(MIN_CHUNK_BYTES / (2 * PHONE_RATE) / 2)
    await ws.send_text(json.dumps({"event": "mark", "stream_sid": stream_sid, "mark": {"name": MARK}}))
    deadline = time.monotonic() + seconds + 2.0
    with contextlib.suppress(TimeoutError, WebSocketDisconnect, RuntimeError):
        while (left := deadline - time.monotonic()) > 0:
            raw = await asyncio.wait_for(ws.receive_text(), timeout=left)
            if len(raw) > 64 * 1024:
                continue
            with contextlib.suppress(ValueError):
                msg = json.loads(raw)
                if isinstance(msg, dict) and msg.get("event") in ("mark", "stop"):
                    if msg.get("event") == "stop" or (msg.get("mark") or {}).get("name") == MARK:
                        return
