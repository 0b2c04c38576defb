"""Setting a pipecat processor up outside a pipeline, the way a phone call's pipeline would."""

from __future__ import annotations

import asyncio
from typing import Any

from pipecat.clocks.system_clock import SystemClock
from pipecat.processors.frame_processor import FrameProcessorSetup
from pipecat.utils.asyncio.task_manager import TaskManager, TaskManagerParams

PHONE_RATE = 8000


def phone_setup() -> FrameProcessorSetup:
    """What a pipeline hands its processors on an 8 kHz phone line (no pipeline worker)."""
    tasks = TaskManager()
    tasks.setup(TaskManagerParams(loop=asyncio.get_running_loop()))
    return FrameProcessorSetup(
        clock=SystemClock(),
        task_manager=tasks,
        pipeline_worker=None,  # type: ignore[arg-type]
        audio_in_sample_rate=PHONE_RATE,
        audio_out_sample_rate=PHONE_RATE,
    )


async def set_up_for_phone(processor: Any) -> None:
    """`processor.setup(...)` as the pipeline would call it, at 8 kHz in and out."""
    await processor.setup(phone_setup())
