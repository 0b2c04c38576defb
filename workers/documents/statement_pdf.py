"""A customer statement -> PDF bytes: opening balance, entries with running balance, closing."""

from __future__ import annotations

from business.documents.statement_doc import StatementDocument
from business.documents.words import inr
from workers.documents.pdf_base import Column, DocPdf

COLUMNS = (
    Column("Date", 22), Column("Particulars", 84), Column("Debit", 28, "R"), Column("Credit", 28, "R"),
    Column("Balance", 28, "R"),
)


def _period(doc: StatementDocument) -> str:
    start = doc.period_from.strftime("%d-%m-%Y") if doc.period_from else "the first entry"
    end = doc.period_to.strftime("%d-%m-%Y") if doc.period_to else "today"
    return f"Period: {start} to {end}"


def _balance(paise: int) -> str:
    """Dr: the customer owes the shop; Cr: the shop owes the customer (an advance)."""
    if paise == 0:
        return "0.00"
    return f"{inr(abs(paise))} {'Dr' if paise > 0 else 'Cr'}"


def render_statement(doc: StatementDocument) -> bytes:
    """The statement as PDF bytes (CPU only: call it in a thread from async code)."""
    pdf = DocPdf(f"Statement {doc.customer_name}", footer_note=f"{doc.shop_name}: statement of account")
    pdf.text_line("STATEMENT OF ACCOUNT", size=13, style="B", align="C", h=7)
    pdf.text_line(doc.shop_name, size=12, style="B", h=6)
    if doc.shop_address:
        pdf.text_line(doc.shop_address)
    if doc.shop_gstin:
        pdf.text_line(f"GSTIN: {doc.shop_gstin}")
    pdf.rule()
    customer = doc.customer_name + (f" ({doc.customer_phone})" if doc.customer_phone else "")
    pdf.pair(f"Customer: {customer}", _period(doc), style="B")
    pdf.ln(2)
    pdf.table_header(COLUMNS)
    pdf.table_row(COLUMNS, ("", "Opening balance", "", "", _balance(doc.opening_paise)), style="B")
    for r in doc.rows:
        pdf.table_row(COLUMNS, (
            r.day.strftime("%d-%m-%Y"), r.particulars, inr(r.debit_paise) if r.debit_paise else "",
            inr(r.credit_paise) if r.credit_paise else "", _balance(r.balance_paise),
        ))
    pdf.table_row(COLUMNS, (
        "", "Total", inr(doc.total_debit_paise), inr(doc.total_credit_paise), "",
    ), style="B")
    pdf.table_row(COLUMNS, ("", "Closing balance", "", "", _balance(doc.closing_paise)), style="B")
    pdf.ln(3)
    pdf.text_line("Dr: amount due to the shop. Cr: amount held for the customer.", size=8, style="I")
    return pdf.to_bytes()
