"""Cloud engines fall over to the embedded ones when the vendor drops or refuses us.

The vendor is a local WebSocket server: one that accepts and drops the
connection, and one that refuses the handshake with HTTP 503.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import websockets
from pipecat.frames.frames import (
    InputAudioRawFrame,
    TranscriptionFrame,
    TTSAudioRawFrame,
    TTSSpeakFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.pipeline.service_switcher import ServiceSwitcher
from pipecat.pipeline.worker import PipelineParams
from pipecat.tests.utils import run_test
from websockets.http11 import Response

from bot.voice import ShopVocabulary, VoiceConfig, espeak
from bot.voice.audio import phone_line
from bot.voice.factory import make_stt, make_tts

PHONE = PipelineParams(audio_in_sample_rate=8000, audio_out_sample_rate=8000)


async def _drop(ws) -> None:  # type: ignore[no-untyped-def]
    await ws.close(code=1011)


def _refuse(_conn, _request) -> Response:  # type: ignore[no-untyped-def]
    return _conn.respond(503, "unavailable\n")


@asynccontextmanager
async def fake_vendor(mode: str) -> AsyncIterator[int]:
    process_request = _refuse if mode == "refuse" else None
    async with websockets.serve(_drop, "127.0.0.1", 0, process_request=process_request) as server:
        yield server.sockets[0].getsockname()[1]


def test_without_keys_the_engines_are_embedded(voice_cache) -> None:  # type: ignore[no-untyped-def]
    cfg = VoiceConfig(cache_dir=voice_cache)
    assert not isinstance(make_tts(cfg), ServiceSwitcher)
    assert not isinstance(make_stt(cfg, ShopVocabulary()), ServiceSwitcher)


def test_with_keys_the_cloud_engine_comes_first(voice_cache) -> None:  # type: ignore[no-untyped-def]
    cfg = VoiceConfig(deepgram_api_key="k", elevenlabs_api_key="k", cache_dir=voice_cache)
    stt, tts = make_stt(cfg, ShopVocabulary.of(["Rahul"])), make_tts(cfg, "hi")
    assert isinstance(stt, ServiceSwitcher) and isinstance(tts, ServiceSwitcher)
    assert [s.name for s in stt.services] == ["DeepgramSTT", "EmbeddedSTT"]
    assert [s.name for s in tts.services] == ["ElevenLabsTTS", "EmbeddedTTS"]
    assert stt.strategy.active_service.name == "DeepgramSTT"


@pytest.mark.parametrize("mode", ["drop", "refuse"])
async def test_elevenlabs_failure_falls_over_to_espeak(voice_cache, mode: str) -> None:  # type: ignore[no-untyped-def]
    async with fake_vendor(mode) as port:
        cfg = VoiceConfig(elevenlabs_api_key="k", elevenlabs_base_url=f"http://127.0.0.1:{port}", cache_dir=voice_cache)
        tts = make_tts(cfg)
        assert isinstance(tts, ServiceSwitcher)
        down, _ = await run_test(
            tts,
            frames_to_send=[TTSSpeakFrame("Rahul ka balance teen sau rupaye hai", append_to_context=False)],
            pipeline_params=PHONE,
            start_timeout=10,
        )
    assert tts.strategy.active_service.name == "EmbeddedTTS"
    audio = b"".join(f.audio for f in down if isinstance(f, TTSAudioRawFrame))
    whole = espeak.synthesize("Rahul ka balance teen sau rupaye hai", cfg.embedded_voice_en, cfg.embedded_rate_wpm)
    # The sentence the vendor lost is said by the embedded voice: the caller hears all of it.
    assert len(audio) / 2 / 8000 >= 0.95 * len(whole.pcm) / 2 / whole.sample_rate


@pytest.mark.parametrize("mode", ["drop", "refuse"])
async def test_deepgram_failure_falls_over_to_pocketsphinx(voice_cache, demo_vocab, mode: str) -> None:  # type: ignore[no-untyped-def]
    async with fake_vendor(mode) as port:
        cfg = VoiceConfig(deepgram_api_key="k", deepgram_base_url=f"http://127.0.0.1:{port}", cache_dir=voice_cache)
        stt = make_stt(cfg, demo_vocab)
        u = espeak.synthesize("Rahul ka balance batao", "en-us", 150)
        pcm = phone_line(u.pcm, u.sample_rate)
        frames = (
            [VADUserStartedSpeakingFrame()]
            + [InputAudioRawFrame(audio=pcm[i : i + 320], sample_rate=8000, num_channels=1) for i in range(0, len(pcm), 320)]
            + [VADUserStoppedSpeakingFrame()]
        )
        down, _ = await run_test(stt, frames_to_send=frames, pipeline_params=PHONE, start_timeout=20)
    assert isinstance(stt, ServiceSwitcher)
    assert stt.strategy.active_service.name == "EmbeddedSTT"
    assert [f.text for f in down if isinstance(f, TranscriptionFrame)] == ["rahul ka balance batao"]
