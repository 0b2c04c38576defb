"""SimulatedCaller: places a call on a running Execora server exactly as Twilio would.

The signed voice webhook, the answer TwiML, then the Media Streams WebSocket:
`connected`, `start`, and a `media` message every 20 ms for the whole call
(speech synthesised by espeak-ng, low line noise in between, as a real line
never goes digitally silent), `dtmf`, marks echoed when their audio would have
finished playing (or at once on `clear`), and `stop`. The bot's audio is
collected on a playback timeline so latency and barge-in can be measured.

Hooks for end-to-end tests: `say`, `wait_for_reply`, `send_dtmf`, `send_raw`,
`hang_up_mid_sentence`, `hangup`, and the recorded `turns` / `events`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import websockets

from bot.voice import espeak
from bot.voice.audio import PHONE_RATE, mulaw_decode, mulaw_encode, noise, resample, write_wav
from telephony.simulated_caller import protocol as tw

log = logging.getLogger(__name__)

DEMO_OWNER_NUMBER = "+919800000001"
DEFAULT_SHOP_NUMBER = "+14155550100"


@dataclass
class CallerOptions:
    """How to reach the server and how the caller sounds."""

    server_url: str = "http://127.0.0.1:3000"
    public_base_url: str = ""  # the URL the server signs against; default: server_url
    auth_token: str = ""
    account_sid: str = "AC" + "0" * 32
    from_number: str = DEMO_OWNER_NUMBER
    to_number: str = DEFAULT_SHOP_NUMBER
    voice: str = "en-us"
    rate_wpm: int = 150
    line_noise_rms: float = 40.0  # int16 units on the linear side, before mu-law
    api_key: str = ""
    voice_path: str = "/twilio/voice"


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


def trim_silence(pcm: bytes, threshold: int = 200, lead_samples: int = 480) -> bytes:
    """Drop the synthesiser's leading/trailing silence so "end of speech" means the last sound.

    Keeps `lead_samples` (60 ms at 8 kHz) before the first loud sample: a soft onset such
    as the "s" of "Suresh" stays below the threshold and would otherwise be clipped.
    """
    x = np.frombuffer(pcm, dtype=np.int16)
    loud = np.flatnonzero(np.abs(x.astype(np.int32)) > threshold)
    if loud.size == 0:
        return pcm
    return x[max(0, int(loud[0]) - lead_samples) : loud[-1] + 1].tobytes()


class SimulatedCaller:
    """One simulated phone call (use as `async with SimulatedCaller(opts) as call:`)."""

    def __init__(self, options: CallerOptions | None = None, *, call_sid: str | None = None) -> None:
        self.options = options or CallerOptions()
        self.call_sid = call_sid or tw.new_call_sid()
        self.stream_sid = tw.new_stream_sid()
        self.answer: tw.Answer | None = None
        self.turns: list[Turn] = []
        self.events = CallEvents()
        self._ws: Any = None
        self._speech: deque[bytes] = deque()
        self._speech_done: asyncio.Event = asyncio.Event()
        self._speech_done.set()
        self._seq = 0
        self._chunk = 0
        self._t0 = 0.0
        self._play_end = 0.0
        self._pending_marks: dict[str, asyncio.TimerHandle] = {}
        self._caller_track = bytearray()
        self._bot_track = bytearray()
        self._tasks: list[asyncio.Task[None]] = []
        self._closed = asyncio.Event()
        self._current: Turn | None = None
        self._send_lock = asyncio.Lock()
        self._noise_frames = [
            mulaw_encode(noise(tw.FRAME_BYTES, self.options.line_noise_rms, seed=i)) for i in range(25)
        ]

    # --- the webhook ---------------------------------------------------------

    def signing_url(self) -> str:
        base = (self.options.public_base_url or self.options.server_url).rstrip("/")
        return base + self.options.voice_path

    async def place_call(self, *, signature: str | None = None, extra_form: dict[str, str] | None = None) -> tw.Answer:
        """POST the signed voice webhook and parse the TwiML answer (raises on HTTP errors)."""
        form = tw.voice_webhook_form(
            self.call_sid, self.options.account_sid, self.options.from_number, self.options.to_number
        )
        form.update(extra_form or {})
        sig = signature if signature is not None else tw.sign_webhook(self.signing_url(), form, self.options.auth_token)
        url = self.options.server_url.rstrip("/") + self.options.voice_path
        async with httpx.AsyncClient(timeout=10.0) as client:
            response = await client.post(url, data=form, headers={"X-Twilio-Signature": sig})
        response.raise_for_status()
        self.answer = tw.parse_twiml(response.text)
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
        headers = {"X-Twilio-Signature": tw.sign_webhook(public_url, {}, self.options.auth_token)}
        self._ws = await websockets.connect(ws_url, additional_headers=headers, max_size=2**22)
        self._t0 = time.monotonic()
        self._play_end = self._t0
        await self._send(tw.connected_message())
        if send_start:
            params = dict(self.answer.parameters if self.answer else {})
            params.update(custom_parameters or {})
            await self.send_start(call_sid=start_call_sid, custom_parameters=params)
        # The greeting is "turn 0": it answers the call itself.
        self._current = Turn(said="", started_at=self._t0, ended_at=self._t0)
        self.turns.append(self._current)
        self._tasks = [
            asyncio.create_task(self._reader(), name="caller-reader"),
            asyncio.create_task(self._line(), name="caller-line"),
        ]

    async def send_start(self, *, call_sid: str | None = None, custom_parameters: dict[str, str] | None = None) -> None:
        self._seq += 1
        await self._send(
            tw.start_message(
                self.stream_sid, call_sid or self.call_sid, self.options.account_sid, custom_parameters or {}, self._seq
            )
        )

    async def __aenter__(self) -> SimulatedCaller:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.hangup()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def now(self) -> float:
        """Seconds since the stream opened."""
        return time.monotonic() - self._t0

    async def _send(self, message: str | bytes) -> None:
        if self._ws is None or self._closed.is_set():
            return
        async with self._send_lock:
            try:
                await self._ws.send(message)
            except websockets.ConnectionClosed as exc:
                # The server's close may reach the sender before the reader: keep its code.
                self._mark_closed(exc.rcvd.code if exc.rcvd else None)

    def _mark_closed(self, code: int | None) -> None:
        if not self._closed.is_set():
            self.events.close_code = code
            self.events.closed_at = self.now()
            self._closed.set()
            self._speech.clear()
            self._speech_done.set()

    async def _line(self) -> None:
        """A media frame every 20 ms for the life of the call: speech when queued, line noise otherwise."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        n = 0
        while not self._closed.is_set():
            due = start + n * tw.FRAME_MS / 1000
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            elif delay < -tw.FRAME_MS / 1000:
                self.events.late_frames += 1
            if self._speech:
                frame = self._speech.popleft()
                if not self._speech:
                    if self._current is not None and self._current.ended_at is None:
                        self._current.ended_at = time.monotonic() + tw.FRAME_MS / 1000
                    self._speech_done.set()
            else:
                frame = self._noise_frames[n % len(self._noise_frames)]
            self._seq += 1
            self._chunk += 1
            await self._send(tw.media_message(self.stream_sid, self._seq, self._chunk, n * tw.FRAME_MS, frame))
            self._caller_track += frame
            self.events.frames_sent += 1
            n += 1

    async def _reader(self) -> None:
        try:
            async for raw in self._ws:
                if isinstance(raw, bytes):
                    self.events.unknown.append("<binary>")
                    continue
                self._on_message(raw)
            self._mark_closed(getattr(self._ws, "close_code", None))
        except websockets.ConnectionClosed as exc:
            self._mark_closed(exc.rcvd.code if exc.rcvd else None)

    def _on_message(self, raw: str) -> None:
        try:
            msg = json.loads(raw)
        except ValueError:
            self.events.unknown.append(raw[:80])
            return
        event = msg.get("event") if isinstance(msg, dict) else None
        now = time.monotonic()
        if event == "media":
            audio = tw.decode_media_payload(msg)
            self._on_bot_audio(audio, now)
        elif event == "clear":
            self._on_clear(now)
        elif event == "mark":
            name = str((msg.get("mark") or {}).get("name", ""))
            self.events.marks_received.append(name)
            self._schedule_mark_echo(name, now)
        else:
            self.events.unknown.append(str(event))

    def _on_bot_audio(self, audio: bytes, now: float) -> None:
        if not audio:
            return
        start = max(self._play_end, now)
        self._play_end = start + len(audio) / PHONE_RATE
        pos = int((start - self._t0) * PHONE_RATE)
        if len(self._bot_track) < pos:
            self._bot_track += tw.MULAW_SILENCE * (pos - len(self._bot_track))
        self._bot_track += audio
        turn = self._current
        if turn is not None:
            # Audio before the caller finished speaking belongs to the previous reply (talk-over).
            if turn.ended_at is not None and now >= turn.ended_at:
                if turn.first_audio_at is None:
                    turn.first_audio_at = now
                turn.last_audio_at = now
                turn.reply_mulaw += audio
            elif len(self.turns) >= 2:
                prev = self.turns[-2]
                prev.last_audio_at = now
                prev.reply_mulaw += audio

    def _on_clear(self, now: float) -> None:
        self.events.clears.append(now - self._t0)
        if self._current is not None:
            self._current.clears += 1
        if len(self.turns) >= 2:
            self.turns[-2].clears += 1
        # Buffered audio is dropped: playback stops now, and Twilio echoes pending marks at once.
        self._play_end = now
        cut = int((now - self._t0) * PHONE_RATE)
        del self._bot_track[cut:]
        for name, handle in list(self._pending_marks.items()):
            handle.cancel()
            self._echo_mark(name)

    def _schedule_mark_echo(self, name: str, now: float) -> None:
        delay = max(0.0, self._play_end - now)
        loop = asyncio.get_running_loop()
        self._pending_marks[name] = loop.call_later(delay, self._echo_mark, name)

    def _echo_mark(self, name: str) -> None:
        self._pending_marks.pop(name, None)
        self.events.marks_echoed.append(name)
        self._seq += 1
        msg = tw.mark_message(self.stream_sid, self._seq, name)
        task = asyncio.get_running_loop().create_task(self._send(msg))
        task.add_done_callback(lambda _t: None)

    # --- speaking ------------------------------------------------------------

    def speech_frames(self, text: str, voice: str | None = None, rate_wpm: int | None = None) -> list[bytes]:
        """`text` as espeak-ng would say it down a phone line, cut into 20 ms mu-law frames."""
        utt = espeak.synthesize(text, voice or self.options.voice, rate_wpm or self.options.rate_wpm)
        pcm8 = trim_silence(resample(utt.pcm, utt.sample_rate, PHONE_RATE))
        return tw.frames_20ms(mulaw_encode(pcm8))

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
        await self._speech_done.wait()
        frames = frames if frames is not None else await asyncio.to_thread(self.speech_frames, text, voice, rate_wpm)
        turn = Turn(said=text, started_at=time.monotonic())
        self._current = turn
        self.turns.append(turn)
        self._speech_done.clear()
        self._speech.extend(frames)
        if wait:
            await self._speech_done.wait()
        return turn

    async def wait_for_reply(self, turn: Turn | None = None, timeout_s: float = 10.0, quiet_s: float = 0.9) -> Turn:
        """Wait for the bot's reply to `turn` (default: the latest) to start and then go quiet."""
        turn = turn or self.turns[-1]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while loop.time() < deadline and not self._closed.is_set():
            if turn.last_audio_at is not None:
                heard_until = max(turn.last_audio_at, self._play_end)
                if time.monotonic() - heard_until >= quiet_s:
                    break
            await asyncio.sleep(0.05)
        return turn

    async def wait_for_greeting(self, timeout_s: float = 10.0) -> Turn:
        return await self.wait_for_reply(self.turns[0], timeout_s=timeout_s)

    async def send_dtmf(self, digits: str, gap_s: float = 0.2) -> None:
        for digit in digits:
            self._seq += 1
            await self._send(tw.dtmf_message(self.stream_sid, self._seq, digit))
            await asyncio.sleep(gap_s)

    async def send_raw(self, message: str | bytes) -> None:
        """Send anything (malformed JSON, unknown events, oversized frames) to test the server's guard."""
        await self._send(message)

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
            self._seq += 1
            await self._send(tw.stop_message(self.stream_sid, self._seq, self.call_sid, self.options.account_sid))
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
        for handle in self._pending_marks.values():
            handle.cancel()
        self._pending_marks.clear()

    # --- results -------------------------------------------------------------

    def bot_audio_pcm(self) -> bytes:
        """Everything the bot said, on the call's timeline (int16, 8 kHz)."""
        return mulaw_decode(bytes(self._bot_track))

    def write_wav(self, path: Path | str, both_sides: bool = False) -> None:
        """The bot's audio as a WAV (or a stereo WAV: caller left, bot right)."""
        bot = np.frombuffer(self.bot_audio_pcm(), dtype=np.int16)
        if not both_sides:
            write_wav(path, bot.tobytes(), PHONE_RATE)
            return
        caller = np.frombuffer(mulaw_decode(bytes(self._caller_track)), dtype=np.int16)
        n = max(len(bot), len(caller))
        stereo = np.zeros((n, 2), dtype=np.int16)
        stereo[: len(caller), 0] = caller
        stereo[: len(bot), 1] = bot
        write_wav(path, stereo.tobytes(), PHONE_RATE, channels=2)

    async def fetch_server_turns(self) -> list[dict[str, Any]] | None:
        """The server's record of this call's turns (GET /api/calls/{call_sid}); None if unavailable."""
        if not self.options.api_key:
            return None
        url = f"{self.options.server_url.rstrip('/')}/api/calls/{self.call_sid}"
        try:
            async with httpx.AsyncClient(timeout=5.0) as client:
                r = await client.get(url, headers={"Authorization": f"Bearer {self.options.api_key}"})
            if r.status_code != 200:
                return None
            body = r.json()
        except (httpx.HTTPError, ValueError):
            return None
        turns = body.get("turns") if isinstance(body, dict) else None
        return turns if isinstance(turns, list) else None
