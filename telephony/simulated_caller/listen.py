"""The simulated caller's ears: recognise the bot's replies with the embedded recogniser.

Replies are read back with the words a caller expects to hear (names said,
amounts, the reply vocabulary), so a wrong amount in a reply shows up as a
wrong amount in what was heard.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.voice.audio import PHONE_RATE
from bot.voice.config import ShopVocabulary
from bot.voice.language_model import build_shop_model
from bot.voice.recognizer import Recognizer

REPLY_PHRASES = (
    "namaste ji boliye", "namaste sharma ji boliye", "ka balance rupaye hai", "ka kitna baaki hai",
    "rupaye jama ho gaye", "rupaye baaki hain", "bill ban gaya", "kul rupaye", "theek hai", "dhanyavaad",
    "maaf kijiye samajh nahi aaya", "phir se boliye", "kya aap pakka karna chahte hain", "haan ke liye ek dabaiye",
    "nahi ke liye do dabaiye", "khata nahi mila", "customer nahi mila", "reminder lag gaya", "stock mein hai",
    "alvida", "aur kuch", "likh diya", "ho gaya", "balance", "rupees", "paid", "hello", "sorry",
)


def reply_recognizer(sentences: list[str], cache_dir: Path) -> Recognizer:
    """A recogniser for the bot's replies in a call where `sentences` were said."""
    names = sorted({w for s in sentences for w in re.findall(r"\b[A-Z][a-z]+\b", s)})
    vocab = ShopVocabulary.of(names, extra_phrases=list(REPLY_PHRASES) + list(sentences))
    return Recognizer(build_shop_model(vocab, cache_dir))


def hear(recognizer: Recognizer, pcm: bytes) -> str:
    """What the caller made of a reply ("" when nothing was recognised)."""
    if not pcm:
        return ""
    return recognizer.recognize(pcm, PHONE_RATE).text
