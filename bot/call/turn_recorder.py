"""TurnRecorder: stores every turn in the call store with its stage timings.

Placed after the TTS service: it receives the IntentRouter's `TurnResultFrame`
just before the reply's speech, stamps `first_reply_audio` on the first audio
frame that follows, and writes the turn in the background so the audio path
never waits on the database. `drain()` waits for the pending writes when the
call ends.
"""

from __future__ import annotations

import asyncio
import logging

from pipecat.frames.frames import CancelFrame, EndFrame, Frame, TTSAudioRawFrame
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from bot.call.clock import CallClock
from bot.call.frames import TurnResultFrame
from bot.call.logs import call_log
from bot.call.ports import CallStore
from bot.metrics import observe_turn
from business.turns import CallTurn

log = logging.getLogger(__name__)


class TurnRecorder(FrameProcessor):
    """Persists turns; never blocks the frames it passes along."""

    def __init__(self, *, store: CallStore, call_sid: str, clock: CallClock):
        super().__init__()
        self._store = store
        self._call_sid = call_sid
        self._clock = clock
        self._pending: CallTurn | None = None
        self._writes: set[asyncio.Task[None]] = set()
        self.recorded: list[CallTurn] = []

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, TurnResultFrame):
            self._flush()
            self._pending = frame.turn
            if frame.turn is not None and not frame.turn.reply:
                self._flush()
            return  # consumed: nothing downstream needs it
        if isinstance(frame, TTSAudioRawFrame) and self._pending is not None:
            self._pending = self._pending.with_timing("first_reply_audio", self._clock.now_ms())
            self._flush()
        elif isinstance(frame, (EndFrame, CancelFrame)):
            self._flush()
        await self.push_frame(frame, direction)

    def _flush(self) -> None:
        turn, self._pending = self._pending, None
        if turn is None:
            return
        self.recorded.append(turn)
        observe_turn(turn, "call")  # execora_turns_total and the stage histograms
        task = asyncio.get_running_loop().create_task(self._write(turn))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def _write(self, turn: CallTurn) -> None:
        try:
            await self._store.record_turn(self._call_sid, turn)
        except Exception:  # the outer edge of a background write: log, never crash the call
            call_log(__name__, self._call_sid).exception("turn %s not recorded", turn.turn_no)

    async def drain(self, timeout_s: float = 10.0) -> None:
        """Flush a turn still waiting for audio and wait for every write to land."""
        self._flush()
        if self._writes:
            await asyncio.wait(set(self._writes), timeout=timeout_s)
