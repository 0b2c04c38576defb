"""Read-back sentences ("Suresh se bees rupaye cash mein mile") from a data file.

Loaded and checked once at import: a broken file fails loudly at start-up.
Amounts and times are spoken through `bot.replies.spoken`, like every reply.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.replies import spoken

DATA_FILE = Path(__file__).with_name("data") / "readbacks.json"
LANGUAGES = ("hinglish", "hi", "en")
_MODE_WORDS = {
    "hinglish": {"cash": "cash", "upi": "UPI", "card": "card", "cheque": "cheque", "bank": "bank transfer"},
    "hi": {"cash": "नकद", "upi": "यूपीआई", "card": "कार्ड", "cheque": "चेक", "bank": "बैंक"},
    "en": {"cash": "cash", "upi": "UPI", "card": "card", "cheque": "cheque", "bank": "bank transfer"},
}


@lru_cache(maxsize=1)
def templates() -> dict[str, dict[str, str]]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    out: dict[str, dict[str, str]] = {}
    for kind, by_lang in data.items():
        if kind.startswith("_"):
            continue
        missing = [lang for lang in LANGUAGES if not isinstance(by_lang.get(lang), str)]
        if missing:
            raise ValueError(f"{DATA_FILE}: read-back {kind!r} lacks {missing}")
        out[kind] = by_lang
    return out


def readback(kind: str, language: str, **params: Any) -> str:
    """The read-back for `kind` (a key of readbacks.json: "payment", "udhaar", "invoice", ...)."""
    lang = language if language in LANGUAGES else "hinglish"
    values: dict[str, Any] = {"customer": params.get("customer", ""), "invoice_no": params.get("invoice_no", ""),
                              "product": params.get("product", ""), "name": params.get("name", "")}
    if params.get("items"):
        values["items"] = spoken.items(list(params["items"]), lang)
    if params.get("quantity") is not None:
        values["quantity"] = spoken.quantity(float(params["quantity"]), params.get("unit"), lang)
    if params.get("amount_paise") is not None:
        values["amount"] = spoken.money(int(params["amount_paise"]), lang)
    if params.get("total_paise") is not None:
        values["total"] = spoken.money(int(params["total_paise"]), lang)
    values["mode"] = _MODE_WORDS[lang].get(str(params.get("payment_mode") or "cash"), "cash")
    when = params.get("due_at")
    if isinstance(when, datetime):
        values["when"] = spoken.moment(when, lang)
    return templates()[kind][lang].format_map(_Blank(values))


class _Blank(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return ""


templates()  # fail at import, not mid-call
