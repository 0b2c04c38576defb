"""What goes out to customers and owners besides reminders (pure): documents and entry notes.

A *document* is built and delivered by the worker: an invoice PDF to the
customer's WhatsApp, the month's GST CSV or P&L PDF to the owner's. An *entry
note* tells a customer about one khata entry (bill on credit, payment,
udhaar, reversal) with the amount, the new balance and the shop's name; it is
written in the same transaction as the entry, only when the customer opted in
to WhatsApp, has a phone, and the shop has not switched notes off.
"""

from __future__ import annotations

from dataclasses import dataclass

from business.models import Customer, LedgerEntry, Shop
from business.money import format_rupees

INVOICE_PDF = "invoice_pdf"
GST_CSV = "gst_csv"
PNL_PDF = "pnl_pdf"
DOCUMENT_KINDS = (INVOICE_PDF, GST_CSV, PNL_PDF)

# Document rows: requested -> ready -> sent, or failed / unknown (the send may have reached WhatsApp).
REQUESTED, READY, SENT, FAILED, UNKNOWN = "requested", "ready", "sent", "failed", "unknown"

# Ledger kinds a customer hears about, and the word the note uses for each.
NOTE_WORDS = {
    "sale_credit": "Bill (udhaar)",
    "udhaar": "Udhaar",
    "payment": "Payment mila",
    "reversal": "Entry cancel",
}


@dataclass(frozen=True)
class DocumentRequest:
    """What Books hands back when a document is asked for: its row id and where it goes."""

    document_id: int
    kind: str
    to_phone: str | None
    invoice_id: int | None = None
    invoice_no: str | None = None
    month: str | None = None
    customer_name: str | None = None


@dataclass(frozen=True)
class NewEntryNote:
    """An entry note to store with its entry. Parameters: {{1}} customer name, {{2}} what
    happened, {{3}} amount, {{4}} new balance, {{5}} shop name."""

    shop_id: int
    customer_id: int
    ledger_entry_id: int
    kind: str
    to_phone: str
    parameters: tuple[str, ...]


def balance_text(paise: int) -> str:
    """'₹1,250' owed, '₹0', or '₹300 advance' when the shop owes the customer."""
    return f"{format_rupees(-paise)} advance" if paise < 0 else format_rupees(paise)


def entry_note(shop: Shop, customer: Customer, entry: LedgerEntry, balance_paise: int) -> NewEntryNote | None:
    """The note for `entry`, or None when nothing should be sent (not opted in, no phone,
    the shop switched notes off, or a kind customers are not told about)."""
    word = NOTE_WORDS.get(entry.kind)
    if word is None or not shop.settings.entry_notes:
        return None
    if not customer.whatsapp_opt_in or not customer.phone:
        return None
    if entry.kind == "sale_credit" and entry.note:
        word = f"{word} {entry.note}"
    return NewEntryNote(
        shop_id=shop.id,
        customer_id=customer.id,
        ledger_entry_id=entry.id,
        kind=entry.kind,
        to_phone=customer.phone,
        parameters=(customer.name, word, format_rupees(abs(entry.amount_paise)), balance_text(balance_paise),
                    shop.name),
    )
