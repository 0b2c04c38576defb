
from bot.voice import ShopVocabulary
from bot.voice.language_model import build_corpus, build_shop_model, normalise


def test_normalise() -> None:
    assert normalise("Parle-G, 2 packet!") == "parle g packet"
    assert normalise("Sharma ji's") == "sharma jis"


def test_corpus_puts_every_name_into_commands(demo_vocab: ShopVocabulary) -> None:
    corpus = build_corpus(demo_vocab)
    for name in ("rahul", "pinky", "mohan"):
        assert any(s.startswith(f"{name} ka balance") for s in corpus)
    assert any("maggi" in s for s in corpus)
    assert "do sau" in corpus


def test_model_is_cached_by_names(tmp_path, demo_vocab: ShopVocabulary) -> None:  # type: ignore[no-untyped-def]
    first = build_shop_model(demo_vocab, tmp_path)
    files = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    again = build_shop_model(demo_vocab, tmp_path)
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == files  # served from the cache, nothing rebuilt
    assert again == first
    other = build_shop_model(ShopVocabulary.of(["Kishore"]), tmp_path)
    assert other.digest != first.digest
    assert "kishore" in other.words and "kishore" not in first.words


def test_dictionary_covers_every_word(voice_cache, demo_vocab: ShopVocabulary) -> None:  # type: ignore[no-untyped-def]
    model = build_shop_model(demo_vocab, voice_cache)
    listed = {line.split()[0].split("(")[0] for line in model.dict_path.read_text().splitlines() if line}
    assert model.words <= listed
    lm = model.lm_path.read_text()
    assert "\\data\\" in lm and "<s>" in lm and " rahul" in lm


async def test_load_shop_model_builds_in_a_child_process_then_hits_the_cache(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.voice.language_model import cached_shop_model, load_shop_model

    vocab = ShopVocabulary.of(["Farhan", "Lakshmi"], ["chini"], nicknames=["Lucky"])
    assert ShopVocabulary.from_json(vocab.to_json()) == vocab
    assert cached_shop_model(vocab, tmp_path) is None
    model = await load_shop_model(vocab, tmp_path)
    assert "farhan" in model.words and "lucky" in model.words
    assert cached_shop_model(vocab, tmp_path) == model
    assert await load_shop_model(vocab, tmp_path) == model
