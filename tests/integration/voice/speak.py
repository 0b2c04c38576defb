"""Drive a pipecat processor (an STT service, or STT -> router) utterance by utterance.

Unlike pipecat's `run_test`, which queues every frame and then ends the
pipeline, this waits after each utterance until what it answers has come out
(a cloud recogniser answers over its socket, later than the audio goes in),
so turns run in order, as on a call. The waits are deadlines, never asserts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from pipecat.frames.frames import (
    EndFrame,
    Frame,
    InputAudioRawFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor
from pipecat.workers.runner import WorkerRunner

from bot.voice.audio import noise

PHONE = PipelineParams(audio_in_sample_rate=8000, audio_out_sample_rate=8000)
DEADLINE_S = 20.0


class Collector(FrameProcessor):
    """Keeps every downstream frame that `wanted` accepts, and lets a waiter know."""

    def __init__(self, wanted: Callable[[Frame], bool]) -> None:
        super().__init__()
        self._wanted = wanted
        self.frames: list[Frame] = []
        self._changed = asyncio.Event()

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if direction == FrameDirection.DOWNSTREAM and self._wanted(frame):
            self.frames.append(frame)
            self._changed.set()
        await self.push_frame(frame, direction)

    async def wait_for(self, count: int) -> None:
        while len(self.frames) < count:
            self._changed.clear()
            await asyncio.wait_for(self._changed.wait(), DEADLINE_S)


def utterance(seconds: float = 0.6, seed: int = 1) -> list[Frame]:
    """VAD start, `seconds` of quiet line noise in 20 ms frames, VAD stop (the fake hears no words)."""
    pcm = noise(int(8000 * seconds), 300.0, seed=seed)
    audio: list[Frame] = [
        InputAudioRawFrame(audio=pcm[i : i + 320], sample_rate=8000, num_channels=1) for i in range(0, len(pcm), 320)
    ]
    return [VADUserStartedSpeakingFrame(), *audio, VADUserStoppedSpeakingFrame()]


async def speak(
    processor: FrameProcessor,
    utterances: int,
    wanted: Callable[[Frame], bool],
    *,
    before: int = 0,
) -> list[Any]:
    """Run `processor`, say `utterances` utterances, each waiting for one more wanted frame
    (after `before` that come unprompted, e.g. a greeting); return the wanted frames."""
    collector = Collector(wanted)
    worker = PipelineWorker(
        Pipeline([processor, collector]), params=PHONE, cancel_on_idle_timeout=False, enable_rtvi=False
    )
    started = asyncio.Event()

    @worker.event_handler("on_pipeline_started")
    async def _started(_worker: Any, _frame: Any) -> None:
        started.set()

    async def drive() -> None:
        try:
            await asyncio.wait_for(started.wait(), DEADLINE_S)
            await collector.wait_for(before)
            for n in range(utterances):
                frames: Sequence[Frame] = utterance(seed=n + 1)
                for frame in frames:
                    await worker.queue_frame(frame)
                await collector.wait_for(before + n + 1)
        except BaseException:
            await worker.cancel()  # a missed deadline must fail the test, not hang it
            raise
        await worker.queue_frame(EndFrame())

    runner = WorkerRunner(handle_sigint=False)
    await runner.add_workers(worker)
    await asyncio.gather(runner.run(), drive())
    return list(collector.frames)
