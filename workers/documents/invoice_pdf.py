"""An invoice document -> PDF bytes, laid out as Indian tax invoices are.

Shop (name, address, GSTIN) and the title at the top; invoice number, date,
customer and place of supply; one row per line (HSN, quantity, rate,
discount, taxable value, GST rate, amount); the tax summary per rate (CGST +
SGST, or IGST); taxable value, tax, round-off and the total in figures and in
words; the signatory line.
"""

from __future__ import annotations

from business.documents.invoice_doc import InvoiceDocument
from business.documents.words import inr, rate_text
from workers.documents.pdf_base import Column, DocPdf

LINE_COLUMNS = (
    Column("#", 8, "R"), Column("Description", 50), Column("HSN", 16), Column("Qty", 20, "R"),
    Column("Rate", 22, "R"), Column("Disc.", 18, "R"), Column("Taxable", 24, "R"), Column("GST", 12, "R"),
    Column("Amount", 20, "R"),
)
INTRA_TAX_COLUMNS = (
    Column("GST rate", 22, "R"), Column("Taxable value", 38, "R"), Column("CGST rate", 22, "R"),
    Column("CGST", 32, "R"), Column("SGST rate", 22, "R"), Column("SGST", 32, "R"), Column("Total tax", 22, "R"),
)
INTER_TAX_COLUMNS = (
    Column("GST rate", 30, "R"), Column("Taxable value", 50, "R"), Column("IGST rate", 30, "R"),
    Column("IGST", 40, "R"), Column("Total tax", 40, "R"),
)


def _half(rate_bp: int) -> str:
    return rate_text(rate_bp // 2) if rate_bp % 2 == 0 else f"{rate_bp / 200:g}%"


def _header(pdf: DocPdf, doc: InvoiceDocument) -> None:
    pdf.text_line(doc.title.upper(), size=13, style="B", align="C", h=7)
    if doc.cancelled:
        pdf.text_line("CANCELLED", size=12, style="B", align="C", h=6)
    pdf.text_line(doc.shop_name, size=12, style="B", h=6)
    for part in filter(None, (doc.shop_address, f"State: {doc.shop_state}" if doc.shop_state else "")):
        pdf.text_line(part)
    pdf.text_line(f"GSTIN: {doc.shop_gstin}" if doc.shop_gstin else "Not registered under GST")
    pdf.rule()
    pdf.pair(f"Invoice No: {doc.invoice_no}", f"Date: {doc.invoice_date.strftime('%d-%m-%Y')}", style="B")
    buyer = f"Bill to: {doc.customer_name}" + (f" ({doc.customer_phone})" if doc.customer_phone else "")
    pdf.pair(buyer, f"Payment: {doc.payment_mode}")
    if doc.is_tax_invoice:
        kind = "Inter-state (IGST)" if doc.interstate else "Intra-state (CGST + SGST)"
        pdf.pair(f"Place of supply: {doc.place_of_supply}", kind)
    pdf.ln(2)


def _lines(pdf: DocPdf, doc: InvoiceDocument) -> None:
    pdf.table_header(LINE_COLUMNS)
    for ln in doc.lines:
        pdf.table_row(LINE_COLUMNS, (
            str(ln.no), ln.description, ln.hsn, f"{ln.quantity} {ln.unit}", inr(ln.rate_paise),
            inr(ln.discount_paise) if ln.discount_paise else "", inr(ln.taxable_paise),
            rate_text(ln.gst_rate_bp) if doc.is_tax_invoice else "-", inr(ln.total_paise),
        ))
    pdf.ln(2)


def _tax_summary(pdf: DocPdf, doc: InvoiceDocument) -> None:
    if not doc.is_tax_invoice or not doc.rate_groups:
        return
    pdf.text_line("Tax summary", style="B")
    if doc.interstate:
        pdf.table_header(INTER_TAX_COLUMNS)
        for g in doc.rate_groups:
            pdf.table_row(INTER_TAX_COLUMNS, (
                rate_text(g.rate_bp), inr(g.taxable_paise), rate_text(g.rate_bp), inr(g.igst_paise),
                inr(g.igst_paise),
            ))
    else:
        pdf.table_header(INTRA_TAX_COLUMNS)
        for g in doc.rate_groups:
            pdf.table_row(INTRA_TAX_COLUMNS, (
                rate_text(g.rate_bp), inr(g.taxable_paise), _half(g.rate_bp), inr(g.cgst_paise),
                _half(g.rate_bp), inr(g.sgst_paise), inr(g.cgst_paise + g.sgst_paise),
            ))
    pdf.ln(2)


def _totals(pdf: DocPdf, doc: InvoiceDocument) -> None:
    rows = [("Taxable value", doc.subtotal_paise)]
    if doc.discount_paise:
        rows.insert(0, ("Discount (taken off above)", doc.discount_paise))
    if doc.is_tax_invoice:
        if doc.interstate:
            rows.append(("IGST", doc.igst_paise))
        else:
            rows += [("CGST", doc.cgst_paise), ("SGST", doc.sgst_paise)]
    rows.append(("Round off", doc.round_off_paise))
    for label, paise in rows:
        pdf.pair("", f"{label}:  {inr(paise)}")
    pdf.pair("", f"Total:  Rs. {inr(doc.total_paise)}", size=11, style="B")
    pdf.ln(1)
    pdf.text_line(f"Amount in words: {doc.total_in_words}", style="B")
    if not doc.is_tax_invoice:
        reason = "supply of exempt goods" if doc.shop_gstin else "supplier not registered under GST"
        pdf.text_line(f"Bill of supply: no GST charged ({reason}).", size=8, style="I")
    pdf.ln(8)
    pdf.text_line(f"For {doc.shop_name}", align="R")
    pdf.ln(6)
    pdf.text_line("Authorised Signatory", align="R")


def render_invoice(doc: InvoiceDocument) -> bytes:
    """The invoice as PDF bytes (CPU only: call it in a thread from async code)."""
    pdf = DocPdf(f"{doc.title} {doc.invoice_no}", footer_note="This is a computer generated invoice.")
    _header(pdf, doc)
    _lines(pdf, doc)
    _tax_summary(pdf, doc)
    _totals(pdf, doc)
    return pdf.to_bytes()
