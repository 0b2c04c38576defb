"""Speech services for a call: cloud when keys are set (with embedded fail-over), else embedded.

`make_stt` / `make_tts` return one pipecat processor each, ready to drop into
the pipeline; the call path never needs to know which engine is behind it.
"""

from __future__ import annotations

import asyncio
import logging

from pipecat.frames.frames import TTSAudioRawFrame
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from bot.voice.config import ShopVocabulary, VoiceConfig
from bot.voice.failover import with_fallback
from bot.voice.stt import PocketsphinxSTTService
from bot.voice.tts import EspeakTTSService

log = logging.getLogger(__name__)

# ElevenLabs' stock multilingual voice, used when no voice is configured.
DEFAULT_ELEVENLABS_VOICE = "21m00Tcm4TlvDq8ikWAM"
DEEPGRAM_MAX_KEYTERMS = 50


def make_embedded_stt(config: VoiceConfig, vocabulary: ShopVocabulary) -> PocketsphinxSTTService:
    """The embedded recogniser, tuned to the shop's names."""
    return PocketsphinxSTTService(
        vocabulary=vocabulary, cache_dir=config.cache_dir, workers=config.stt_workers, name="EmbeddedSTT"
    )


def make_embedded_tts(config: VoiceConfig, language: str = "hinglish") -> EspeakTTSService:
    """espeak-ng: Devanagari with the Hindi voice, Roman script with the English one."""
    return EspeakTTSService(
        voice_en=config.embedded_voice_en,
        voice_hi=config.embedded_voice_hi,
        language="hi" if language == "hi" else "en",
        rate_wpm=config.embedded_rate_wpm,
        name="EmbeddedTTS",
    )


DEEPGRAM_CONNECT_WAIT_S = 1.5


def make_deepgram_stt(config: VoiceConfig, vocabulary: ShopVocabulary) -> FrameProcessor:
    """Deepgram streaming recognition ("hi" or "multi"), boosted with the shop's names."""
    from pipecat.services.deepgram.stt import DeepgramSTTService

    class DeepgramSTT(DeepgramSTTService):  # type: ignore[misc]
        """Deepgram that does not hold the call's start hostage to its connection.

        pipecat 1.14 waits in `setup` until Deepgram connects or gives up
        (seconds of retries with back-off when it refuses us): the greeting
        would wait too. Its first connection error already switches the call
        to the embedded recogniser, so setup waits briefly and moves on.
        """

        async def _connect(self) -> None:
            self._quick_failure_tracker.reset()
            self._connection_settled.clear()
            self._connection_task = self.create_task(self._connection_handler())  # type: ignore[assignment]
            try:
                await asyncio.wait_for(self._connection_settled.wait(), DEEPGRAM_CONNECT_WAIT_S)
            except TimeoutError:
                log.warning("Deepgram not connected after %.1f s; carrying on", DEEPGRAM_CONNECT_WAIT_S)

    keyterms = list(dict.fromkeys(vocabulary.people + vocabulary.products))[:DEEPGRAM_MAX_KEYTERMS]
    settings = DeepgramSTTService.Settings(
        model=config.deepgram_model,
        language=config.deepgram_language,
        interim_results=False,
        smart_format=False,
        punctuate=False,
        keyterm=keyterms or None,
    )
    return DeepgramSTT(
        api_key=config.deepgram_api_key,
        base_url=config.deepgram_base_url,
        settings=settings,
        name="DeepgramSTT",
    )


def make_elevenlabs_tts(config: VoiceConfig, language: str = "hinglish") -> FrameProcessor:
    """ElevenLabs WebSocket synthesis (eleven_flash_v2_5 speaks Hindi)."""
    from pipecat.services.elevenlabs.tts import ElevenLabsTTSService

    url = config.elevenlabs_base_url or "wss://api.elevenlabs.io"
    url = url.replace("https://", "wss://").replace("http://", "ws://")
    settings = ElevenLabsTTSService.Settings(
        model=config.elevenlabs_model,
        voice=config.elevenlabs_voice_id or DEFAULT_ELEVENLABS_VOICE,
        # Hinglish replies are Roman script: let the model pick; "hi"/"en" pin the language.
        language=language if language in {"hi", "en"} else None,
    )
    class ElevenLabsTTS(ElevenLabsTTSService):  # type: ignore[misc]
        """Remembers the sentence it has not produced audio for yet, so a fail-over can say it."""

        pending_text: str | None = None

        async def run_tts(self, text: str, context_id: str):  # type: ignore[no-untyped-def]
            self.pending_text = text
            async for frame in super().run_tts(text, context_id):
                yield frame

        async def push_frame(self, frame, direction=FrameDirection.DOWNSTREAM):  # type: ignore[no-untyped-def]
            if isinstance(frame, TTSAudioRawFrame):
                self.pending_text = None
            await super().push_frame(frame, direction)

    return ElevenLabsTTS(api_key=config.elevenlabs_api_key, url=url, settings=settings, name="ElevenLabsTTS")


def make_stt(config: VoiceConfig, vocabulary: ShopVocabulary) -> FrameProcessor:
    """Recognition for one call: Deepgram falling over to embedded, or embedded alone."""
    embedded = make_embedded_stt(config, vocabulary)
    if not config.deepgram_api_key:
        return embedded
    return with_fallback(make_deepgram_stt(config, vocabulary), embedded)


def make_tts(config: VoiceConfig, language: str = "hinglish") -> FrameProcessor:
    """Synthesis for one call: ElevenLabs falling over to espeak-ng, or espeak-ng alone."""
    embedded = make_embedded_tts(config, language)
    if not config.elevenlabs_api_key:
        return embedded
    return with_fallback(make_elevenlabs_tts(config, language), embedded)
