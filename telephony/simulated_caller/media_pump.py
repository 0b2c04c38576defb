"""The caller's side of the line: everything sent up the Media Streams WebSocket.

Twilio sends a `media` message every 20 ms for the whole call, in real time,
and a real line is never digitally silent; the server's VAD and turn-taking
are only tested honestly against that. So one loop owns the clock: queued
speech when there is some, low line noise otherwise. Every other outbound
message (start, DTMF, echoed marks, stop) shares its sequence numbers and its
send lock, so it lives here too.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np
import websockets

from bot.voice import espeak
from bot.voice.audio import PHONE_RATE, mulaw_encode, noise, resample
from telephony.simulated_caller import protocol as tw
from telephony.simulated_caller.lines import TWILIO, LineProtocol
from telephony.simulated_caller.options import CallerOptions
from telephony.simulated_caller.report import CallEvents


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


def speech_frames(text: str, voice: str, rate_wpm: int) -> list[bytes]:
    """`text` as espeak-ng would say it down a phone line, cut into 20 ms mu-law frames."""
    utt = espeak.synthesize(text, voice, rate_wpm)
    pcm8 = trim_silence(resample(utt.pcm, utt.sample_rate, PHONE_RATE))
    return tw.frames_20ms(mulaw_encode(pcm8))


class MediaPump:
    """Sends the caller's messages; `run` is the 20 ms media loop for the life of the call.

    `closed` is the call's closed flag (set by whoever sees the line go); a send
    that finds the socket closed reports the server's close code to `on_closed`.
    `on_speech_sent(at)` is told when the last queued speech frame has gone out.
    """

    def __init__(
        self,
        stream_sid: str,
        events: CallEvents,
        closed: asyncio.Event,
        *,
        noise_rms: float,
        on_closed: Callable[[int | None], None],
        on_speech_sent: Callable[[float], None],
        line: LineProtocol = TWILIO,
    ) -> None:
        self.line = line
        self.stream_sid = stream_sid
        self.events = events
        self.ws: Any = None
        self.seq = 0
        self.chunk = 0
        self.caller_track = bytearray()
        self._closed = closed
        self._on_closed = on_closed
        self._on_speech_sent = on_speech_sent
        self._speech: deque[bytes] = deque()
        self._speech_done = asyncio.Event()
        self._speech_done.set()
        self._lock = asyncio.Lock()
        self._noise_frames = [mulaw_encode(noise(tw.FRAME_BYTES, noise_rms, seed=i)) for i in range(25)]

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    async def send(self, message: str | bytes) -> None:
        if self.ws is None or self._closed.is_set():
            return
        async with self._lock:
            try:
                await self.ws.send(message)
            except websockets.ConnectionClosed as exc:
                # The server's close may reach the sender before the reader: keep its code.
                self._on_closed(exc.rcvd.code if exc.rcvd else None)

    # --- speech --------------------------------------------------------------

    async def wait_speech_sent(self) -> None:
        """Until every queued speech frame has been sent (at once when none is queued)."""
        await self._speech_done.wait()

    def queue_speech(self, frames: list[bytes]) -> None:
        self._speech_done.clear()
        self._speech.extend(frames)

    def drop_speech(self) -> None:
        """The line is gone: forget what was still to be said."""
        self._speech.clear()
        self._speech_done.set()

    async def run(self) -> None:
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
                    self._on_speech_sent(time.monotonic() + tw.FRAME_MS / 1000)
                    self._speech_done.set()
            else:
                frame = self._noise_frames[n % len(self._noise_frames)]
            self.seq += 1
            self.chunk += 1
            await self.send(self.line.media(self.stream_sid, self.seq, self.chunk, n * tw.FRAME_MS, frame))
            self.caller_track += frame
            self.events.frames_sent += 1
            n += 1

    # --- the other messages --------------------------------------------------

    async def send_start(self, call_sid: str, options: CallerOptions, custom_parameters: dict[str, str]) -> None:
        seq = self.next_seq()
        await self.send(self.line.start(self.stream_sid, call_sid, options, custom_parameters, seq))

    async def send_dtmf(self, digits: str, gap_s: float = 0.2) -> None:
        for digit in digits:
            seq = self.next_seq()
            await self.send(self.line.dtmf(self.stream_sid, seq, digit))
            await asyncio.sleep(gap_s)

    def send_mark_soon(self, name: str) -> None:
        """Echo a mark (from a timer callback, so the send runs as its own task)."""
        msg = self.line.played(self.stream_sid, self.next_seq(), name)
        task = asyncio.get_running_loop().create_task(self.send(msg))
        task.add_done_callback(lambda _t: None)

    def send_soon(self, message: str) -> None:
        """Send from a callback (the timeline's answer to a clear) as its own task."""
        task = asyncio.get_running_loop().create_task(self.send(message))
        task.add_done_callback(lambda _t: None)

    async def send_stop(self, call_sid: str, options: CallerOptions) -> None:
        seq = self.next_seq()
        await self.send(self.line.stop(self.stream_sid, seq, call_sid, options))
