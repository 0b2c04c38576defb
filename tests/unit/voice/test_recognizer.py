import pytest

from bot.voice import ShopVocabulary, espeak
from bot.voice.audio import noise, phone_line
from bot.voice.language_model import build_shop_model
from bot.voice.recognizer import Recognizer


def _phone(text: str, voice: str = "en-us", rate: int = 150) -> bytes:
    u = espeak.synthesize(text, voice, rate)
    return phone_line(u.pcm, u.sample_rate)


@pytest.fixture(scope="module")
def recognizer(voice_cache, demo_vocab: ShopVocabulary) -> Recognizer:  # type: ignore[no-untyped-def]
    return Recognizer(build_shop_model(demo_vocab, voice_cache))


@pytest.mark.parametrize("text", ["Rahul ka balance batao", "chini kitni bachi hai", "kal kitna dhandha hua"])
def test_recognises_commands_over_the_phone_codec(recognizer: Recognizer, text: str) -> None:
    t = recognizer.recognize(_phone(text))
    assert t.text == text.lower()
    assert 0.0 < t.confidence <= 1.0
    assert [w.word for w in t.words] == t.text.split()
    assert 0 < t.audio_s  # decode and finalise times: benchmarks/bench_recognition.py


def test_line_noise_alone_is_empty_or_weak(recognizer: Recognizer) -> None:
    t = recognizer.recognize(noise(8000, 30, seed=5))
    assert t.is_empty or t.confidence < 0.9


def test_empty_audio(recognizer: Recognizer) -> None:
    assert recognizer.recognize(b"").is_empty


def test_swap_model_into_live_decoder(voice_cache, demo_vocab: ShopVocabulary) -> None:  # type: ignore[no-untyped-def]
    rec = Recognizer(build_shop_model(demo_vocab, voice_cache))
    audio = _phone("Kishore ka balance batao")
    assert "kishore" not in rec.recognize(audio).text
    bigger = ShopVocabulary.of(list(demo_vocab.customer_names) + ["Kishore"], list(demo_vocab.product_names))
    rec.swap_model(build_shop_model(bigger, voice_cache))
    assert rec.model.digest == build_shop_model(bigger, voice_cache).digest
    assert rec.recognize(audio).text == "kishore ka balance batao"


def test_streaming_matches_whole_segment(recognizer: Recognizer) -> None:
    audio = _phone("Rahul ka balance batao")
    whole = recognizer.recognize(audio)
    recognizer.reset_cmn()
    recognizer.begin(8000)
    for i in range(0, len(audio), 320):  # 20 ms frames, as a call delivers them
        recognizer.feed(audio[i : i + 320])
    streamed = recognizer.finish()
    assert streamed.text == whole.text == "rahul ka balance batao"
    assert streamed.audio_s == pytest.approx(whole.audio_s, abs=0.01)
    assert recognizer.finish().is_empty  # finishing twice is harmless


def test_confidence_of_an_entity_phrase(recognizer: Recognizer) -> None:
    t = recognizer.recognize(_phone("Rahul ka balance batao"))
    assert t.confidence == pytest.approx(sum(w.confidence for w in t.words) / len(t.words), abs=0.001)
    assert t.min_word_confidence <= t.confidence
    assert t.confidence_of("rahul") == t.words[0].confidence
    assert t.confidence_of("ka balance") == min(t.words[1].confidence, t.words[2].confidence)
    assert t.confidence_of("sunil") is None


def test_listening_for_yes_no_hears_the_answer_and_still_hears_commands(
    voice_cache, demo_vocab: ShopVocabulary  # type: ignore[no-untyped-def]
) -> None:
    from bot.voice.expect import YES_NO, classify

    rec = Recognizer(build_shop_model(demo_vocab, voice_cache))
    assert rec.listening_for is None
    rec.listen_for(YES_NO)
    assert rec.listening_for == YES_NO
    answers = [("haan ji", "yes"), ("theek hai", "yes"), ("nahi", "no"), ("mat karo", "no")]
    heard = [(rec.recognize(_phone(text, "en-us+f2")), want) for text, want in answers]
    assert sum(classify(t.text) == want for t, want in heard) >= 3, [t.text for t, _ in heard]
    assert all(classify(t.text) in (want, None) for t, want in heard)  # never the opposite answer
    assert rec.recognize(_phone("Rahul ka balance batao")).text == "rahul ka balance batao"
    rec.listen_for(None)
    assert rec.listening_for is None


def test_a_swapped_model_keeps_its_yes_no_search(voice_cache, demo_vocab: ShopVocabulary) -> None:  # type: ignore[no-untyped-def]
    from bot.voice.expect import YES_NO

    rec = Recognizer(build_shop_model(demo_vocab, voice_cache))
    rec.listen_for(YES_NO)
    bigger = ShopVocabulary.of(list(demo_vocab.customer_names) + ["Kishore"], list(demo_vocab.product_names))
    rec.swap_model(build_shop_model(bigger, voice_cache))
    assert rec.listening_for == YES_NO


def test_listening_for_a_customer_hears_names_and_still_hears_commands(
    voice_cache, demo_vocab: ShopVocabulary  # type: ignore[no-untyped-def]
) -> None:
    from bot.voice.expect import CUSTOMER

    rec = Recognizer(build_shop_model(demo_vocab, voice_cache))
    rec.listen_for(CUSTOMER)
    assert rec.listening_for == CUSTOMER
    assert rec.recognize(_phone("Rahul")).text.split()[0] == "rahul"
    assert rec.recognize(_phone("Rahul ka balance batao")).text == "rahul ka balance batao"
