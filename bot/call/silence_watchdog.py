"""SilenceWatchdog: notices a caller who has gone quiet.

After `prompt_after_s` without the caller speaking (and the bot not talking) it
pushes a `CallIdleFrame("prompt")`; after `hangup_after_s` a
`CallIdleFrame("hangup")`; once the call has lasted `max_call_s` (at the next
pause) a `CallIdleFrame("limit")`. The IntentRouter decides what to say and ends the call.

Silence is measured on the caller's audio clock (the 20 ms frames this process
has actually analysed), not the wall clock: a server running behind must not
hang up on a caller whose speech it simply has not reached yet. A line that
stops sending audio altogether still ends after twice the hang-up time.
"""

from __future__ import annotations

import asyncio
import time

from pipecat.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    CancelFrame,
    EndFrame,
    Frame,
    InputAudioRawFrame,
    InputDTMFFrame,
    StartFrame,
    TranscriptionFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from bot.call.frames import CallIdleFrame


class SilenceWatchdog(FrameProcessor):
    """Times the caller's silence; place it before the IntentRouter."""

    def __init__(
        self, *, prompt_after_s: float = 8.0, hangup_after_s: float = 20.0, max_call_s: float | None = None,
        tick_s: float = 0.25,
    ):
        super().__init__()
        self._prompt_after = prompt_after_s
        self._hangup_after = hangup_after_s
        self._max_call = max_call_s
        self._tick = tick_s
        self._audio_s = 0.0  # seconds of caller audio seen so far
        self._last_audio_activity = 0.0
        self._last_wall_activity = time.monotonic()
        self._user_speaking = False
        self._bot_speaking = False
        self._prompted = False
        self._hung_up = False
        self._task: asyncio.Task[None] | None = None

    def _touch(self) -> None:
        self._last_audio_activity = self._audio_s
        self._last_wall_activity = time.monotonic()
        self._prompted = False

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, InputAudioRawFrame):
            channels = max(frame.num_channels, 1)
            self._audio_s += len(frame.audio) / (2 * channels * max(frame.sample_rate, 1))
        elif isinstance(frame, StartFrame):
            self._touch()
            self._task = self.create_task(self._watch(), name="silence-watchdog")
        elif isinstance(frame, (EndFrame, CancelFrame)):
            await self._stop()
        elif isinstance(frame, VADUserStartedSpeakingFrame):
            self._user_speaking = True
            self._touch()
        elif isinstance(frame, VADUserStoppedSpeakingFrame):
            self._user_speaking = False
            self._touch()
        elif isinstance(frame, (TranscriptionFrame, InputDTMFFrame)):
            self._touch()
        elif isinstance(frame, BotStartedSpeakingFrame):
            self._bot_speaking = True
        elif isinstance(frame, BotStoppedSpeakingFrame):
            self._bot_speaking = False
            # The silence clock restarts when the bot has finished a reply; the
            # silence prompt itself does not restart it, so the hang-up comes
            # `hangup_after_s` after the caller went quiet.
            if not self._prompted:
                self._touch()
        await self.push_frame(frame, direction)

    async def _stop(self) -> None:
        if self._task is not None:
            await self.cancel_task(self._task)
            self._task = None

    def idle_s(self) -> float:
        """Caller silence so far, on the audio clock (falls back to half the wall clock on a dead line)."""
        audio_idle = self._audio_s - self._last_audio_activity
        wall_idle = time.monotonic() - self._last_wall_activity
        return max(audio_idle, wall_idle / 2)

    async def _watch(self) -> None:
        while not self._hung_up:
            await asyncio.sleep(self._tick)
            if self._user_speaking or self._bot_speaking:
                continue
            if self._max_call is not None and self._audio_s >= self._max_call:
                self._hung_up = True  # at a pause, so the goodbye is heard whole
                await self.push_frame(CallIdleFrame(stage="limit", idle_s=self.idle_s()))
                break
            idle = self.idle_s()
            if idle >= self._hangup_after:
                self._hung_up = True
                await self.push_frame(CallIdleFrame(stage="hangup", idle_s=idle))
            elif idle >= self._prompt_after and not self._prompted:
                self._prompted = True
                await self.push_frame(CallIdleFrame(stage="prompt", idle_s=idle))
