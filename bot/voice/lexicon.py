"""The recogniser's pronunciation dictionary for a shop's words.

Each word gets the CMU entries (when the word is English or happens to be
listed), espeak-ng's own readings (English rules, and Hindi rules on a
Devanagari transliteration) converted to ARPAbet, and rule-based romanised
Hindi variants. Duplicates are dropped; the count per word is capped so the
search stays small.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from pathlib import Path

from bot.voice import espeak
from bot.voice.phonetics import ARPABET, hindi_rule_variants, ipa_to_arpabet

log = logging.getLogger(__name__)

MAX_PRONUNCIATIONS = 6
_VOWEL_PHONES = {"AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW"}
_WORD = re.compile(r"^[a-z][a-z']*$")


def model_dir() -> Path:
    """The en-us model shipped in the pocketsphinx wheel."""
    import pocketsphinx

    return Path(pocketsphinx.get_model_path()) / "en-us"


@functools.lru_cache(maxsize=1)
def cmu_dictionary() -> dict[str, list[list[str]]]:
    """word -> pronunciations from the wheel's CMU dictionary (loaded once, ~130k words)."""
    entries: dict[str, list[list[str]]] = {}
    with open(model_dir() / "cmudict-en-us.dict", encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) < 2:
                continue
            word = re.sub(r"\(\d+\)$", "", parts[0])
            entries.setdefault(word, []).append(parts[1:])
    return entries


def _devanagari(word: str) -> str | None:
    """A loose Devanagari spelling of a romanised Hindi word, for espeak's Hindi rules."""
    try:
        from indic_transliteration import sanscript
        from indic_transliteration.sanscript import transliterate

        return str(transliterate(word, sanscript.OPTITRANS, sanscript.DEVANAGARI))
    except Exception:  # the transliterator is optional help, never a reason to fail
        return None


def espeak_variants(word: str) -> list[list[str]]:
    """espeak-ng's readings of `word`: English rules, then Hindi rules on Devanagari."""
    out: list[list[str]] = []
    try:
        en = ipa_to_arpabet(espeak.phonemes_ipa(word, "en-us"))
        if en:
            out.append(en)
        deva = _devanagari(word)
        if deva:
            hi = ipa_to_arpabet(espeak.phonemes_ipa(deva, "hi"), hindi=True)
            # Hindi rules delete a final schwa the romanised spelling kept ("sharma"):
            # such a reading is a different word, so it is left out.
            dropped_vowel = word[-1] in "aeiou" and hi and hi[-1] not in _VOWEL_PHONES
            if hi and hi not in out and not dropped_vowel:
                out.append(hi)
    except Exception as exc:  # a missing espeak voice must not stop the recogniser
        log.warning("espeak phonemes unavailable: %s", exc)
    return out


def pronunciations(word: str, english: bool = False) -> list[list[str]]:
    """All pronunciations for one lower-case word, best first, capped.

    `english` words (command words like "balance", "cash") trust CMU first;
    other words (names, Hinglish) mix CMU, espeak and the rules.
    """
    cmu = cmu_dictionary().get(word, [])
    candidates: list[list[str]] = []
    if english and cmu:
        candidates += cmu[:3]
        candidates += espeak_variants(word)[:1]
    else:
        candidates += cmu[:2]
        candidates += espeak_variants(word)
        candidates += hindi_rule_variants(word, limit=3)
    out: list[list[str]] = []
    for phones in candidates:
        phones = [p for p in phones if p in ARPABET]
        if phones and phones not in out:
            out.append(phones)
        if len(out) >= MAX_PRONUNCIATIONS:
            break
    return out


def build_dictionary(words: Iterable[str], english_words: Iterable[str] = ()) -> str:
    """Dictionary text in pocketsphinx format ("word PH ..." and "word(2) ...")."""
    english = set(english_words)
    lines: list[str] = []
    for word in sorted(set(words)):
        if not _WORD.match(word):
            continue
        for i, phones in enumerate(pronunciations(word, english=word in english)):
            key = word if i == 0 else f"{word}({i + 1})"
            lines.append(f"{key} {' '.join(phones)}")
    return "\n".join(lines) + "\n"
