"""Run one call: build the pipecat pipeline around a transport and drive it to the end.

    transport.input() -> VADProcessor(Silero, 8 kHz) -> STT -> UserTurnProcessor
      -> SilenceWatchdog -> IntentRouter -> TTS -> TurnRecorder
      -> transport.output() -> AudioBufferProcessor(2 channels)

The transport (carrier-specific: Twilio's serializer, hang-up through REST) is
built by `telephony`; everything here is carrier-agnostic. Turn detection sits
after the recogniser (so turns close on VAD and transcripts, and the caller
speaking over a reply interrupts it: the serializer turns that into `clear`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipecat.audio.vad.vad_analyzer import VADParams
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.processors.audio.audio_buffer_processor import AudioBufferProcessor
from pipecat.processors.audio.vad_processor import VADProcessor
from pipecat.processors.frame_processor import FrameProcessor
from pipecat.turns.user_start import VADUserTurnStartStrategy
from pipecat.turns.user_stop.speech_timeout_user_turn_stop_strategy import SpeechTimeoutUserTurnStopStrategy
from pipecat.turns.user_turn_processor import UserTurnProcessor
from pipecat.turns.user_turn_strategies import UserTurnStrategies
from pipecat.workers.runner import WorkerRunner

from bot.call.clock import CallClock
from bot.call.conversation import Conversation, ParseFn
from bot.call.conversation_factory import new_conversation
from bot.call.intent_router import IntentRouter
from bot.call.logs import call_log
from bot.call.ports import CallStore
from bot.call.recording import RecordingFile, SavedRecording, recording_path, register_recording
from bot.call.shared_vad import SharedSileroVADAnalyzer
from bot.call.silence_watchdog import SilenceWatchdog
from bot.call.speech import RenderFn
from bot.call.turn_recorder import TurnRecorder
from business.books import Books
from business.models import CallerShop
from business.ports import JobQueue
from business.turns import CallTurn

log = logging.getLogger(__name__)
SAMPLE_RATE = 8000


@dataclass(frozen=True)
class CallTuning:
    """Timings of the conversation (seconds)."""

    vad_stop_secs: float = 0.2  # pipecat's recommended value; 0.5 adds ~0.3 s to every turn
    vad_start_secs: float = 0.2
    silence_prompt_s: float = 8.0
    silence_hangup_s: float = 20.0
    # A call longer than this (caller audio) is closed with a goodbye: one line cannot be held forever.
    max_call_s: float = 900.0
    # Recogniser confidence needed to book without a read-back (none reported: always read back).
    book_confidence: float = 0.9
    idle_timeout_s: float = 120.0


@dataclass
class CallSetup:
    """Everything one call needs; built by the telephony layer per stream."""

    call_sid: str
    caller: CallerShop
    books: Books
    store: CallStore
    parse: ParseFn
    render: RenderFn
    stt: FrameProcessor
    tts: FrameProcessor
    recordings_dir: Path
    jobs: JobQueue | None = None
    language: str = "hinglish"
    first_turn_no: int = 0
    require_pin: bool = False
    tuning: CallTuning = field(default_factory=CallTuning)


@dataclass
class CallSummary:
    """How the call went, for the caller of `run_call` (and tests/benchmarks)."""

    call_sid: str
    ended_by: str  # "bot", "caller", "error"
    end_code: str | None
    turns: list[CallTurn]
    recording: SavedRecording | None


def build_conversation(setup: CallSetup, clock: CallClock) -> Conversation:
    return new_conversation(
        books=setup.books, caller=setup.caller, parse=setup.parse, render=setup.render, call_sid=setup.call_sid,
        clock=clock, language=setup.language, require_pin=setup.require_pin, first_turn_no=setup.first_turn_no,
        book_confidence=setup.tuning.book_confidence,
    )


async def run_call(
    transport: Any,
    setup: CallSetup,
    *,
    on_worker: Callable[[PipelineWorker], None] | None = None,
) -> CallSummary:
    """Drive one call to its end: the bot's goodbye, the caller hanging up, or silence."""
    tuning = setup.tuning
    clock = CallClock()
    conversation = build_conversation(setup, clock)
    router = IntentRouter(conversation=conversation, clock=clock, call_sid=setup.call_sid)
    recorder = TurnRecorder(store=setup.store, call_sid=setup.call_sid, clock=clock)
    # About a second per piece: the recording goes to disk as the call runs (bot.call.recording).
    audio = AudioBufferProcessor(num_channels=2, auto_start_recording=True, buffer_size=SAMPLE_RATE * 2)
    recording_file = RecordingFile(
        recording_path(setup.recordings_dir, setup.caller.shop.id, setup.call_sid), conversation.state.recording_paused
    )
    vad = VADProcessor(
        vad_analyzer=SharedSileroVADAnalyzer(
            sample_rate=SAMPLE_RATE,
            params=VADParams(stop_secs=tuning.vad_stop_secs, start_secs=tuning.vad_start_secs),
        )
    )
    turns = UserTurnProcessor(
        user_turn_strategies=UserTurnStrategies(
            start=[VADUserTurnStartStrategy(enable_interruptions=True)],
            stop=[SpeechTimeoutUserTurnStopStrategy(user_speech_timeout=tuning.vad_stop_secs)],
        )
    )
    watchdog = SilenceWatchdog(prompt_after_s=tuning.silence_prompt_s, hangup_after_s=tuning.silence_hangup_s,
                               max_call_s=tuning.max_call_s)
    pipeline = Pipeline(
        [transport.input(), vad, setup.stt, turns, watchdog, router, setup.tts, recorder, transport.output(), audio]
    )
    worker = PipelineWorker(
        pipeline,
        params=PipelineParams(audio_in_sample_rate=SAMPLE_RATE, audio_out_sample_rate=SAMPLE_RATE),
        idle_timeout_secs=tuning.idle_timeout_s,
        enable_rtvi=False,
    )
    if on_worker is not None:
        on_worker(worker)

    disconnected = {"value": False}

    recording_stopped = asyncio.Event()

    @audio.event_handler("on_audio_data")
    async def _on_audio(_proc: Any, pcm: bytes, sample_rate: int, num_channels: int) -> None:
        recording_file.add(pcm, sample_rate, num_channels)

    @audio.event_handler("on_recording_stopped")
    async def _on_stopped(_proc: Any) -> None:
        recording_stopped.set()  # after the last piece's handler (handlers start in order)

    @transport.event_handler("on_client_disconnected")
    async def _on_disconnected(_transport: Any, _ws: Any) -> None:
        disconnected["value"] = True
        await worker.cancel(reason="client disconnected")

    runner = WorkerRunner(handle_sigint=False)
    await runner.add_workers(worker)
    ended_by = "error"
    try:
        await runner.run()
        ended_by = "bot" if router.ending else ("caller" if disconnected["value"] else "bot")
    finally:
        await recorder.drain()
        recording = None
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(recording_stopped.wait(), timeout=2.0)
            written = await recording_file.close()
            if written is not None:
                recording = await register_recording(
                    path=recording_file.path, duration_s=written[0], size_bytes=written[1],
                    shop_id=setup.caller.shop.id, call_sid=setup.call_sid, store=setup.store, jobs=setup.jobs,
                )
        except Exception:  # the call is over either way; the row says the recording is missing
            recording_file.abandon()
            call_log(__name__, setup.call_sid, setup.caller.shop.id).exception("recording not saved")
    end_code = None
    if recorder.recorded:
        end_code = recorder.recorded[-1].intent
    return CallSummary(
        call_sid=setup.call_sid, ended_by=ended_by, end_code=end_code, turns=list(recorder.recorded),
        recording=recording,
    )
