"""IntentRouter: hands what the caller said or keyed to the conversation and
speaks the answer.

Final transcriptions, DTMF digits and silence notices are queued and handled in
order by one background task, so audio keeps flowing through the pipeline while
a business action runs. For every turn it pushes a `TurnResultFrame` (for the
TurnRecorder), then the reply as a `TTSSpeakFrame`; when the conversation says
the call is over it pushes an `EndWorkerFrame` behind the goodbye, so the reply
finishes before the transport closes and the serializer hangs up through Twilio.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from pipecat.frames.frames import (
    CancelFrame,
    EndFrame,
    EndWorkerFrame,
    Frame,
    InputDTMFFrame,
    InterimTranscriptionFrame,
    StartFrame,
    TranscriptionFrame,
    TTSSpeakFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from bot.call.clock import CallClock
from bot.call.frames import CallIdleFrame, TurnResultFrame
from bot.call.logs import call_log
from bot.call.outcome import Outcome
from bot.voice.listening import ListenForFrame

log = logging.getLogger(__name__)


class ConversationPort(Protocol):
    async def greet(self) -> Outcome: ...
    async def on_text(self, text: str, confidence: float | None, *, doubts: tuple[str, ...] = ()) -> Outcome: ...
    async def on_digit(self, digit: str) -> Outcome | None: ...
    async def on_idle(self, stage: str) -> Outcome: ...
    def on_error(self) -> Outcome: ...
    def expecting(self) -> str | None: ...


@dataclass(frozen=True)
class _Heard:
    kind: str  # greet, text, digit, idle
    value: str = ""
    confidence: float | None = None
    timings: dict[str, float] | None = None
    doubts: tuple[str, ...] = ()


def transcript_doubts(frame: TranscriptionFrame) -> tuple[str, ...]:
    """What the recogniser's top readings disagreed on ("direction"), when it says."""
    doubts = getattr(frame.result, "doubts", ())
    return tuple(str(d) for d in doubts) if isinstance(doubts, (tuple, list)) else ()


def transcript_confidence(frame: TranscriptionFrame) -> float | None:
    """The recogniser's confidence when it reports one (attribute or dict key on `result`)."""
    result: Any = frame.result
    value = getattr(result, "confidence", None)
    if value is None and isinstance(result, dict):
        value = result.get("confidence")
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


class IntentRouter(FrameProcessor):
    """Routes recognised speech and keypad digits to the conversation; speaks replies."""

    def __init__(self, *, conversation: ConversationPort, clock: CallClock, call_sid: str = ""):
        super().__init__()
        self._conversation = conversation
        self._clock = clock
        self._call_sid = call_sid
        self._log = call_log(__name__, call_sid)
        self._queue: asyncio.Queue[_Heard] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._speech_end_ms: float | None = None
        self._vad_stop_ms: float | None = None
        self._ending = False
        self._listening_for: str | None = None

    @property
    def ending(self) -> bool:
        return self._ending

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, StartFrame):
            await self.push_frame(frame, direction)
            self._task = self.create_task(self._run(), name="intent-router")
            self._queue.put_nowait(_Heard("greet"))
            return
        if isinstance(frame, (EndFrame, CancelFrame)):
            if self._task is not None:
                await self.cancel_task(self._task)
                self._task = None
            await self.push_frame(frame, direction)
            return
        if isinstance(frame, VADUserStoppedSpeakingFrame):
            # The caller stopped `stop_secs` before the VAD was sure of it.
            self._speech_end_ms = self._clock.wall_to_ms(frame.timestamp - frame.stop_secs)
            self._vad_stop_ms = self._clock.now_ms()
            await self.push_frame(frame, direction)
            return
        if isinstance(frame, TranscriptionFrame) and direction == FrameDirection.DOWNSTREAM:
            text = (frame.text or "").strip()
            if text and not self._ending:
                timings = {"transcript_final": self._clock.now_ms()}
                if self._speech_end_ms is not None:
                    timings["speech_end"] = self._speech_end_ms
                    timings["vad_stop"] = self._vad_stop_ms or self._speech_end_ms
                    self._speech_end_ms = None
                heard = _Heard("text", text, transcript_confidence(frame), timings, transcript_doubts(frame))
                self._queue.put_nowait(heard)
            return  # consumed
        if isinstance(frame, InterimTranscriptionFrame):
            return
        if isinstance(frame, InputDTMFFrame):
            if not self._ending:
                digit = str(frame.button.value)
                self._queue.put_nowait(_Heard("digit", digit, None, {"transcript_final": self._clock.now_ms()}))
            return
        if isinstance(frame, CallIdleFrame):
            if not self._ending:
                self._queue.put_nowait(_Heard("idle", frame.stage, None, {}))
            return
        await self.push_frame(frame, direction)

    async def _run(self) -> None:
        while True:
            heard = await self._queue.get()
            if self._ending:
                continue
            try:
                outcome = await self._handle(heard)
            except asyncio.CancelledError:
                raise
            except Exception:  # outer edge of a turn: log and apologise, never drop the call silently
                self._log.exception("turn failed")
                outcome = self._conversation.on_error()
            if outcome is not None:
                await self._speak(outcome, heard)

    async def _handle(self, heard: _Heard) -> Outcome | None:
        if heard.kind == "greet":
            return await self._conversation.greet()
        if heard.kind == "text":
            return await self._conversation.on_text(heard.value, heard.confidence, doubts=heard.doubts)
        if heard.kind == "digit":
            return await self._conversation.on_digit(heard.value)
        return await self._conversation.on_idle(heard.value)

    async def _speak(self, outcome: Outcome, heard: _Heard) -> None:
        timings = dict(heard.timings or {})
        timings.update(outcome.timings)
        await self.push_frame(TurnResultFrame(turn=outcome.to_turn(heard.confidence, timings)))
        await self._listen_for(self._conversation.expecting())
        if outcome.reply:
            await self.push_frame(TTSSpeakFrame(outcome.reply, append_to_context=False))
        if outcome.end_call:
            self._ending = True
            self._log.info("call ending: %s", outcome.code)
            await self.push_frame(EndWorkerFrame(reason=outcome.code))

    async def _listen_for(self, expect: str | None) -> None:
        """Tell the recogniser (upstream) what the next answer is likely to be, when that changes."""
        if expect != self._listening_for:
            self._listening_for = expect
            await self.push_frame(ListenForFrame(expect=expect), FrameDirection.UPSTREAM)
