"""Speech services for a call: cloud when keys are set (with embedded fail-over), else embedded.

`make_stt` / `make_tts` return one pipecat processor each, ready to drop into
the pipeline; the call path never needs to know which engine is behind it.
"""

from __future__ import annotations

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


def make_embedded_stt(config: VoiceConfig, vocabulary: ShopVocabulary) -> PocketsphinxSTTService:
    """The embedded recogniser, tuned to the shop's names."""
    from bot.understanding import parse  # the n-best is chosen by what each reading means

    return PocketsphinxSTTService(
        vocabulary=vocabulary, cache_dir=config.cache_dir, workers=config.stt_workers, name="EmbeddedSTT",
        reader=parse,
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


def make_deepgram_stt(config: VoiceConfig, vocabulary: ShopVocabulary, *, language: str | None = None) -> FrameProcessor:
    """Deepgram streaming recognition ("hi" or "multi"), boosted with the shop's names and command words;
    its final transcripts carry their confidences (bot.voice.deepgram_stt)."""
    from bot.voice.deepgram_stt import make_deepgram_stt as make

    return make(config, vocabulary, language=language)


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


def make_stt(config: VoiceConfig, vocabulary: ShopVocabulary, *, language: str | None = None) -> FrameProcessor:
    """Recognition for one call: Deepgram falling over to embedded, or embedded alone.

    `language` is the shop's recognition language for Deepgram ("hi" or "multi",
    ShopSettings.recognition_language; None or "" keeps the process's DEEPGRAM_LANGUAGE)."""
    embedded = make_embedded_stt(config, vocabulary)
    if not config.deepgram_api_key:
        return embedded
    return with_fallback(make_deepgram_stt(config, vocabulary, language=language), embedded)


def make_tts(config: VoiceConfig, language: str = "hinglish") -> FrameProcessor:
    """Synthesis for one call: ElevenLabs falling over to espeak-ng, or espeak-ng alone."""
    embedded = make_embedded_tts(config, language)
    if not config.elevenlabs_api_key:
        return embedded
    return with_fallback(make_elevenlabs_tts(config, language), embedded)
