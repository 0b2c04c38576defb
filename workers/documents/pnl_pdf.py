"""The month's profit-and-loss summary -> PDF bytes (one page of labelled figures)."""

from __future__ import annotations

from business.documents.pnl import PnlSummary
from business.documents.words import inr
from workers.documents.pdf_base import Column, DocPdf

COLUMNS = (Column("", 130), Column("Rs.", 60, "R"))


def render_pnl(pnl: PnlSummary, shop_name: str) -> bytes:
    """The summary as PDF bytes (CPU only: call it in a thread from async code)."""
    pdf = DocPdf(f"Profit and loss {pnl.month.label}", footer_note=f"{shop_name}: profit and loss summary")
    pdf.text_line("PROFIT AND LOSS SUMMARY", size=13, style="B", align="C", h=7)
    pdf.text_line(shop_name, size=12, style="B", h=6)
    pdf.text_line(f"Month: {pnl.month.first_day.strftime('%B %Y')}  ({pnl.invoice_count} bills)")
    pdf.rule()
    rows: list[tuple[str, str]] = [
        ("Sales, as billed (GST and round-off included)", inr(pnl.gross_sales_paise)),
        ("Discounts given", inr(pnl.discount_paise)),
        ("Net sales (taxable value, after discounts)", inr(pnl.net_sales_paise)),
        ("CGST collected", inr(pnl.cgst_paise)),
        ("SGST collected", inr(pnl.sgst_paise)),
        ("IGST collected", inr(pnl.igst_paise)),
        ("GST collected, total", inr(pnl.gst_collected_paise)),
        ("Round-off", inr(pnl.round_off_paise)),
        (f"Cancelled bills ({pnl.cancelled_count}), not counted above", inr(pnl.cancelled_value_paise)),
    ]
    rows += [(f"Sales by mode: {mode}", inr(p)) for mode, p in pnl.sales_by_mode.items()]
    rows.append(("Cost of goods", inr(pnl.cost_of_goods_paise) if pnl.cost_of_goods_paise is not None else "n/a"))
    rows.append(("Gross profit", inr(pnl.gross_profit_paise) if pnl.gross_profit_paise is not None else "n/a"))
    pdf.table_header(COLUMNS)
    for label, value in rows:
        pdf.table_row(COLUMNS, (label, value))
    pdf.ln(3)
    for note in pnl.notes:
        pdf.text_line(f"Note: {note}", size=8, style="I")
    return pdf.to_bytes()
