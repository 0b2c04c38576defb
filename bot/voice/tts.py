"""EspeakTTSService: pipecat text-to-speech on the embedded espeak-ng library.

Synthesis runs in a worker thread (the library is synchronous and holds a
process-wide lock); each chunk the library hands its callback is resampled to
the pipeline's rate (8 kHz on the phone) and yielded as soon as it exists, so
first audio follows the text by about a millisecond of synthesis.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass

from pipecat.frames.frames import ErrorFrame, Frame, TTSAudioRawFrame
from pipecat.services.settings import TTSSettings
from pipecat.services.tts_service import TTSService
from pipecat.transcriptions.language import Language

from bot.voice import espeak
from bot.voice.audio import StreamResampler

log = logging.getLogger(__name__)

_DEVANAGARI = re.compile(r"[\u0900-\u097F]")


def voice_for_text(text: str, voice_en: str, voice_hi: str) -> str:
    """Devanagari is read by the Hindi voice; Roman script (English, Hinglish) by the English one.

    The Hindi voice reads Roman-script words with English rules anyway, and
    the English voice cannot read Devanagari at all.
    """
    return voice_hi if _DEVANAGARI.search(text) else voice_en


@dataclass
class SynthesisTiming:
    """How long the last reply took: first audio chunk and the whole reply (seconds)."""

    first_audio_s: float = 0.0
    total_s: float = 0.0
    audio_s: float = 0.0


class EspeakTTSService(TTSService):
    """Embedded espeak-ng synthesis for pipecat pipelines (English and Hindi voices)."""

    def __init__(
        self,
        *,
        voice_en: str = "en-us",
        voice_hi: str = "hi",
        language: str = "en",
        rate_wpm: int = espeak.DEFAULT_RATE_WPM,
        **kwargs: object,
    ) -> None:
        lang = Language.HI if language == "hi" else Language.EN
        settings = TTSSettings(
            model="espeak-ng",
            voice=voice_hi if lang == Language.HI else voice_en,
            language=lang,
        )
        super().__init__(settings=settings, push_start_frame=True, push_stop_frames=True, **kwargs)  # type: ignore[arg-type]
        self._voice_en = voice_en
        self._voice_hi = voice_hi
        self._rate_wpm = rate_wpm
        self.last_timing = SynthesisTiming()

    def can_generate_metrics(self) -> bool:
        return True

    def language_to_service_language(self, language: Language) -> str | None:
        return "hi" if str(language).lower().startswith("hi") else "en"

    def _pick_voice(self, text: str) -> str:
        return voice_for_text(text, self._voice_en, self._voice_hi)

    async def run_tts(self, text: str, context_id: str) -> AsyncGenerator[Frame | None, None]:
        """Synthesise `text` off the event loop, yielding audio as the library produces it."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[bytes | BaseException | None] = asyncio.Queue()
        voice = self._pick_voice(text)
        started = time.perf_counter()

        def sink(chunk: bytes) -> None:
            loop.call_soon_threadsafe(queue.put_nowait, chunk)

        def work() -> None:
            try:
                eng = espeak._engine()
                with eng.lock:
                    eng.synth(text, voice, self._rate_wpm, None, sink)
                loop.call_soon_threadsafe(queue.put_nowait, None)
            except BaseException as exc:  # handed to the coroutine, which reports it
                loop.call_soon_threadsafe(queue.put_nowait, exc)

        await self.start_tts_usage_metrics(text)
        worker = loop.run_in_executor(None, work)
        resampler = StreamResampler(espeak.native_sample_rate(), self.sample_rate, quality="HQ")
        timing = SynthesisTiming()
        out_bytes = 0
        try:
            while True:
                item = await queue.get()
                if isinstance(item, BaseException):
                    log.warning("espeak synthesis failed: %s", type(item).__name__)
                    yield ErrorFrame(error=f"espeak-ng synthesis failed: {item}")
                    break
                last = item is None
                pcm = resampler.process(b"" if item is None else item, last=last)
                if pcm:
                    if not timing.first_audio_s:
                        timing.first_audio_s = time.perf_counter() - started
                        await self.stop_ttfb_metrics()
                    out_bytes += len(pcm)
                    yield TTSAudioRawFrame(
                        audio=pcm, sample_rate=self.sample_rate, num_channels=1, context_id=context_id
                    )
                if last:
                    break
        finally:
            await worker
            timing.total_s = time.perf_counter() - started
            timing.audio_s = out_bytes / 2 / max(1, self.sample_rate)
            self.last_timing = timing
            await self.stop_ttfb_metrics()
