"""Payment modes and supply types as people say or type them.

"UPI", "GPay", "PhonePe", "Paytm" -> "upi"; "NEFT", "IMPS", "bank transfer" ->
"bank"; "udhaar", "khata", "credit" -> "credit"; "inter-state" ->
"interstate". Unknown words are a ValidationError, never a silent default.
"""

from __future__ import annotations

from business.errors import ValidationError
from business.models import INVOICE_PAYMENT_MODES, PAYMENT_MODES

_MODE_ALIASES: dict[str, str] = {
    "cash": "cash", "nakad": "cash", "nagad": "cash", "naqad": "cash", "नकद": "cash", "कैश": "cash",
    "upi": "upi", "gpay": "upi", "googlepay": "upi", "phonepe": "upi", "paytm": "upi", "bhim": "upi",
    "qr": "upi", "यूपीआई": "upi",
    "card": "card", "debitcard": "card", "creditcard": "card", "swipe": "card", "कार्ड": "card",
    "cheque": "cheque", "check": "cheque", "chek": "cheque", "चेक": "cheque",
    "bank": "bank", "banktransfer": "bank", "neft": "bank", "imps": "bank", "rtgs": "bank", "transfer": "bank",
    "online": "bank",
    "credit": "credit", "udhaar": "credit", "udhar": "credit", "udhari": "credit", "khata": "credit",
    "baaki": "credit", "baki": "credit", "उधार": "credit", "खाता": "credit",
}
_SUPPLY_ALIASES: dict[str, str] = {
    "intrastate": "intrastate", "intra": "intrastate", "local": "intrastate", "cgstsgst": "intrastate",
    "interstate": "interstate", "inter": "interstate", "igst": "interstate", "outstation": "interstate",
}


def _key(text: str) -> str:
    return "".join(ch for ch in str(text).strip().lower() if ch not in " -_/+.")


def invoice_payment_mode(mode: str | None) -> str:
    """How an invoice is paid: 'credit' (on the customer's account) or a payment mode."""
    found = _MODE_ALIASES.get(_key(mode or "credit"))
    if found is None or found not in INVOICE_PAYMENT_MODES:
        raise ValidationError(f"payment_mode must be one of {INVOICE_PAYMENT_MODES}", "payment_mode")
    return found


def payment_mode(mode: str | None) -> str:
    """How money was received (never 'credit')."""
    found = _MODE_ALIASES.get(_key(mode or "cash"))
    if found is None or found not in PAYMENT_MODES:
        raise ValidationError(f"payment mode must be one of {PAYMENT_MODES}", "mode")
    return found


def supply_type(value: str | None) -> str:
    found = _SUPPLY_ALIASES.get(_key(value or "intrastate"))
    if found is None:
        raise ValidationError("supply_type must be intrastate or interstate", "supply_type")
    return found
