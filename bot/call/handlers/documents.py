"""Documents by phone: a customer's bill to their WhatsApp, the month's GST report or P&L to the owner's.

The books write the documents row and the worker builds and delivers it; the
caller hears that it is on its way. A bill goes to a customer only when the name
was matched for sure, else it is read back first (a bill to the wrong Rahul
tells one customer what another bought).
"""

from __future__ import annotations

from datetime import date

from bot.call.handlers.context import HandlerContext
from bot.call.results import Confirm, Done, Result
from bot.commands import SendInvoice
from bot.commands.reports import DailySummary, ExportGstReport
from business.deliveries import GST_CSV, PNL_PDF
from business.documents.period import Month
from business.errors import InvoiceNotFound
from business.models import Invoice
from business.shoptime import shop_date

_REPORT_WORDS = {GST_CSV: "GST report", PNL_PDF: "profit-loss report"}


def _seq(invoice_no: str) -> int | None:
    tail = invoice_no.rsplit("/", 1)[-1].rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else None


async def _invoice(cmd: SendInvoice, ctx: HandlerContext, customer_id: int | None) -> Invoice:
    """The bill meant: by its number when said, else the customer's latest."""
    invoices = await ctx.books.list_invoices(ctx.shop_id, customer_id=customer_id, limit=200)
    issued = [i for i in invoices if i.status == "issued"]
    if cmd.invoice_no is not None:
        issued = [i for i in issued if _seq(i.invoice_no) == cmd.invoice_no]
    if not issued:
        raise InvoiceNotFound(cmd.invoice_no or 0)
    return issued[0]


async def send_invoice(cmd: SendInvoice, ctx: HandlerContext) -> Result:
    """"Rahul ka bill WhatsApp kar do": the customer's latest bill (or bill number N) as a PDF."""
    customer, strong = (None, True)
    if cmd.customer is not None or cmd.invoice_no is None:
        customer, strong = await ctx.customer(cmd.customer)
    inv = await _invoice(cmd, ctx, customer.id if customer else None)
    name = customer.name if customer else inv.customer_name

    async def execute(key: str) -> Done:
        req = await ctx.books.send_invoice_document(ctx.shop_id, invoice_id=inv.id, idempotency_key=key)
        if customer is not None:
            ctx.remember(customer)
        return Done("invoice_on_its_way", {"customer": name, "invoice_no": inv.invoice_no}, {
            "document_id": req.document_id, "invoice_id": inv.id, "customer_id": inv.customer_id,
        }, action="send_invoice")

    if ctx.weak or not strong:
        return Confirm("send_invoice", ctx.summary("send_invoice", customer=name, invoice_no=inv.invoice_no),
                       execute, cmd)
    return await execute(ctx.key)


def _month(cmd: DailySummary, today: date) -> Month:
    """The month the period falls in ("pichle mahine"), else this month."""
    day = cmd.period.start if cmd.period is not None else today
    return Month(day.year, day.month)


async def export_report(cmd: DailySummary, ctx: HandlerContext) -> Result:
    """"Is mahine ki GST report bhejo" / "pichle mahine ka P&L": to the owner's WhatsApp."""
    kind = GST_CSV if isinstance(cmd, ExportGstReport) else PNL_PDF
    month = _month(cmd, shop_date(ctx.now()))
    req = await ctx.books.send_report_document(ctx.shop_id, kind, month, idempotency_key=ctx.key or None)
    return Done("report_on_its_way", {"report": _REPORT_WORDS[kind], "month": month.label},
                {"document_id": req.document_id, "kind": kind, "month": month.label}, action=cmd.intent)
