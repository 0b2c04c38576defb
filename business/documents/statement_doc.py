"""A customer's statement for a period: opening balance, entries, running balance, closing.

Built from the whole ledger (`Statement`, oldest first) so the opening balance
is the running balance just before the period; entries are taken by their
Asia/Kolkata date. Debit: the customer owes more; credit: owes less.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from business.errors import ValidationError
from business.models import Shop, Statement
from business.shoptime import shop_date

KIND_LABELS = {
    "sale_credit": "Sale on credit",
    "payment": "Payment received",
    "udhaar": "Udhaar",
    "opening_balance": "Opening balance",
    "reversal": "Reversal",
}


@dataclass(frozen=True)
class StatementRow:
    day: date
    particulars: str
    debit_paise: int
    credit_paise: int
    balance_paise: int


@dataclass(frozen=True)
class StatementDocument:
    shop_name: str
    shop_address: str
    shop_gstin: str | None
    customer_name: str
    customer_phone: str | None
    period_from: date | None  # None: from the first entry
    period_to: date | None  # None: up to now
    opening_paise: int
    rows: tuple[StatementRow, ...]
    total_debit_paise: int
    total_credit_paise: int
    closing_paise: int


def _particulars(kind: str, note: str, invoice_no: str | None) -> str:
    text = KIND_LABELS.get(kind, kind)
    if invoice_no:
        text += f" {invoice_no}"
    if note:
        text += f" - {note}"
    return text


def statement_document(
    shop: Shop, statement: Statement, period_from: date | None = None, period_to: date | None = None,
    invoice_numbers: Mapping[int, str] | None = None,
) -> StatementDocument:
    """The statement of `statement.customer` from `period_from` to `period_to` (both included)."""
    if period_from and period_to and period_to < period_from:
        raise ValidationError("the period ends before it starts", field="to")
    numbers = invoice_numbers or {}
    opening, rows = 0, []
    for line in statement.lines:
        e = line.entry
        day = shop_date(e.created_at)
        if period_from and day < period_from:
            opening = line.running_balance_paise
            continue
        if period_to and day > period_to:
            continue
        rows.append(StatementRow(
            day=day, particulars=_particulars(e.kind, e.note, numbers.get(e.invoice_id or 0)),
            debit_paise=max(e.amount_paise, 0), credit_paise=max(-e.amount_paise, 0),
            balance_paise=line.running_balance_paise,
        ))
    c = statement.customer
    return StatementDocument(
        shop_name=shop.name, shop_address=shop.address, shop_gstin=shop.gstin, customer_name=c.name,
        customer_phone=c.phone, period_from=period_from, period_to=period_to, opening_paise=opening,
        rows=tuple(rows), total_debit_paise=sum(r.debit_paise for r in rows),
        total_credit_paise=sum(r.credit_paise for r in rows),
        closing_paise=rows[-1].balance_paise if rows else opening,
    )
