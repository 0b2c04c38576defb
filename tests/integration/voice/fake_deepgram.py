"""A local fake of Deepgram's live transcription WebSocket (`/v1/listen`), from its public docs.

What it does, as Deepgram does:
- takes the options as query parameters (model, language, encoding,
  sample_rate, channels, repeated `keyterm`) and the key as
  `Authorization: Token <key>`; refuses a missing key with HTTP 401;
- reads binary audio, and JSON control messages `KeepAlive`, `Finalize`,
  `CloseStream`;
- on `Finalize` after some audio, answers with the next scripted `Results`
  message (`is_final`, `speech_final`, `from_finalize`, and
  `channel.alternatives[0]` with `transcript`, `confidence`, `words[]`);
- on `CloseStream`, sends `Metadata` and closes.

Each connection's query and audio count are kept for the test to check.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import websockets
from websockets.asyncio.server import ServerConnection
from websockets.http11 import Request, Response


@dataclass(frozen=True)
class Said:
    """One scripted final result: the transcript and each word's confidence (same order)."""

    transcript: str
    confidence: float
    word_confidences: tuple[float, ...]


@dataclass
class Session:
    """One connection as the fake saw it."""

    path: str
    query: dict[str, list[str]]
    authorization: str
    audio_bytes: int = 0
    controls: list[str] = field(default_factory=list)
    answered: int = 0


@dataclass
class FakeDeepgram:
    script: list[Said]
    port: int = 0
    sessions: list[Session] = field(default_factory=list)
    _next: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _check_request(self, conn: ServerConnection, request: Request) -> Response | None:
        if not request.headers.get("Authorization", "").startswith("Token "):
            return conn.respond(401, "missing Authorization: Token <key>\n")
        if urlsplit(request.path).path != "/v1/listen":
            return conn.respond(404, "not found\n")
        return None

    async def handle(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        parts = urlsplit(ws.request.path)
        session = Session(parts.path, parse_qs(parts.query), ws.request.headers.get("Authorization", ""))
        self.sessions.append(session)
        request_id = str(uuid.uuid4())
        heard_since_final = 0
        start = 0.0
        async for message in ws:
            if isinstance(message, bytes):
                session.audio_bytes += len(message)
                heard_since_final += len(message)
                continue
            control = json.loads(message).get("type", "")
            session.controls.append(control)
            if control == "Finalize" and heard_since_final and self._next < len(self.script):
                said = self.script[self._next]
                self._next += 1
                rate = int(session.query.get("sample_rate", ["8000"])[0])
                duration = heard_since_final / 2 / rate
                await ws.send(json.dumps(results(said, request_id, start, duration)))
                session.answered += 1
                start += duration
                heard_since_final = 0
            elif control == "CloseStream":
                await ws.send(json.dumps(metadata(request_id, start)))
                await ws.close()
                return


def results(said: Said, request_id: str, start: float, duration: float) -> dict[str, Any]:
    """A final `Results` message as Deepgram sends it."""
    words = said.transcript.split()
    assert len(words) == len(said.word_confidences), "one confidence per word"
    step = duration / max(1, len(words))
    return {
        "type": "Results",
        "channel_index": [0, 1],
        "duration": duration,
        "start": start,
        "is_final": True,
        "speech_final": True,
        "from_finalize": True,
        "channel": {
            "alternatives": [
                {
                    "transcript": said.transcript,
                    "confidence": said.confidence,
                    "words": [
                        {"word": w.lower(), "start": start + i * step, "end": start + (i + 1) * step,
                         "confidence": c, "punctuated_word": w}
                        for i, (w, c) in enumerate(zip(words, said.word_confidences, strict=True))
                    ],
                }
            ]
        },
        "metadata": {
            "request_id": request_id,
            "model_info": {"name": "general-nova-3", "version": "2025-01-01.0", "arch": "nova-3"},
            "model_uuid": str(uuid.uuid4()),
        },
    }


def metadata(request_id: str, duration: float) -> dict[str, Any]:
    return {
        "type": "Metadata",
        "transaction_key": "deprecated",
        "request_id": request_id,
        "sha256": "0" * 64,
        "created": "2025-01-01T00:00:00.000Z",
        "duration": duration,
        "channels": 1,
    }


@asynccontextmanager
async def fake_deepgram(script: list[Said]) -> AsyncIterator[FakeDeepgram]:
    fake = FakeDeepgram(script=list(script))
    async with websockets.serve(fake.handle, "127.0.0.1", 0, process_request=fake._check_request) as server:
        fake.port = server.sockets[0].getsockname()[1]
        yield fake
