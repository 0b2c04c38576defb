"""Speech in and out of a call: embedded engines (pocketsphinx, espeak-ng) and cloud ones with fail-over.

Public API (see docs/contracts.md, "Voice"):
- `VoiceConfig`, `ShopVocabulary`: plain inputs.
- `make_stt(config, vocabulary)`, `make_tts(config, language)`: pipecat processors for a call.
- `Transcript` (a TranscriptionFrame's `result` from the embedded recogniser, with `confidence`),
  `weak_recognition(frame, threshold)`.
- `Recognizer`, `build_shop_model`, `synthesize`: the blocking engines, for tests and benchmarks.

Submodules import pipecat lazily where they can, so importing this package stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.voice.config import ShopVocabulary, VoiceConfig

__all__ = [
    "Recognizer",
    "ShopVocabulary",
    "Transcript",
    "VoiceConfig",
    "build_shop_model",
    "make_stt",
    "make_tts",
    "synthesize",
    "weak_recognition",
]

if TYPE_CHECKING:
    from bot.voice.espeak import synthesize
    from bot.voice.factory import make_stt, make_tts
    from bot.voice.language_model import build_shop_model
    from bot.voice.recognizer import Recognizer, Transcript
    from bot.voice.stt import weak_recognition

_LAZY = {
    "make_stt": "bot.voice.factory",
    "make_tts": "bot.voice.factory",
    "Recognizer": "bot.voice.recognizer",
    "Transcript": "bot.voice.recognizer",
    "build_shop_model": "bot.voice.language_model",
    "synthesize": "bot.voice.espeak",
    "weak_recognition": "bot.voice.stt",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)
