import pytest

from bot.voice import espeak
from bot.voice.tts import voice_for_text


def test_synthesize_english_and_hindi() -> None:
    en = espeak.synthesize("Rahul ka balance teen sau rupaye hai", "en-us")
    hi = espeak.synthesize("राहुल का बकाया ३०० रुपये है", "hi")
    assert en.sample_rate == espeak.native_sample_rate() == 22050
    assert len(en.pcm) / 2 / en.sample_rate > 1.0
    assert len(hi.pcm) / 2 / hi.sample_rate > 1.0


def test_rate_changes_duration() -> None:
    slow = espeak.synthesize("do sau rupaye", "en-us", rate=100)
    fast = espeak.synthesize("do sau rupaye", "en-us", rate=220)
    assert len(slow.pcm) > 1.5 * len(fast.pcm)


def test_unknown_voice_is_an_error() -> None:
    with pytest.raises(espeak.EspeakError):
        espeak.synthesize("x", "zz-no-such-voice")
    # and the library still works afterwards
    assert espeak.synthesize("ok", "en-us").pcm


def test_phonemes_in_ipa() -> None:
    assert "ʃ" in espeak.phonemes_ipa("Sharma", "en-us")
    assert espeak.phonemes_ipa("राहुल", "hi")


def test_devanagari_goes_to_the_hindi_voice() -> None:
    assert voice_for_text("राहुल का बकाया", "en-us", "hi") == "hi"
    assert voice_for_text("Rahul ka baaki", "en-us", "hi") == "en-us"


def test_language_switch_markers_are_stripped() -> None:
    # The Hindi voice reading Roman script switches to English and says so: "(en)...(hi)".
    assert "(" not in espeak.phonemes_ipa("paanch sau", "hi")
