"""UPI payment links (pure): what a reminder carries so the customer can pay with one tap.

The NPCI deep-link form `upi://pay?pa=<vpa>&pn=<payee name>&am=<rupees>&tr=<ref>&cu=INR`;
any UPI app opens it with the amount filled in. The amount is rupees with two
decimals (from paise, never a float); the reference ties the payment to the reminder.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

PAYEE_NAME_CHARS = 40


def rupees_text(paise: int) -> str:
    """125050 -> '1250.50'."""
    return f"{paise // 100}.{paise % 100:02d}"


def upi_link(vpa: str, payee: str, amount_paise: int, reference: str) -> str:
    """The upi://pay link; `payee` is flattened to one line and shortened."""
    if amount_paise <= 0:
        raise ValueError("a payment link needs a positive amount")
    name = " ".join(payee.split())[:PAYEE_NAME_CHARS]
    query = urlencode({"pa": vpa, "pn": name, "am": rupees_text(amount_paise), "tr": reference, "cu": "INR"},
                      quote_via=quote, safe="@")
    return f"upi://pay?{query}"


def reminder_reference(reminder_id: int) -> str:
    return f"EXR{reminder_id}"
