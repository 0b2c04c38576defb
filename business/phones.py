"""Phone numbers as E.164 text ('+919876543210'); Indian numbers by default.

Never integers. Logs show only `mask_phone` (last four digits).
"""

from __future__ import annotations

import re

from business.errors import ValidationError

_SEPARATORS = re.compile(r"[\s\-().]")


def normalize_phone(raw: str, *, field: str = "phone") -> str:
    """'98765 43210' / '09876543210' / '+91-98765-43210' / '919876543210' -> '+919876543210'."""
    text = _SEPARATORS.sub("", raw or "")
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+"):
        digits = text[1:]
        if digits.isdigit() and 7 <= len(digits) <= 15 and digits[0] != "0":
            return "+" + digits
        raise ValidationError(f"not a phone number: {mask_phone(raw)}", field)
    if not text.isdigit():
        raise ValidationError("not a phone number", field)
    if len(text) == 11 and text.startswith("0"):
        text = text[1:]
    if len(text) == 10 and text[0] in "6789":
        return "+91" + text
    if len(text) == 12 and text.startswith("91") and text[2] in "6789":
        return "+" + text
    raise ValidationError(f"not a phone number: {mask_phone(raw)}", field)


def mask_phone(phone: str | None) -> str:
    """'+919876543210' -> '******3210' (for logs)."""
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    return "*" * max(len(digits) - 4, 0) + digits[-4:]
