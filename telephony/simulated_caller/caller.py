"""SimulatedCaller: places a call on a running Execora server exactly as Twilio would.

The signed voice webhook, the answer TwiML, then the Media Streams WebSocket:
`connected`, `start`, and a `media` message every 20 ms for the whole call
(speech synthesised by espeak-ng, low line noise in between, as a real line
never goes digitally silent), `dtmf`, marks echoed when their audio would have
finished playing (or at once on `clear`), and `stop`. The bot's audio is
collected on a playback timeline so latency and barge-in can be measured.

This module only wires the parts together and owns the socket's life:
`webhook` (the signed POST and its TwiML), `media_pump` (everything sent, in
real time), `timeline` (everything received, as it would play) and `report`
(the records and what `execora call` prints).

Hooks for end-to-end tests: `say`, `wait_for_reply`, `send_dtmf`, `send_raw`,
`hang_up_mid_sentence`, `hangup`, and the recorded `turns` / `events`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import websockets

from bot.voice.audio import mulaw_decode
from telephony.simulated_caller import protocol as tw
from telephony.simulated_caller import report
from telephony.simulated_caller.lines import TWILIO, LineProtocol
from telephony.simulated_caller.media_pump import MediaPump, speech_frames, trim_silence
from telephony.simulated_caller.options import DEFAULT_SHOP_NUMBER, DEMO_OWNER_NUMBER, CallerOptions
from telephony.simulated_caller.report import CallEvents, Turn
from telephony.simulated_caller.timeline import PlaybackTimeline
from telephony.simulated_caller.webhook import signing_url

__all__ = [
    "DEFAULT_SHOP_NUMBER",
    "DEMO_OWNER_NUMBER",
    "CallEvents",
    "CallerOptions",
    "SimulatedCaller",
    "Turn",
    "trim_silence",
]

log = logging.getLogger(__name__)


class SimulatedCaller:
    """One simulated phone call (use as `async with SimulatedCaller(opts) as call:`)."""

    # A subclass may listen differently (benchmarks count late bot audio).
    timeline_class: type[PlaybackTimeline] = PlaybackTimeline

    def __init__(
        self, options: CallerOptions | None = None, *, call_sid: str | None = None, line: LineProtocol = TWILIO
    ) -> None:
        self.options = options or CallerOptions()
        self.line = line
        self.call_sid = call_sid or line.new_call_sid()
        self.stream_sid = line.new_stream_sid()
        self.answer: tw.Answer | None = None
        self.events = CallEvents()
        self._ws: Any = None
        self._tasks: list[asyncio.Task[None]] = []
        self._closed = asyncio.Event()
        self.pump = MediaPump(
            self.stream_sid,
            self.events,
            self._closed,
            noise_rms=self.options.line_noise_rms,
            on_closed=self._mark_closed,
            on_speech_sent=self._speech_sent,
            line=line,
        )
        self.timeline = self.timeline_class(self.events, self.pump.send_mark_soon, line, self._answer_clear)

    @property
    def turns(self) -> list[Turn]:
        return self.timeline.turns

    # --- the webhook ---------------------------------------------------------

    def signing_url(self) -> str:
        return signing_url(self.options)

    async def place_call(self, *, signature: str | None = None, extra_form: dict[str, str] | None = None) -> tw.Answer:
        """POST the signed voice webhook and parse the TwiML answer (raises on HTTP errors)."""
        self.answer = await self.line.place_call(self.options, self.call_sid, signature, extra_form)
        return self.answer

    # --- the stream ----------------------------------------------------------

    async def connect(
        self,
        stream_url: str | None = None,
        *,
        send_start: bool = True,
        start_call_sid: str | None = None,
        custom_parameters: dict[str, str] | None = None,
    ) -> None:
        """Open the Media Streams WebSocket and start the line (`connected`, `start`, then media)."""
        if stream_url is None:
            if self.answer is None or not self.answer.stream_url:
                raise RuntimeError("the server's answer has no <Connect><Stream>")
            stream_url = self.answer.stream_url
        public_url = stream_url
        ws_url = tw.rewrite_stream_url(stream_url, self.options.server_url)
        headers = self.line.upgrade_headers(self.options, public_url)
        self._ws = await websockets.connect(ws_url, additional_headers=headers, max_size=2**22)
        self.pump.ws = self._ws
        self.timeline.open(time.monotonic())
        connected = self.line.connected()
        if connected is not None:
            await self.pump.send(connected)
        if send_start:
            params = dict(self.answer.parameters if self.answer else {})
            params.update(custom_parameters or {})
            await self.send_start(call_sid=start_call_sid, custom_parameters=params)
        self.timeline.begin_greeting()
        self._tasks = [
            asyncio.create_task(self._reader(), name="caller-reader"),
            asyncio.create_task(self.pump.run(), name="caller-line"),
        ]

    async def send_start(self, *, call_sid: str | None = None, custom_parameters: dict[str, str] | None = None) -> None:
        await self.pump.send_start(call_sid or self.call_sid, self.options, custom_parameters or {})

    async def __aenter__(self) -> SimulatedCaller:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.hangup()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def now(self) -> float:
        """Seconds since the stream opened."""
        return self.timeline.now()

    def _mark_closed(self, code: int | None) -> None:
        if not self._closed.is_set():
            self.events.close_code = code
            self.events.closed_at = self.now()
            self._closed.set()
            self.pump.drop_speech()

    def _answer_clear(self) -> None:
        reply = self.line.after_clear(self.stream_sid, self.pump.next_seq())
        if reply is not None:
            self.pump.send_soon(reply)

    def _speech_sent(self, at: float) -> None:
        self.timeline.speech_ended(at)

    async def _reader(self) -> None:
        try:
            async for raw in self._ws:
                if isinstance(raw, bytes):
                    self.events.unknown.append("<binary>")
                    continue
                self.timeline.receive(raw)
            self._mark_closed(getattr(self._ws, "close_code", None))
        except websockets.ConnectionClosed as exc:
            self._mark_closed(exc.rcvd.code if exc.rcvd else None)

    # --- speaking ------------------------------------------------------------

    def speech_frames(self, text: str, voice: str | None = None, rate_wpm: int | None = None) -> list[bytes]:
        """`text` as espeak-ng would say it down a phone line, cut into 20 ms mu-law frames."""
        return speech_frames(text, voice or self.options.voice, rate_wpm or self.options.rate_wpm)

    async def say(
        self,
        text: str,
        *,
        voice: str | None = None,
        rate_wpm: int | None = None,
        frames: list[bytes] | None = None,
        wait: bool = True,
    ) -> Turn:
        """Speak `text` in real time; a new turn starts. Returns when the last frame has been sent."""
        await self.pump.wait_speech_sent()
        frames = frames if frames is not None else await asyncio.to_thread(self.speech_frames, text, voice, rate_wpm)
        turn = self.timeline.begin_turn(text)
        self.pump.queue_speech(frames)
        if wait:
            await self.pump.wait_speech_sent()
        return turn

    async def wait_for_reply(self, turn: Turn | None = None, timeout_s: float = 10.0, quiet_s: float = 0.9) -> Turn:
        """Wait for the bot's reply to `turn` (default: the latest) to start and then go quiet."""
        turn = turn or self.turns[-1]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while loop.time() < deadline and not self._closed.is_set():
            if turn.last_audio_at is not None:
                heard_until = max(turn.last_audio_at, self.timeline.play_end)
                if time.monotonic() - heard_until >= quiet_s:
                    break
            await asyncio.sleep(0.05)
        return turn

    async def wait_for_greeting(self, timeout_s: float = 10.0) -> Turn:
        return await self.wait_for_reply(self.turns[0], timeout_s=timeout_s)

    async def send_dtmf(self, digits: str, gap_s: float = 0.2) -> None:
        await self.pump.send_dtmf(digits, gap_s)

    async def send_raw(self, message: str | bytes) -> None:
        """Send anything (malformed JSON, unknown events, oversized frames) to test the server's guard."""
        await self.pump.send(message)

    async def pause(self, seconds: float) -> None:
        """Line noise for `seconds` (the line keeps sending frames on its own)."""
        await asyncio.sleep(seconds)

    async def hang_up_mid_sentence(self, text: str, fraction: float = 0.5, send_stop: bool = True) -> Turn:
        """Start saying `text` and hang up after `fraction` of it, like a dropped call."""
        frames = await asyncio.to_thread(self.speech_frames, text, None, None)
        cut = max(1, int(len(frames) * fraction))
        turn = await self.say(text, frames=frames[:cut])
        turn.cut = True
        await self.hangup(send_stop=send_stop)
        return turn

    async def wait_closed(self, timeout_s: float = 10.0) -> int | None:
        """Wait for the server to close the stream; returns the close code (None on timeout)."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._closed.wait(), timeout_s)
        return self.events.close_code

    async def hangup(self, send_stop: bool = True) -> None:
        """End the call: `stop` then close, as Twilio does when the caller hangs up."""
        if self._ws is None:
            return
        if send_stop and not self._closed.is_set():
            await self.pump.send_stop(self.call_sid, self.options)
        if not self._closed.is_set():
            self._mark_closed(1000)
        with contextlib.suppress(Exception):
            await self._ws.close()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        self.timeline.cancel_marks()

    # --- results -------------------------------------------------------------

    def bot_audio_pcm(self) -> bytes:
        """Everything the bot said, on the call's timeline (int16, 8 kHz)."""
        return mulaw_decode(bytes(self.timeline.bot_track))

    def write_wav(self, path: Path | str, both_sides: bool = False) -> None:
        """The bot's audio as a WAV (or a stereo WAV: caller left, bot right)."""
        caller = bytes(self.pump.caller_track) if both_sides else None
        report.write_call_wav(path, bytes(self.timeline.bot_track), caller)

    async def fetch_server_turns(self) -> list[dict[str, Any]] | None:
        """The server's record of this call's turns (GET /api/calls/{call_sid}); None if unavailable."""
        return await report.fetch_server_turns(self.options, self.call_sid)

    def report_lines(
        self, server_turns: list[dict[str, object]] | None, hear: Callable[[bytes], str] | None = None
    ) -> list[str]:
        """What `execora call` prints about this call (see `report.report_lines`)."""
        return report.report_lines(self.call_sid, self.turns, self.events, server_turns, hear)
