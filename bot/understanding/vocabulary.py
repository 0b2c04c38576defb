"""What the parser understands, as words and phrases for a speech recogniser's language model.

The call helper adds the shop's own customer and product names; this gives
the command side, so the recogniser's vocabulary covers what we parse.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from bot.understanding.data import DATA_DIR, DataFileError, default_data

_WORD = re.compile(r"^[a-z][a-z'\-]*$")


@lru_cache(maxsize=1)
def _phrase_file() -> tuple[str, ...]:
    path = DATA_DIR / "vocabulary.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataFileError(f"{path}: {exc}") from exc
    phrases = raw.get("phrases")
    if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases):
        raise DataFileError(f"{path}: 'phrases' must be a list of non-empty strings")
    return tuple(p.strip().lower() for p in phrases)


def command_words() -> list[str]:
    """Every single Roman word the templates, vocabularies and number words use."""
    data = default_data()
    words = {w for w in data.known_words if _WORD.match(w) and len(w) > 1}
    for phrase in _phrase_file():
        words.update(phrase.split())
    return sorted(words)


def command_phrases(include_devanagari: bool = False) -> list[str]:
    """Multi-word command phrases plus every command word (Roman, lower case).

    With include_devanagari, the Hindi words the normaliser maps are added too
    (for a Devanagari recogniser).
    """
    data = default_data()
    phrases = set(_phrase_file())
    lx = data.lexicon
    phrases.update(k for k in lx["phrases"] if _WORD.match(k.replace(" ", "")))
    for group in (data.time["recurrence"], data.time["periods"]):
        for values in group.values():
            phrases.update(values)
    phrases.update(data.slots["walk_in"])
    phrases.update(lx["correction_markers"])
    phrases.update(command_words())
    if include_devanagari:
        phrases.update(lx["devanagari_words"])
    return sorted(phrases)
