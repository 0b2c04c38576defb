"""Reports by phone: sales and collections for a day or a period; documents (not yet sendable)."""

from __future__ import annotations

from typing import Any

from bot.call.handlers.context import HandlerContext
from bot.call.results import Done, Result
from bot.commands import DailySummary, SendInvoice


async def daily_summary(cmd: DailySummary, ctx: HandlerContext) -> Result:
    """Today, or the period said ("kal", "is hafte", "pichle mahine"), up to today."""
    period = cmd.period
    start = period.start if period else None
    until = period.end if period and period.end != period.start else None
    s = await ctx.books.daily_summary(ctx.shop_id, start, until=until)
    result: dict[str, Any] = {"date": s.date.isoformat(), "sales_paise": s.sales_paise,
                              "collections_paise": s.collections_paise, "invoice_count": s.invoice_count}
    if until is not None:
        result["until"] = until.isoformat()
    params: dict[str, Any] = {"sales_paise": s.sales_paise, "collections_paise": s.collections_paise,
                              "invoice_count": s.invoice_count}
    if period and period.phrase:
        params["period"] = period.phrase
    return Done("daily_summary", params, result, action="daily_summary")


async def documents_not_ready(cmd: DailySummary | SendInvoice, ctx: HandlerContext) -> Result:
    """Sending bills and reports is the documents job's work; until it exists, say so plainly."""
    return Done("documents_not_ready", {}, {"error": "documents_not_ready", "intent": cmd.intent})
