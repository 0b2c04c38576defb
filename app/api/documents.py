"""Documents over /api: an invoice's PDF, a customer's statement PDF, the month's GST report
(GSTR-1 style CSV) and profit-and-loss summary (JSON, or PDF with ?format=pdf).

The books build the document model (one read transaction); rendering is CPU
work and runs in a thread (`asyncio.to_thread`) so the event loop, which may
be carrying live calls, is never blocked by it. Another shop's ids are 404,
like every other /api route.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import Field

from app.api.auth import ShopDep
from app.api.deps import BooksDep
from app.api.schemas import MAX_DATE, MAX_ID, MIN_DATE, Out
from business.documents.gst_report import to_csv
from business.documents.period import parse_month
from workers.documents.invoice_pdf import render_invoice
from workers.documents.pnl_pdf import render_pnl
from workers.documents.statement_pdf import render_statement

router = APIRouter(tags=["documents"])

_PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}, "description": "the PDF"}}
_CSV: dict[int | str, dict[str, Any]] = {200: {"content": {"text/csv": {}}, "description": "GSTR-1 style rows (section column first)"}}
MonthQuery = Annotated[str, Query(description="YYYY-MM (Asia/Kolkata calendar month)", max_length=7)]
DateQuery = Annotated[date | None, Query(ge=MIN_DATE, le=MAX_DATE, description="An Asia/Kolkata date, YYYY-MM-DD")]


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in name)


def _file(content: bytes, media_type: str, filename: str, *, inline: bool = True) -> Response:
    how = "inline" if inline else "attachment"
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f'{how}; filename="{_safe(filename)}"', "Cache-Control": "private, no-store",
    })


class PnlOut(Out):
    """A `business.documents.pnl.PnlSummary` (month as YYYY-MM)."""

    month: str
    invoice_count: int
    gross_sales_paise: int = Field(description="what the bills came to, GST and round-off included")
    net_sales_paise: int = Field(description="taxable value: after discounts, before GST")
    discount_paise: int
    cgst_paise: int
    sgst_paise: int
    igst_paise: int
    gst_collected_paise: int
    round_off_paise: int
    cancelled_count: int
    cancelled_value_paise: int
    sales_by_mode: dict[str, int]
    cost_of_goods_paise: int | None = Field(description="None: no purchase prices in the books")
    gross_profit_paise: int | None
    notes: list[str]


@router.get("/invoices/{invoice_id}/pdf", summary="The invoice as a PDF (tax invoice or bill of supply)",
            response_class=Response, responses=_PDF)
async def invoice_pdf(books: BooksDep, shop: ShopDep, invoice_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> Response:
    doc = await books.invoice_document(shop.id, invoice_id)
    pdf = await asyncio.to_thread(render_invoice, doc)
    return _file(pdf, "application/pdf", f"invoice-{doc.invoice_no}.pdf")


@router.get("/ledger/{customer_id}/statement.pdf", summary="A customer's statement for a period, as a PDF",
            response_class=Response, responses=_PDF)
async def statement_pdf(
    books: BooksDep, shop: ShopDep, customer_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    from_: Annotated[date | None, Query(alias="from", ge=MIN_DATE, le=MAX_DATE,
                                        description="First Asia/Kolkata date (default: the first entry)")] = None,
    to: DateQuery = None,
) -> Response:
    doc = await books.statement_document(shop.id, customer_id, from_, to)
    pdf = await asyncio.to_thread(render_statement, doc)
    return _file(pdf, "application/pdf", f"statement-{customer_id}.pdf")


@router.get("/reports/gst", summary="The month's GST report, GSTR-1 style (B2B, B2CL, B2CS, NIL, HSN, DOCS)",
            response_class=Response, responses=_CSV)
async def gst_report_csv(books: BooksDep, shop: ShopDep, month: MonthQuery) -> Response:
    m = parse_month(month)
    report = await books.gst_report(shop.id, m)
    body = (await asyncio.to_thread(to_csv, report)).encode("utf-8")
    return _file(body, "text/csv; charset=utf-8", f"gstr1-{m.label}.csv", inline=False)


@router.get("/reports/pnl", summary="The month's profit-and-loss summary (JSON; ?format=pdf for a PDF)",
            response_model=PnlOut, responses=_PDF)
async def pnl_report(
    books: BooksDep, shop: ShopDep, month: MonthQuery,
    format_: Annotated[Literal["json", "pdf"], Query(alias="format")] = "json",
) -> PnlOut | Response:
    m = parse_month(month)
    pnl = await books.pnl_summary(shop.id, m)
    if format_ == "pdf":
        pdf = await asyncio.to_thread(render_pnl, pnl, shop.name)
        return _file(pdf, "application/pdf", f"pnl-{m.label}.pdf")
    return PnlOut.model_validate({
        **{k: getattr(pnl, k) for k in PnlOut.model_fields if k not in ("month", "notes", "gst_collected_paise")},
        "month": m.label, "notes": list(pnl.notes), "gst_collected_paise": pnl.gst_collected_paise,
    })
