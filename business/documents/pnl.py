"""The month's profit-and-loss summary, from the bills issued in it.

Sales are the issued (not cancelled) bills whose Asia/Kolkata date falls in
the month: net sales are their taxable value (after discounts, before GST),
GST collected is what they charged, round-off the rupee rounding. Bills of
the month that were later cancelled are shown as reversals, not sales. The
books record no purchase prices yet, so cost of goods and gross profit are
None with a note saying so; when purchase costs are given they are used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from business.documents.period import Month
from business.models import Invoice

NO_COST_NOTE = "cost of goods unknown: the books hold no purchase prices, so gross profit cannot be worked out"


@dataclass(frozen=True)
class PnlSummary:
    shop_id: int
    month: Month
    invoice_count: int
    gross_sales_paise: int  # what the bills came to, GST and round-off included
    net_sales_paise: int  # taxable value: after discounts, before GST
    discount_paise: int
    cgst_paise: int
    sgst_paise: int
    igst_paise: int
    round_off_paise: int
    cancelled_count: int
    cancelled_value_paise: int
    sales_by_mode: dict[str, int] = field(default_factory=dict)
    cost_of_goods_paise: int | None = None
    gross_profit_paise: int | None = None
    notes: tuple[str, ...] = ()

    @property
    def gst_collected_paise(self) -> int:
        return self.cgst_paise + self.sgst_paise + self.igst_paise


def pnl_summary(
    shop_id: int, month: Month, invoices: Sequence[Invoice], cost_of_goods_paise: int | None = None
) -> PnlSummary:
    """The summary of `invoices` (the month's, cancelled ones included)."""
    issued = [i for i in invoices if i.status == "issued"]
    cancelled = [i for i in invoices if i.status == "cancelled"]
    by_mode: dict[str, int] = {}
    for i in issued:
        by_mode[i.payment_mode] = by_mode.get(i.payment_mode, 0) + i.total_paise
    net = sum(i.subtotal_paise for i in issued)
    notes = () if cost_of_goods_paise is not None else (NO_COST_NOTE,)
    return PnlSummary(
        shop_id=shop_id, month=month, invoice_count=len(issued),
        gross_sales_paise=sum(i.total_paise for i in issued), net_sales_paise=net,
        discount_paise=sum(i.discount_paise for i in issued), cgst_paise=sum(i.cgst_paise for i in issued),
        sgst_paise=sum(i.sgst_paise for i in issued), igst_paise=sum(i.igst_paise for i in issued),
        round_off_paise=sum(i.round_off_paise for i in issued), cancelled_count=len(cancelled),
        cancelled_value_paise=sum(i.total_paise for i in cancelled), sales_by_mode=dict(sorted(by_mode.items())),
        cost_of_goods_paise=cost_of_goods_paise,
        gross_profit_paise=None if cost_of_goods_paise is None else net - cost_of_goods_paise, notes=notes,
    )
