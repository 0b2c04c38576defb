"""Disputes: a customer tells the shop an entry note is wrong (pure rules).

The customer answers the WhatsApp note of a khata entry with "galat", "wrong",
"galat hai", "ye mera nahi" (or taps the note's quick-reply button, payload
`DISPUTE_PAYLOAD`). The dispute is stored against that entry once and the owner
is told at the start of the next call or chat, once per dispute.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from business.shoptime import shop_date

# The payload of the quick-reply button on the khata_entry template ("Galat hai").
DISPUTE_PAYLOAD = "DISPUTE"

# Whole short answers only: "galat" disputes, "galat nahi hai, thanks" must not.
_DISPUTE_RE = re.compile(
    r"(ye |yeh |ya )?(entry |bill |amount )?(galat|glt|galt|wrong|incorrect|not mine|"
    r"mera nahi|meri nahi|mera nahin|meri nahin|nahi mera|maine nahi liya|maine nahi diya|"
    r"गलत|ग़लत|मेरा नहीं|मेरी नहीं)"
    r"( hai| he| h| ha| entry| bill| amount| hai ji| hai bhai| है| हैं)?( ye| yeh)?",
)


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower()
    text = re.sub(r"[^\w\s\u0900-\u097f]", " ", text)
    return " ".join(text.split())


def is_dispute_text(text: str) -> bool:
    """True for a short reply that says the entry is wrong ("galat", "wrong", "ye mera nahi")."""
    plain = _plain(text)
    return bool(plain) and len(plain) <= 40 and _DISPUTE_RE.fullmatch(plain) is not None


def is_dispute_payload(payload: str) -> bool:
    return payload.strip().upper() == DISPUTE_PAYLOAD


@dataclass(frozen=True)
class NewDispute:
    """An inbound reply that disputes the entry note whose wamid it answers."""

    message_id: str
    note_wamid: str
    from_phone: str
    body: str


@dataclass(frozen=True)
class Dispute:
    """A stored dispute, as the dashboard and the greeting see it."""

    id: int
    shop_id: int
    customer_id: int
    customer_name: str
    ledger_entry_id: int
    entry_kind: str
    amount_paise: int
    entry_at: datetime
    created_at: datetime
    told_at: datetime | None = None


def when_word(entry_at: datetime, today: date) -> str:
    """"aaj" / "kal" / "parson" / "12 March" for the day the disputed entry was made (shop's day)."""
    day = shop_date(entry_at)
    delta = (today - day).days
    if delta == 0:
        return "aaj"
    if delta == 1:
        return "kal"
    if delta == 2:
        return "parson"
    return day.strftime("%-d %B")
