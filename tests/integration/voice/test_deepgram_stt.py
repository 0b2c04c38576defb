"""The real Deepgram STT service (pipecat's, as bot.voice builds it) against a local fake of
Deepgram's live WebSocket: what the call asks for, and what confidence reaches the router."""

from __future__ import annotations

from pipecat.frames.frames import Frame, TranscriptionFrame
from pipecat.pipeline.service_switcher import ServiceSwitcher

from bot.call.intent_router import transcript_confidence
from bot.voice import ShopVocabulary, Transcript, VoiceConfig, weak_recognition
from bot.voice.deepgram import command_keyterms, shop_keyterms
from bot.voice.factory import make_deepgram_stt, make_stt
from tests.integration.voice.fake_deepgram import Said, fake_deepgram
from tests.integration.voice.speak import speak

VOCAB = ShopVocabulary.of(["Suresh", "Meena", "Rahul"], ["milk", "sugar"], product_aliases=["doodh", "cheeni"],
                          nicknames=["Pappu"])
SURE = Said("Suresh ne do sau rupaye cash diye", 0.97, (0.99, 0.98, 0.97, 0.99, 0.98, 0.96, 0.97))
UNSURE = Said("Suresh ne do sau rupaye khate diye", 0.81, (0.95, 0.9, 0.62, 0.7, 0.88, 0.41, 0.8))


def _is_transcript(frame: Frame) -> bool:
    return isinstance(frame, TranscriptionFrame)


async def test_the_call_asks_deepgram_for_the_shops_words_language_and_format(voice_cache) -> None:  # type: ignore[no-untyped-def]
    async with fake_deepgram([SURE]) as dg:
        cfg = VoiceConfig(deepgram_api_key="dg-test-key", deepgram_base_url=dg.base_url, cache_dir=voice_cache)
        stt = make_deepgram_stt(cfg, VOCAB, language="hi")
        await speak(stt, 1, _is_transcript)
    (session,) = dg.sessions
    q = session.query
    assert session.path == "/v1/listen" and session.authorization == "Token dg-test-key"
    assert q["language"] == ["hi"] and q["model"] == ["nova-3-general"]
    assert q["encoding"] == ["linear16"] and q["sample_rate"] == ["8000"] and q["channels"] == ["1"]
    # One repeated keyterm parameter per term: names first, then products, then command words.
    assert q["keyterm"][:7] == ["Suresh", "Meena", "Rahul", "Pappu", "milk", "sugar", "doodh"]
    assert {"udhaar", "jama", "khate", "cash", "UPI"} <= set(q["keyterm"])
    assert q["keyterm"] == shop_keyterms(VOCAB)
    assert session.audio_bytes > 0 and "Finalize" in session.controls and "CloseStream" in session.controls


async def test_the_shops_language_falls_back_to_the_process_default(voice_cache) -> None:  # type: ignore[no-untyped-def]
    async with fake_deepgram([SURE]) as dg:
        cfg = VoiceConfig(deepgram_api_key="k", deepgram_base_url=dg.base_url, deepgram_language="multi",
                          cache_dir=voice_cache)
        await speak(make_deepgram_stt(cfg, ShopVocabulary(), language=None), 1, _is_transcript)
    (session,) = dg.sessions
    assert session.query["language"] == ["multi"]
    # A shop with no names yet still boosts the command words.
    assert session.query["keyterm"] == list(command_keyterms())


async def test_transcripts_carry_deepgrams_confidences_through_the_fail_over_switch(voice_cache) -> None:  # type: ignore[no-untyped-def]
    async with fake_deepgram([SURE, UNSURE]) as dg:
        cfg = VoiceConfig(deepgram_api_key="k", deepgram_base_url=dg.base_url, cache_dir=voice_cache)
        stt = make_stt(cfg, VOCAB)
        assert isinstance(stt, ServiceSwitcher)
        frames = await speak(stt, 2, _is_transcript)
    assert stt.strategy.active_service.name == "DeepgramSTT"  # no fail-over happened
    sure, unsure = frames
    assert sure.text == SURE.transcript and unsure.text == UNSURE.transcript
    for frame, said in ((sure, SURE), (unsure, UNSURE)):
        result = frame.result
        assert isinstance(result, Transcript) and result.engine == "deepgram"
        assert [w.confidence for w in result.words] == list(said.word_confidences)
        assert result.words[0].word == "suresh" and result.words[0].end_s > result.words[0].start_s
    # The router sees one number per transcript, meaning what the embedded engine's means.
    assert transcript_confidence(sure) == round(min(0.97, sum(SURE.word_confidences) / 7), 3)
    assert transcript_confidence(unsure) == round(min(0.81, sum(UNSURE.word_confidences) / 7), 3)
    assert not weak_recognition(sure, 0.9) and weak_recognition(unsure, 0.9)
    assert unsure.result.confidence_of("khate") == 0.41  # the doubted word is known
