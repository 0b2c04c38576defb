"""A shop's settings: one dataclass, one spelling per key, the defaults here and nowhere else.

Stored as `shops.settings` (jsonb). `load` reads what is stored, mapping the
older spellings some shops still carry (`whatsapp_template_name`,
`whatsapp_language`, a nested `{"whatsapp": {"template": ..., "language": ...}}`)
to today's keys; `for_new_shop` checks what a new shop is given, strictly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from business.errors import ValidationError
from business.money import validate_amount


@dataclass(frozen=True)
class ShopSettings:
    """Per-shop switches kept in `shops.settings` (jsonb)."""

    allow_negative_stock: bool = False
    # Actions above this amount are read back and confirmed before posting (bot).
    confirm_limit_paise: int = 200_000
    reply_language: str = "hinglish"
    # The approved WhatsApp payment-reminder template and its language code.
    whatsapp_template: str = "payment_reminder"
    whatsapp_template_language: str = "hi"
    # A caller from an unregistered phone may key in the shop code (its id) and the
    # owner's PIN by DTMF to reach the bot (telephony.twilio.login); off by default.
    allow_dtmf_login: bool = False
    # Open the books on caller ID alone (no PIN asked). Off: every call from a registered phone
    # keys the phone's PIN first, and a phone without one is refused (caller ID is easy to forge).
    trust_caller_id: bool = False
    # WhatsApp messages (reminders) this shop may send per shop day; the rest wait for the next day.
    # One API key cannot turn the platform's sender into a spam cannon.
    whatsapp_daily_limit: int = 100
    # The approved template that tells the owner a PIN lock-out began ({{1}} shop, {{2}} number's
    # last digits, {{3}} lock end); same language as the reminder template.
    owner_alert_template: str = "owner_security_alert"
    # Deepgram's language for this shop's calls: "hi" (Hindi and Hinglish), "multi" (code-switching
    # Hindi/English), or "" for the process's DEEPGRAM_LANGUAGE. The embedded engine ignores it.
    recognition_language: str = ""
    # A WhatsApp note to the (opted-in) customer for every khata entry; the template's body is
    # {{1}} customer, {{2}} what happened, {{3}} amount, {{4}} new balance, {{5}} shop name.
    entry_notes: bool = True
    entry_note_template: str = "khata_entry"
    # The shop's UPI address (name@bank): reminders then carry a upi://pay link to pay by.
    upi_vpa: str = ""


_KEYS = frozenset(f.name for f in fields(ShopSettings))
_VPA = re.compile(r"[A-Za-z0-9._-]{2,64}@[A-Za-z][A-Za-z0-9.-]{1,63}")
# Older spellings, in the order they were looked up before this module: first one set wins.
_LEGACY_FLAT = {"whatsapp_template": ("whatsapp_template_name",), "whatsapp_template_language": ("whatsapp_language",)}
_LEGACY_NESTED = {"whatsapp_template": ("template", "template_name"),
                  "whatsapp_template_language": ("language", "template_language")}


def load(stored: Mapping[str, Any] | str | None) -> ShopSettings:
    """The settings a shop row holds (a dict, or JSON text), legacy spellings mapped; unknown keys
    are ignored and a missing or empty WhatsApp template/language falls back to the default."""
    raw = _as_mapping(stored)
    values = {k: v for k, v in raw.items() if k in _KEYS}
    stored_nested = raw.get("whatsapp")
    nested: Mapping[str, Any] = stored_nested if isinstance(stored_nested, Mapping) else {}
    for key in _LEGACY_FLAT:
        candidates = [values.get(key)]
        candidates += [raw.get(old) for old in _LEGACY_FLAT[key]]
        candidates += [nested.get(old) for old in _LEGACY_NESTED[key]]
        chosen = next((c for c in candidates if c), None)
        if chosen is None:
            values.pop(key, None)
        else:
            values[key] = str(chosen)
    return ShopSettings(**values)


def for_new_shop(given: Mapping[str, Any] | None) -> ShopSettings:
    """A new shop's settings: the defaults with the given keys replaced, each checked."""
    base = ShopSettings()
    if not given:
        return base
    unknown = set(given) - _KEYS
    if unknown:
        raise ValidationError(f"unknown shop settings: {sorted(unknown)}", "settings")
    merged = replace(base, **dict(given))
    if not isinstance(merged.allow_negative_stock, bool):
        raise ValidationError("allow_negative_stock must be true or false", "settings")
    if not isinstance(merged.allow_dtmf_login, bool):
        raise ValidationError("allow_dtmf_login must be true or false", "settings")
    if not isinstance(merged.trust_caller_id, bool):
        raise ValidationError("trust_caller_id must be true or false", "settings")
    if not isinstance(merged.entry_notes, bool):
        raise ValidationError("entry_notes must be true or false", "settings")
    if not isinstance(merged.upi_vpa, str) or (merged.upi_vpa and not _VPA.fullmatch(merged.upi_vpa)):
        raise ValidationError("upi_vpa must look like name@bank", "settings")
    validate_amount(merged.confirm_limit_paise, field="confirm_limit_paise", allow_zero=True)
    limit = merged.whatsapp_daily_limit
    if isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit <= 10_000:
        raise ValidationError("whatsapp_daily_limit must be a whole number from 0 to 10000", "settings")
    if merged.recognition_language not in ("", "hi", "multi", "en"):
        raise ValidationError("recognition_language must be '', 'hi', 'multi' or 'en'", "settings")
    for name in ("reply_language", "whatsapp_template", "whatsapp_template_language", "owner_alert_template",
                 "entry_note_template"):
        value = getattr(merged, name)
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(f"{name} must be a non-empty text", "settings")
    return merged


def to_stored(settings: ShopSettings) -> dict[str, Any]:
    """What goes into `shops.settings`: today's spelling of every key."""
    return asdict(settings)


def _as_mapping(value: Any) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    if isinstance(value, str) and value:
        loaded = json.loads(value)
        return loaded if isinstance(loaded, dict) else {}
    return {}
