"""PocketsphinxSTTService: pipecat speech recognition on the embedded recogniser.

A `SegmentedSTTService`: the VAD bounds each utterance, the whole segment is
decoded in a worker thread (never on the event loop) and one final
`TranscriptionFrame` comes out. Its `result` is a `Transcript` carrying the
recogniser's confidence, so the router can refuse to book on a weak match.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import deque
from collections.abc import AsyncGenerator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipecat.frames.frames import Frame, TranscriptionFrame
from pipecat.processors.frame_processor import FrameDirection
from pipecat.services.settings import STTSettings
from pipecat.services.stt_service import SegmentedSTTService
from pipecat.transcriptions.language import Language
from pipecat.utils.time import time_now_iso8601

from bot.voice.audio import noise
from bot.voice.config import ShopVocabulary
from bot.voice.language_model import load_shop_model
from bot.voice.listening import ListenForFrame
from bot.voice.meaning import MeaningChooser, Reader
from bot.voice.recognizer import PAD_RMS, Recognizer, Transcript

log = logging.getLogger(__name__)

# Measured: with streaming decode the result is ~10-30 ms after the VAD stop on 2 vCPU;
# p99 allows for queueing behind other calls' recognition.
EMBEDDED_TTFS_P99 = 0.25

_STREAMED = b"\x00\x00"  # segment-queue marker: the result comes from the streamed decode
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def recognition_pool(workers: int = 2) -> ThreadPoolExecutor:
    """The process-wide thread pool embedded recognition runs in (sized once, on first use)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="execora-stt")
        return _pool


def weak_recognition(frame: Frame, threshold: float) -> bool:
    """True when `frame` is a transcript whose recogniser was not sure enough to act on.

    Transcripts from engines that report no confidence (cloud services) are
    never called weak here; the router's own entity matching still applies.
    """
    result = getattr(frame, "result", None)
    return isinstance(result, Transcript) and result.confidence < threshold


class PocketsphinxSTTService(SegmentedSTTService):
    """Embedded recognition tuned to one shop's customers, products and command words."""

    def __init__(
        self,
        *,
        vocabulary: ShopVocabulary,
        cache_dir: Path,
        workers: int = 2,
        ttfs_p99_latency: float = EMBEDDED_TTFS_P99,
        streaming: bool = True,
        reader: Reader | None = None,
        **kwargs: object,
    ) -> None:
        settings = STTSettings(model="pocketsphinx-en-us-shop", language=Language.EN)
        super().__init__(
            settings=settings,
            ttfs_p99_latency=ttfs_p99_latency,
            trailing_silence_secs=0.3,
            **kwargs,  # type: ignore[arg-type]
        )
        self._vocabulary = vocabulary
        self._reader = reader  # the understanding, to choose n-best readings by meaning (bot.voice.meaning)
        self._cache_dir = Path(cache_dir)
        self._executor = recognition_pool(workers)
        self._recognizer_future: asyncio.Future[Recognizer] | None = None
        self.last_transcript: Transcript | None = None
        self._streaming = streaming
        self._ops: asyncio.Queue[tuple[str, bytes | str | None, asyncio.Future[Transcript] | None]] = asyncio.Queue()
        self._ops_task: asyncio.Task[None] | None = None
        self._finishes: deque[asyncio.Future[Transcript]] = deque()
        self._streamed = 0

    @property
    def wants_wav_segments(self) -> bool:
        return False  # the recogniser reads raw 16-bit PCM

    def trailing_pad(self) -> bytes:
        """What ends each segment: low-level noise instead of zeros (exact digital silence hurts recognition)."""
        n = max(0, int(self.sample_rate * self._trailing_silence_secs))
        return noise(n, PAD_RMS, seed=n)

    def _trailing_silence(self) -> bytes:  # pipecat's hook
        return self.trailing_pad()

    async def _load(self) -> Recognizer:
        model = await load_shop_model(self._vocabulary, self._cache_dir, self._executor)
        chooser = self._chooser()
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, lambda: Recognizer(model, chooser=chooser)
        )

    def _chooser(self) -> MeaningChooser | None:
        return MeaningChooser(self._vocabulary, self._reader) if self._reader is not None else None

    def _ensure_recognizer(self) -> asyncio.Future[Recognizer]:
        if self._recognizer_future is None:
            self._recognizer_future = asyncio.ensure_future(self._load())
        return self._recognizer_future

    async def prepare(self) -> None:
        """Have the recogniser ready (call before the greeting to keep the first turn fast)."""
        await self._ensure_recognizer()

    async def start(self, frame):  # type: ignore[no-untyped-def]
        await super().start(frame)
        self._ensure_recognizer()  # warm up off the loop while the greeting plays
        if self._streaming:
            self._ops_task = self.create_task(self._decoder_ops())

    async def stop(self, frame):  # type: ignore[no-untyped-def]
        await super().stop(frame)  # transcribes what is queued first
        await self._stop_ops()

    async def cancel(self, frame):  # type: ignore[no-untyped-def]
        await super().cancel(frame)
        await self._stop_ops()

    async def _stop_ops(self) -> None:
        if self._ops_task is not None:
            await self.cancel_task(self._ops_task)
            self._ops_task = None

    async def update_vocabulary(self, vocabulary: ShopVocabulary) -> None:
        """Rebuild the shop model for new names and swap it into the live decoder."""
        if vocabulary == self._vocabulary:
            return
        self._vocabulary = vocabulary
        recognizer = await self._ensure_recognizer()
        model = await load_shop_model(vocabulary, self._cache_dir, self._executor)
        await asyncio.get_running_loop().run_in_executor(self._executor, recognizer.swap_model, model)
        recognizer.set_chooser(self._chooser())

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        if isinstance(frame, ListenForFrame):
            # In order with the audio: it applies from the next utterance on.
            if self._streaming:
                self._ops.put_nowait(("listen", frame.expect, None))
            else:
                recognizer = await self._ensure_recognizer()
                recognizer.listen_for(frame.expect)
        await super().process_frame(frame, direction)

    async def recognize(self, pcm: bytes) -> Transcript:
        """Recognise a whole int16 segment at the pipeline's rate, off the event loop."""
        recognizer = await self._ensure_recognizer()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, recognizer.recognize, pcm, self.sample_rate)

    # --- streaming: decode while the caller speaks --------------------------
    #
    # SegmentedSTTService hands over a segment only when the VAD says the
    # caller stopped, so decoding all of it then would put ~0.07 x its length
    # (~200 ms) between the end of speech and the transcript. Instead the audio
    # is fed to the decoder as it arrives (in order, in the thread pool) and
    # only the last frames remain when the VAD stops: the segment queue then
    # carries a marker and run_stt collects the streamed result.

    async def _decoder_ops(self) -> None:
        """Run decoder operations for this call in order, batching consecutive audio."""
        loop = asyncio.get_running_loop()
        while True:
            op, arg, done = await self._ops.get()
            try:
                recognizer = await self._ensure_recognizer()
                if op == "feed":
                    chunks = [_audio(arg)]
                    while not self._ops.empty() and self._ops._queue[0][0] == "feed":  # type: ignore[attr-defined]
                        chunks.append(_audio(self._ops.get_nowait()[1]))
                    await loop.run_in_executor(self._executor, recognizer.feed, b"".join(chunks))
                elif op == "begin":
                    await loop.run_in_executor(self._executor, recognizer.begin, self.sample_rate)
                    await loop.run_in_executor(self._executor, recognizer.feed, _audio(arg))
                elif op == "listen":
                    recognizer.listen_for(arg if isinstance(arg, str) else None)  # a flag; the lock is brief
                elif op == "finish" and done is not None:
                    done.set_result(await loop.run_in_executor(self._executor, recognizer.finish))
            except Exception as exc:  # a failed utterance must not stop the next one
                log.warning("embedded recognition failed: %s", type(exc).__name__)
                if done is not None and not done.done():
                    done.set_exception(exc)

    async def _handle_user_started_speaking(self, frame):  # type: ignore[no-untyped-def]
        await super()._handle_user_started_speaking(frame)
        if self._streaming:
            # The buffer holds up to 1 s before the VAD fired: the start of the first word.
            self._ops.put_nowait(("begin", bytes(self._audio_buffer), None))
            self._streamed = len(self._audio_buffer)

    async def process_audio_frame(self, frame, direction):  # type: ignore[no-untyped-def]
        await super().process_audio_frame(frame, direction)
        if self._streaming and self._user_speaking:
            self._ops.put_nowait(("feed", frame.audio, None))

    async def _handle_user_stopped_speaking(self, frame):  # type: ignore[no-untyped-def]
        if not self._streaming:
            await super()._handle_user_stopped_speaking(frame)
            return
        self._user_speaking = False
        if not self.is_usable:
            self._audio_buffer.clear()
            return
        self._record_stt_audio_usage(bytes(self._audio_buffer))
        self._audio_buffer.clear()
        await self.emit_stt_usage_metrics()
        done: asyncio.Future[Transcript] = asyncio.get_running_loop().create_future()
        self._ops.put_nowait(("finish", None, done))
        self._finishes.append(done)
        await self._segment_queue.put(_STREAMED)

    async def run_stt(self, audio: bytes) -> AsyncGenerator[Frame | None, None]:
        if audio is _STREAMED and self._finishes:
            transcript = await self._finishes.popleft()
        else:
            transcript = await self.recognize(audio)
        self.last_transcript = transcript
        await self.stop_ttfb_metrics()
        if transcript.is_empty:
            log.debug("no speech recognised in %.2f s segment", transcript.audio_s)
            yield None
            return
        log.debug("recognised segment: confidence %.2f, %d words", transcript.confidence, len(transcript.words))
        yield TranscriptionFrame(
            transcript.text,
            self._user_id,
            time_now_iso8601(),
            Language.EN,
            result=transcript,
        )


def _audio(arg: bytes | str | None) -> bytes:
    return arg if isinstance(arg, bytes) else b""
