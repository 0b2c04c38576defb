"""Deepgram's side of recognition, pure: what a call asks for and how a result reads.

- `shop_keyterms`: the shop's customer and product names, then the command
  words (bot/voice/data/deepgram_keyterms.json), as nova-3 `keyterm` query
  parameters, kept under Deepgram's 500-token limit (an over-limit list stops
  transcription without an error).
- `recognition_language`: "hi" or "multi" for a shop, falling back to the process's.
- `transcript_of`: a Deepgram `Results` message (the SDK's `ListenV1Results`
  or its JSON) as our `Transcript`, so the router applies one rule to every
  engine: a confident transcript books without a read-back, an unsure one is
  read back, a "haan" heard unsure is asked again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.voice.config import ShopVocabulary
from bot.voice.recognizer import Transcript, WordScore

KEYTERMS_FILE = Path(__file__).with_name("data") / "deepgram_keyterms.json"
LANGUAGES = ("multi", "hi")
# Deepgram counts keyterm tokens with its own tokenizer; a term costs at most about one token
# per three characters plus one, so this estimate stays under the 500 the API allows.
KEYTERM_TOKEN_BUDGET = 450
MAX_KEYTERMS = 100


@lru_cache(maxsize=1)
def command_keyterms() -> tuple[str, ...]:
    """The command words boosted on every call (read and checked once; a broken file fails loudly)."""
    data = json.loads(KEYTERMS_FILE.read_text(encoding="utf-8"))
    words = data.get("words")
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise ValueError(f"{KEYTERMS_FILE}: 'words' must be a list of non-empty strings")
    return tuple(w.strip() for w in words)


def keyterm_tokens(term: str) -> int:
    """A generous estimate of the tokens Deepgram counts for one keyterm."""
    return len(term) // 3 + 1


def shop_keyterms(vocabulary: ShopVocabulary, *, budget: int = KEYTERM_TOKEN_BUDGET) -> list[str]:
    """Customer names and nicknames first, then products and aliases, then command words;
    duplicates (any case) dropped, cut where the token budget or MAX_KEYTERMS runs out."""
    out: list[str] = []
    seen: set[str] = set()
    spent = 0
    for term in _terms(vocabulary.people, vocabulary.products, command_keyterms()):
        key = term.casefold()
        if key in seen:
            continue
        cost = keyterm_tokens(term)
        if spent + cost > budget or len(out) >= MAX_KEYTERMS:
            break
        seen.add(key)
        out.append(term)
        spent += cost
    return out


def _terms(*groups: Iterable[str]) -> Iterable[str]:
    for group in groups:
        for term in group:
            term = " ".join(term.split())
            if term:
                yield term


def recognition_language(shop_language: str | None, default: str) -> str:
    """The Deepgram `language` for a shop: its own setting when it is one Deepgram serves us in
    ("hi": Devanagari; "multi": romanised Hinglish with English), else the process default."""
    if shop_language in LANGUAGES:
        return str(shop_language)
    return default if default in LANGUAGES else "multi"


def transcript_of(result: Any) -> Transcript | None:
    """The best alternative of a Deepgram `Results` message as a `Transcript` (None if it has none).

    Confidence follows the embedded engine's meaning (the mean word posterior,
    bot.voice.recognizer.Transcript) but never exceeds Deepgram's own transcript
    confidence: a transcript the vendor doubts is doubted here too.
    """
    channel = _get(result, "channel")
    alternatives = _get(channel, "alternatives") or []
    if not alternatives:
        return None
    best = alternatives[0]
    text = str(_get(best, "transcript") or "").strip()
    words = tuple(
        WordScore(
            word=str(_get(w, "word") or ""),
            confidence=_unit(_get(w, "confidence")),
            start_s=float(_get(w, "start") or 0.0),
            end_s=float(_get(w, "end") or 0.0),
        )
        for w in (_get(best, "words") or [])
    )
    overall = _unit(_get(best, "confidence"))
    if words:
        overall = min(overall, sum(w.confidence for w in words) / len(words))
    return Transcript(
        text=text,
        confidence=round(overall, 3),
        words=words,
        audio_s=float(_get(result, "duration") or 0.0),
        engine="deepgram",
    )


def _get(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def _unit(value: Any) -> float:
    try:
        return min(1.0, max(0.0, float(value)))
    except (TypeError, ValueError):
        return 0.0
