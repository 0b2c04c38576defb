from pathlib import Path

from pydantic import SecretStr

from bot.voice import ShopVocabulary, VoiceConfig


def test_vocabulary_cleans_and_dedupes() -> None:
    v = ShopVocabulary.of([" Rahul ", "", "Rahul", "Sunil"], ["chini"], nicknames=["Raju"])
    assert v.customer_names == ("Rahul", "Sunil")
    assert v.people == ("Rahul", "Sunil", "Raju")
    assert v.products == ("chini",)


def test_digest_ignores_order_but_not_content() -> None:
    a = ShopVocabulary.of(["Rahul", "Sunil"], ["chini"])
    b = ShopVocabulary.of(["Sunil", "Rahul"], ["chini"])
    c = ShopVocabulary.of(["Sunil", "Rohit"], ["chini"])
    assert a.digest() == b.digest() != c.digest()
    assert a.digest("v1") != a.digest("v2")


class _Settings:
    deepgram_api_key = SecretStr("dg-key")
    deepgram_base_url = "http://127.0.0.1:9"
    deepgram_language = "hi"
    elevenlabs_api_key = SecretStr("")
    data_dir = Path("/tmp/execora-x")
    embedded_voice_rate = 140


def test_from_settings_reveals_secrets_and_defaults_the_rest() -> None:
    cfg = VoiceConfig.from_settings(_Settings())
    assert cfg.deepgram_api_key == "dg-key"
    assert cfg.deepgram_language == "hi"
    assert cfg.elevenlabs_api_key == ""
    assert cfg.embedded_rate_wpm == 140
    assert cfg.cache_dir == Path("/tmp/execora-x/voice-cache")
    assert cfg.elevenlabs_model == "eleven_flash_v2_5"
