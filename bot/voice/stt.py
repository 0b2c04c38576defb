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
from collections.abc import AsyncGenerator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipecat.frames.frames import Frame, TranscriptionFrame
from pipecat.services.settings import STTSettings
from pipecat.services.stt_service import SegmentedSTTService
from pipecat.transcriptions.language import Language
from pipecat.utils.time import time_now_iso8601

from bot.voice.audio import noise
from bot.voice.config import ShopVocabulary
from bot.voice.language_model import build_shop_model
from bot.voice.recognizer import PAD_RMS, Recognizer, Transcript

log = logging.getLogger(__name__)

# Measured: result 40-110 ms after the end of a segment on 2 vCPU; p99 with queueing.
EMBEDDED_TTFS_P99 = 0.35

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
        self._cache_dir = Path(cache_dir)
        self._executor = recognition_pool(workers)
        self._recognizer_future: asyncio.Future[Recognizer] | None = None
        self.last_transcript: Transcript | None = None

    @property
    def wants_wav_segments(self) -> bool:
        return False  # the recogniser reads raw 16-bit PCM

    def _trailing_silence(self) -> bytes:
        """Low-level noise instead of zeros: exact digital silence hurts recognition."""
        n = max(0, int(self.sample_rate * self._trailing_silence_secs))
        return noise(n, PAD_RMS, seed=n)

    def _build(self) -> Recognizer:
        return Recognizer(build_shop_model(self._vocabulary, self._cache_dir))

    def _ensure_recognizer(self) -> asyncio.Future[Recognizer]:
        if self._recognizer_future is None:
            loop = asyncio.get_running_loop()
            self._recognizer_future = loop.run_in_executor(self._executor, self._build)
        return self._recognizer_future

    async def start(self, frame):  # type: ignore[no-untyped-def]
        await super().start(frame)
        self._ensure_recognizer()  # warm up off the loop while the greeting plays

    async def update_vocabulary(self, vocabulary: ShopVocabulary) -> None:
        """Rebuild the shop model for new names and swap it into the live decoder."""
        if vocabulary == self._vocabulary:
            return
        self._vocabulary = vocabulary
        recognizer = await self._ensure_recognizer()
        loop = asyncio.get_running_loop()

        def rebuild() -> None:
            recognizer.swap_model(build_shop_model(vocabulary, self._cache_dir))

        await loop.run_in_executor(self._executor, rebuild)

    async def recognize(self, pcm: bytes) -> Transcript:
        """Recognise int16 PCM at the pipeline's rate, off the event loop."""
        recognizer = await self._ensure_recognizer()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, recognizer.recognize, pcm, self.sample_rate)

    async def run_stt(self, audio: bytes) -> AsyncGenerator[Frame | None, None]:
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
