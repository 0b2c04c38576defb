"""The pipecat services, driven by pipecat's own test runner (no network)."""

from pipecat.frames.frames import (
    InputAudioRawFrame,
    TranscriptionFrame,
    TTSAudioRawFrame,
    TTSSpeakFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.pipeline.worker import PipelineParams
from pipecat.tests.utils import run_test

from bot.voice import ShopVocabulary, Transcript, VoiceConfig, espeak, weak_recognition
from bot.voice.audio import phone_line, rms
from bot.voice.factory import make_stt, make_tts
from bot.voice.stt import PocketsphinxSTTService
from bot.voice.tts import EspeakTTSService
from tests.support.pipecat import set_up_for_phone

PHONE = PipelineParams(audio_in_sample_rate=8000, audio_out_sample_rate=8000)


async def test_tts_yields_8k_audio_for_english_and_devanagari(voice_cache) -> None:  # type: ignore[no-untyped-def]
    tts = make_tts(VoiceConfig(cache_dir=voice_cache))
    assert isinstance(tts, EspeakTTSService)
    down, _ = await run_test(
        tts,
        frames_to_send=[
            TTSSpeakFrame("Rahul ka balance teen sau rupaye hai", append_to_context=False),
            TTSSpeakFrame("राहुल का बकाया ३०० रुपये है", append_to_context=False),
        ],
        pipeline_params=PHONE,
    )
    audio = [f for f in down if isinstance(f, TTSAudioRawFrame)]
    assert audio and {f.sample_rate for f in audio} == {8000}
    pcm = b"".join(f.audio for f in audio)
    assert len(pcm) / 2 / 8000 > 3.0
    assert rms(pcm) > 500
    assert 0 <= tts.last_timing.first_audio_s <= tts.last_timing.total_s  # how fast: benchmarks/bench_recognition.py


async def test_stt_transcribes_a_vad_segment_with_confidence(voice_cache, demo_vocab: ShopVocabulary) -> None:  # type: ignore[no-untyped-def]
    stt = make_stt(VoiceConfig(cache_dir=voice_cache), demo_vocab)
    assert isinstance(stt, PocketsphinxSTTService)
    u = espeak.synthesize("Rahul ka balance batao", "en-us", 150)
    pcm = phone_line(u.pcm, u.sample_rate)
    frames = (
        [VADUserStartedSpeakingFrame()]
        + [InputAudioRawFrame(audio=pcm[i : i + 320], sample_rate=8000, num_channels=1) for i in range(0, len(pcm), 320)]
        + [VADUserStoppedSpeakingFrame()]
    )
    down, _ = await run_test(stt, frames_to_send=frames, pipeline_params=PHONE, start_timeout=10)
    transcripts = [f for f in down if isinstance(f, TranscriptionFrame)]
    assert [t.text for t in transcripts] == ["rahul ka balance batao"]
    result = transcripts[0].result
    assert isinstance(result, Transcript) and result.confidence > 0.5
    assert transcripts[0].finalized
    assert not weak_recognition(transcripts[0], 0.3)
    assert weak_recognition(transcripts[0], 1.01)


async def test_stt_trailing_pad_is_noise_not_zeros(voice_cache, demo_vocab: ShopVocabulary) -> None:  # type: ignore[no-untyped-def]
    stt = PocketsphinxSTTService(vocabulary=demo_vocab, cache_dir=voice_cache)
    await set_up_for_phone(stt)
    pad = stt.trailing_pad()
    assert len(pad) == 2 * int(8000 * 0.3)
    assert 0 < rms(pad) < 100
    await stt.cleanup()


async def test_update_vocabulary_swaps_names(voice_cache, demo_vocab: ShopVocabulary) -> None:  # type: ignore[no-untyped-def]
    stt = PocketsphinxSTTService(vocabulary=demo_vocab, cache_dir=voice_cache)
    await set_up_for_phone(stt)
    u = espeak.synthesize("Kishore ka balance batao", "en-us", 150)
    pcm = phone_line(u.pcm, u.sample_rate)
    await stt.update_vocabulary(ShopVocabulary.of(["Kishore", "Rahul"], ["chini"]))
    assert (await stt.recognize(pcm)).text == "kishore ka balance batao"
    await stt.cleanup()


async def test_stt_batch_mode_still_works(voice_cache, demo_vocab: ShopVocabulary) -> None:  # type: ignore[no-untyped-def]
    stt = PocketsphinxSTTService(vocabulary=demo_vocab, cache_dir=voice_cache, streaming=False)
    u = espeak.synthesize("chini kitni bachi hai", "en-us", 150)
    pcm = phone_line(u.pcm, u.sample_rate)
    frames = (
        [VADUserStartedSpeakingFrame()]
        + [InputAudioRawFrame(audio=pcm[i : i + 320], sample_rate=8000, num_channels=1) for i in range(0, len(pcm), 320)]
        + [VADUserStoppedSpeakingFrame()]
    )
    down, _ = await run_test(stt, frames_to_send=frames, pipeline_params=PHONE, start_timeout=10)
    assert [f.text for f in down if isinstance(f, TranscriptionFrame)] == ["chini kitni bachi hai"]
