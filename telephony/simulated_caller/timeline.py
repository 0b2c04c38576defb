"""The caller's ear: the bot's audio laid out on the call's playback timeline.

Twilio plays the media it is sent at line rate, however fast it arrives, so
what the caller hears (and when a turn's reply starts and ends, where a
`clear` cuts it, when a `mark` would have finished playing) is a matter of
when each byte would play, not when it arrived. This module keeps that
timeline and the turns it is divided into, so latency and barge-in can be
measured as the caller experiences them.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

from bot.voice.audio import PHONE_RATE
from telephony.simulated_caller import protocol as tw
from telephony.simulated_caller.lines import TWILIO, LineProtocol
from telephony.simulated_caller.report import CallEvents, Turn


class PlaybackTimeline:
    """What the server sent down the stream, on the caller's clock (monotonic seconds).

    `send_mark(name)` echoes a mark back once its audio has played (or at once on `clear`).
    """

    def __init__(
        self, events: CallEvents, send_mark: Callable[[str], None], line: LineProtocol = TWILIO,
        on_clear: Callable[[], None] | None = None,
    ) -> None:
        self.line = line
        self._on_clear = on_clear
        self.events = events
        self.turns: list[Turn] = []
        self.current: Turn | None = None
        self.t0 = 0.0
        self.play_end = 0.0
        self.bot_track = bytearray()
        self._send_mark = send_mark
        self._pending_marks: dict[str, asyncio.TimerHandle] = {}

    def open(self, t0: float) -> None:
        """The stream opened at `t0`: nothing is playing yet."""
        self.t0 = t0
        self.play_end = t0

    def now(self) -> float:
        """Seconds since the stream opened."""
        return time.monotonic() - self.t0

    # --- turns ---------------------------------------------------------------

    def begin_greeting(self) -> None:
        """The greeting is "turn 0": it answers the call itself."""
        self.current = Turn(said="", started_at=self.t0, ended_at=self.t0)
        self.turns.append(self.current)

    def begin_turn(self, said: str) -> Turn:
        turn = Turn(said=said, started_at=time.monotonic())
        self.current = turn
        self.turns.append(turn)
        return turn

    def speech_ended(self, at: float) -> None:
        """The caller's last frame of speech for the current turn goes out at `at`."""
        if self.current is not None and self.current.ended_at is None:
            self.current.ended_at = at

    # --- what the server sends -----------------------------------------------

    def receive(self, raw: str) -> None:
        """One text message from the server, as it arrives."""
        try:
            msg = json.loads(raw)
        except ValueError:
            self.events.unknown.append(raw[:80])
            return
        kind: str
        value: Any
        kind, value = self.line.inbound(msg) if isinstance(msg, dict) else ("other", "")
        now = time.monotonic()
        if kind == "media":
            self.add_bot_audio(value, now)
        elif kind == "clear":
            self.clear(now)
            if self._on_clear is not None:
                self._on_clear()
        elif kind == "mark":
            self.events.marks_received.append(value)
            self._schedule_mark_echo(value, now)
        else:
            self.events.unknown.append(str(value))

    def add_bot_audio(self, audio: bytes, now: float) -> None:
        """Audio plays after what is already queued, or now if the line has gone quiet."""
        if not audio:
            return
        start = max(self.play_end, now)
        self.play_end = start + len(audio) / PHONE_RATE
        pos = int((start - self.t0) * PHONE_RATE)
        if len(self.bot_track) < pos:
            self.bot_track += tw.MULAW_SILENCE * (pos - len(self.bot_track))
        self.bot_track += audio
        turn = self.current
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

    def clear(self, now: float) -> None:
        self.events.clears.append(now - self.t0)
        if self.current is not None:
            self.current.clears += 1
        if len(self.turns) >= 2:
            self.turns[-2].clears += 1
        # Buffered audio is dropped: playback stops now, and Twilio echoes pending marks at once.
        self.play_end = now
        cut = int((now - self.t0) * PHONE_RATE)
        del self.bot_track[cut:]
        for name, handle in list(self._pending_marks.items()):
            handle.cancel()
            self._echo_mark(name)

    def _schedule_mark_echo(self, name: str, now: float) -> None:
        delay = max(0.0, self.play_end - now)
        loop = asyncio.get_running_loop()
        self._pending_marks[name] = loop.call_later(delay, self._echo_mark, name)

    def _echo_mark(self, name: str) -> None:
        self._pending_marks.pop(name, None)
        self.events.marks_echoed.append(name)
        self._send_mark(name)

    def cancel_marks(self) -> None:
        """The call is over: no mark will be echoed any more."""
        for handle in self._pending_marks.values():
            handle.cancel()
        self._pending_marks.clear()
