"""What a simulated call recorded, and the report `execora call` prints from it.

The media pump and the playback timeline both write into these records while
the call runs; the report only reads them afterwards (plus the server's own
record of the turns), so it can be rendered, written to a WAV or asserted on
without touching the socket.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from bot.voice.audio import PHONE_RATE, mulaw_decode, write_wav
from telephony.simulated_caller.options import CallerOptions


@dataclass
class Turn:
    """One thing the caller said and what came back."""

    said: str
    started_at: float
    ended_at: float | None = None
    first_audio_at: float | None = None
    last_audio_at: float | None = None
    reply_mulaw: bytearray = field(default_factory=bytearray)
    clears: int = 0
    cut: bool = False  # the caller hung up before finishing the sentence
    heard: str | None = None  # the simulated caller's own recognition of the reply
    server: dict[str, Any] | None = None  # the server's record of this turn, when fetched

    @property
    def latency_s(self) -> float | None:
        """End of the caller's speech to the bot's first audio."""
        if self.ended_at is None or self.first_audio_at is None:
            return None
        return self.first_audio_at - self.ended_at

    @property
    def reply_pcm(self) -> bytes:
        return mulaw_decode(bytes(self.reply_mulaw))

    @property
    def reply_seconds(self) -> float:
        return len(self.reply_mulaw) / PHONE_RATE


@dataclass
class CallEvents:
    """Everything that is not speech: what the server sent and when the line closed."""

    clears: list[float] = field(default_factory=list)
    marks_received: list[str] = field(default_factory=list)
    marks_echoed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    late_frames: int = 0
    frames_sent: int = 0
    close_code: int | None = None
    closed_at: float | None = None


def write_call_wav(path: Path | str, bot_mulaw: bytes, caller_mulaw: bytes | None = None) -> None:
    """The bot's audio as a WAV, or with `caller_mulaw` a stereo WAV: caller left, bot right."""
    bot = np.frombuffer(mulaw_decode(bot_mulaw), dtype=np.int16)
    if caller_mulaw is None:
        write_wav(path, bot.tobytes(), PHONE_RATE)
        return
    caller = np.frombuffer(mulaw_decode(caller_mulaw), dtype=np.int16)
    n = max(len(bot), len(caller))
    stereo = np.zeros((n, 2), dtype=np.int16)
    stereo[: len(caller), 0] = caller
    stereo[: len(bot), 1] = bot
    write_wav(path, stereo.tobytes(), PHONE_RATE, channels=2)


async def fetch_server_turns(options: CallerOptions, call_sid: str) -> list[dict[str, Any]] | None:
    """The server's record of this call's turns (GET /api/calls/{call_sid}); None if unavailable."""
    if not options.api_key:
        return None
    url = f"{options.server_url.rstrip('/')}/api/calls/{call_sid}"
    try:
        async with httpx.AsyncClient(timeout=5.0) as client:
            r = await client.get(url, headers={"Authorization": f"Bearer {options.api_key}"})
        if r.status_code != 200:
            return None
        body = r.json()
    except (httpx.HTTPError, ValueError):
        return None
    turns = body.get("turns") if isinstance(body, dict) else None
    return turns if isinstance(turns, list) else None


def spoken_server_turns(server_turns: list[dict[str, object]] | None) -> list[dict[str, object]]:
    """The server's turns that answer speech (its greeting and DTMF turns are not the caller's sentences)."""
    return [t for t in server_turns or [] if t.get("source", "speech") == "speech"]


def server_reply(server_turns: list[dict[str, object]], index: int) -> tuple[str | None, str | None]:
    """(what the server heard, what it replied) for the caller's index-th sentence."""
    if index >= len(server_turns):
        return None, None
    t = server_turns[index]
    heard = t.get("heard")
    for key in ("reply_text", "reply", "response"):
        if isinstance(t.get(key), str):
            return (str(heard) if isinstance(heard, str) else None), str(t[key])
    return None, None


def report_lines(
    call_sid: str,
    turns: list[Turn],
    events: CallEvents,
    server_turns: list[dict[str, object]] | None,
    hear: Callable[[bytes], str] | None = None,
) -> list[str]:
    """The call, turn by turn: what was said, what the server heard and logged, what the caller heard, latency.

    With `hear` (the caller's own recogniser) each reply's `Turn.heard` is filled in on the way.
    """
    lines = [f"call {call_sid}"]
    spoken_turns = [t for t in turns if t.said]
    spoken_server = spoken_server_turns(server_turns)
    greeting = turns[0] if turns else None
    if greeting is not None and greeting.reply_mulaw:
        heard = hear(greeting.reply_pcm) if hear is not None else ""
        first = f"{greeting.latency_s * 1000:.0f} ms after connect" if greeting.latency_s is not None else "n/a"
        lines.append(
            f"greeting  ({greeting.reply_seconds:.1f} s audio, first audio {first})"
            + (f": heard {heard!r}" if heard else "")
        )
    for i, turn in enumerate(spoken_turns, start=1):
        lines.append(f"[{i}] caller: {turn.said}" + ("  (hung up mid-sentence)" if turn.cut else ""))
        server_heard, logged = server_reply(spoken_server, i - 1)
        if server_heard is not None:
            lines.append(f"    server heard:     {server_heard}")
        if hear is not None and turn.reply_mulaw:
            turn.heard = hear(turn.reply_pcm)
        if logged is not None:
            lines.append(f"    bot (server log): {logged}")
        if turn.heard is not None:
            lines.append(f"    bot (heard):      {turn.heard or '(nothing recognised)'}")
        if not turn.reply_mulaw:
            lines.append("    bot: (no reply audio)")
        latency = f"{turn.latency_s * 1000:.0f} ms" if turn.latency_s is not None else "n/a"
        lines.append(
            f"    latency end of speech -> first bot audio: {latency}; "
            f"reply {turn.reply_seconds:.1f} s; clears {turn.clears}"
        )
    lines.append(
        f"frames sent {events.frames_sent} (late {events.late_frames}), clears {len(events.clears)}, "
        f"marks {len(events.marks_received)} (echoed {len(events.marks_echoed)}), close code {events.close_code}"
    )
    return lines
