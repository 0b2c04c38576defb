"""Fixtures for the voice tests: one model cache per session (building a shop model costs ~1 s)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.voice import ShopVocabulary

DEMO_VOCAB = ShopVocabulary.of(
    ["Rahul", "Sunil", "Vikas", "Pinky", "Gupta", "Mohan"],
    ["chini", "doodh", "chawal", "atta", "maggi"],
    landmarks=["station road"],
)


@pytest.fixture(scope="session")
def voice_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("voice-cache")


@pytest.fixture(scope="session")
def demo_vocab() -> ShopVocabulary:
    return DEMO_VOCAB
