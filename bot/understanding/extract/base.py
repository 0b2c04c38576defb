"""Shared pieces of the entity extractors: the per-command `Sentence`, word classes, vocabularies.

Extractors read a `Sentence` (normalised tokens + surface words) and return
only what was said. Names and products come from the romanised surface
(`roman`), everything else from canonical `norm`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.understanding.data import Data
from bot.understanding.normalize import Token
from bot.understanding.timeexpr import TimeParser

_ALPHA = re.compile(r"^[a-z][a-z\-]*$")
_GSTIN = re.compile(r"^\d{2}[a-z]{5}\d{4}[a-z]\d[a-z0-9]{2}$")
_DIGITS = re.compile(r"^\d+$")

NAME_PARTICLES = {"ko", "ka", "ki", "ke", "ne", "se", "pe", "par", "wala"}
ENGLISH_VERBS_AFTER_NAME = {"owes", "owe", "paid", "pays", "gave", "sent", "took", "bought", "has", "needs", "wants", "cleared", "settled"}
FORWARD_TRIGGERS = {"balance", "hisaab", "baki", "khata", "add", "mark", "make", "of", "bill", "invoice", "remove", "delete", "for", "to", "remind", "give", "customer", "named", "naam", "does", "send", "called"}
WEAK_TRIGGERS = {"from"}
OF_OWNERS = {"details", "balance", "number", "address", "phone", "account", "khata", "hisaab", "email", "info", "reminder", "bill", "invoice"}
FORWARD_SKIP = {"the", "customer", "mr", "mrs", "a", "new", "shri", "my", "our"}
LEADING_FOLLOWERS = {"baki", "reminder", "udhaar", "jama", "sent", "kitna", "needs", "wants", "buys", "ordered", "took", "will", "is", "settled", "bought", "purchased", "paid", "has", "owes", "owe", "cleared", "de", "diye", "gave", "ne", "pays", "balance", "hisaab",
                     "khata", "account", "details", "ka", "ki", "ke", "returned", "le", "paise", "paisa"}
LEADING_FILLERS = {"so", "basically", "actually", "suno", "dekho", "achha", "acha", "accha", "arre", "arey", "yaar", "toh", "ok", "okay", "haan"}
REMOVE_OPS = {"wapas", "kharab", "toot", "tut", "hata", "remove", "nikal", "kam", "expire", "expired", "damage", "damaged",
              "chori", "waste", "phat", "sad", "minus", "ghata", "from", "bik"}
# Why stock went out, by its cue word (business.actions.products names the reasons).
REMOVE_REASONS = {
    "kharab": "damaged", "toot": "damaged", "tut": "damaged", "tuta": "damaged", "toota": "damaged", "phat": "damaged",
    "sad": "damaged", "expire": "damaged", "expired": "damaged", "damage": "damaged", "damaged": "damaged",
    "broken": "damaged", "spoiled": "damaged", "wapas": "returned", "return": "returned", "returned": "returned",
    "lautaya": "returned", "ghar": "own_use", "khud": "own_use", "personal": "own_use",
}
LOW_CUES = {"khatam", "low", "running", "mangwana", "out", "restocking", "reorder"}
PAY_VERBS = {"diye", "kiye", "paid", "jama", "bheja", "bheje", "mila", "aagaya", "gave", "chuka", "de", "returned", "wapas"}
SETTLE_WORDS = {"everything", "saaf", "poora", "full", "saare", "entire", "whole", "chuka", "cleared", "clear", "settle", "settled"}
EMAIL_STOP = {"likh", "lo", "note", "bolo", "hai", "is", "email", "mera", "meri", "my", "the", "address", "ka", "ki", "id", "mail", "naya", "save",
              "likho", "kar", "karo", "do", "please", "customer", "number", "aur", "and"}

@dataclass
class Sentence:
    """One command's tokens, plus the parse state extractors share."""

    toks: list[Token]
    words: list[str]
    used: set[int] = field(default_factory=set)
    post_hint: tuple[str, int, int] | None = None
    customer_span: tuple[int, int] | None = None
    when_span: tuple[int, int] | None = None

    @property
    def norms(self) -> list[str]:
        return [t.norm for t in self.toks]


def _num(v: float | None) -> int | float | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else round(float(v), 4)


class ExtractorBase:
    """Vocabularies built once from the data files, and the word classes every extractor uses."""

    def __init__(self, data: Data, times: TimeParser) -> None:
        self.data = data
        self.times = times
        lx = data.lexicon
        self.known = data.known_words
        self.honorifics = set(lx["honorifics"])
        self.suffixes = set(lx["business_suffixes"])
        self.pronouns = set(lx["pronouns_active"])
        self.pronoun_phrases = [p.split() for p in lx["pronoun_phrases"]]
        self.products = set(lx.get("common_products", []))
        self.verb_stems = set(lx["verb_stems_before_do"])
        self.unit_canon = set(data.units["units"].values())
        self.pack_units = set(data.units["pack_units"])
        self.pack_abbrev: dict[str, str] = data.units["pack_abbrev"]
        sl = data.slots
        self.modes: dict[str, str] = sl["payment_modes"]
        self.channels: dict[str, str] = sl["channels"]
        self.tiers: dict[str, str] = sl["tiers"]
        self.languages: dict[str, str] = sl["languages"]
        self.ordinals: dict[str, str] = sl["ordinals"]
        self.walk_in = [w.split() for w in sl["walk_in"]]
        self.walk_in_first = {p[0] for p in self.walk_in}
        self.gst_off = set(sl["gst_off"])
        self.supply: dict[str, list[list[str]]] = {k: [p.split() for p in v] for k, v in sl["supply"].items()}
        self.domains = set(sl["email_domains"])

    def nameable(self, tok: Token) -> bool:
        r = tok.roman
        return (
            not tok.is_num and bool(_ALPHA.match(r)) and len(r) >= 2
            and tok.norm not in self.known and r not in self.known and r not in self.products
        )

    def product_word(self, tok: Token) -> bool:
        if tok.is_num or not _ALPHA.match(tok.roman):
            return False
        if tok.roman in self.products or tok.norm in self.products:
            return True
        return tok.norm not in self.known and tok.roman not in self.known

    @staticmethod
    def title(toks: list[Token]) -> str:
        return " ".join(t.roman.capitalize() if not t.roman[:1].isdigit() else t.roman for t in toks)
