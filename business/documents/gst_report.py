"""The month's GST report, GSTR-1 style, as rows and as CSV text.

Sections (the `section` column), as GSTR-1 groups outward supplies:
- B2B: per invoice and rate, when the customer has a GSTIN.
- B2CL: per invoice and rate, inter-state bills to unregistered buyers above
  Rs 1,00,000 (the limit since August 2024).
- B2CS: other bills to unregistered buyers, summed per supply type and rate.
- NIL: nil-rated / exempt value (0% lines and bills without GST), per supply type.
- HSN: per HSN code, unit and rate: quantity, value, taxable value and tax.
- DOCS: invoice numbers used in the month (first, last, count, cancelled).
- TOTAL: the month's issued bills.
Cancelled bills count only in DOCS. Amounts are rupees with two decimals.
The books hold no buyer state or GSTIN yet: `customer_gstins` is where they
come in; without them every bill is B2C and an inter-state bill's place of
supply is blank.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from business.documents.period import Month
from business.models import Invoice, Shop
from business.shoptime import shop_date

B2CL_LIMIT_PAISE = 1_00_000_00
COLUMNS = (
    "section", "gstin", "receiver_name", "invoice_no", "invoice_date", "invoice_value", "place_of_supply",
    "supply_type", "rate", "taxable_value", "igst", "cgst", "sgst", "hsn", "description", "uqc", "quantity",
    "count", "note",
)


@dataclass(frozen=True)
class GstRow:
    section: str
    taxable_paise: int = 0
    igst_paise: int = 0
    cgst_paise: int = 0
    sgst_paise: int = 0
    rate_bp: int | None = None
    gstin: str = ""
    receiver_name: str = ""
    invoice_no: str = ""
    invoice_date: str = ""
    invoice_value_paise: int | None = None
    place_of_supply: str = ""
    supply_type: str = ""
    hsn: str = ""
    description: str = ""
    uqc: str = ""
    quantity: str = ""
    count: int | None = None
    note: str = ""


@dataclass(frozen=True)
class GstReport:
    shop_name: str
    shop_gstin: str | None
    month: Month
    rows: tuple[GstRow, ...]
    invoice_count: int  # issued, not cancelled
    cancelled_count: int
    taxable_paise: int
    igst_paise: int
    cgst_paise: int
    sgst_paise: int
    invoice_value_paise: int
    notes: tuple[str, ...] = field(default_factory=tuple)

    def section(self, name: str) -> tuple[GstRow, ...]:
        return tuple(r for r in self.rows if r.section == name)


@dataclass
class _HsnSum:
    description: str
    quantity: Decimal = Decimal(0)
    value: int = 0
    taxable: int = 0
    igst: int = 0
    cgst: int = 0
    sgst: int = 0


def rupees(paise: int) -> str:
    """12345 -> '123.45' (what the GST portal's CSV templates take)."""
    sign = "-" if paise < 0 else ""
    r, p = divmod(abs(paise), 100)
    return f"{sign}{r}.{p:02d}"


def _by_rate(inv: Invoice) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for ln in inv.lines:
        if inv.with_gst and ln.gst_rate_bp > 0:
            g = out.setdefault(ln.gst_rate_bp, [0, 0, 0, 0])
            g[0] += ln.taxable_paise
            g[1] += ln.igst_paise
            g[2] += ln.cgst_paise
            g[3] += ln.sgst_paise
    return out


def _nil_value(inv: Invoice) -> int:
    return sum(ln.taxable_paise for ln in inv.lines if not inv.with_gst or ln.gst_rate_bp == 0)


def gst_report(
    shop: Shop, month: Month, invoices: Sequence[Invoice], customer_gstins: Mapping[int, str] | None = None,
) -> GstReport:
    """The report for the shop's `invoices` of `month` (any order; cancelled ones included)."""
    gstins = customer_gstins or {}
    issued = sorted((i for i in invoices if i.status == "issued"), key=lambda i: (i.issued_at, i.id))
    every = sorted(invoices, key=lambda i: (i.fy, i.invoice_no))
    rows: list[GstRow] = []
    b2cs: dict[tuple[str, int], list[int]] = {}
    nil: dict[tuple[str, str], int] = {}
    hsn: dict[tuple[str, str, int], _HsnSum] = {}
    for inv in issued:
        gstin = gstins.get(inv.customer_id or 0, "")
        place = shop.state if inv.supply_type == "intrastate" else ""
        day = shop_date(inv.issued_at).isoformat()
        b2cl = not gstin and inv.supply_type == "interstate" and inv.total_paise > B2CL_LIMIT_PAISE
        for rate, (taxable, igst, cgst, sgst) in sorted(_by_rate(inv).items()):
            if gstin or b2cl:
                rows.append(GstRow(
                    section="B2B" if gstin else "B2CL", gstin=gstin, receiver_name=inv.customer_name,
                    invoice_no=inv.invoice_no, invoice_date=day, invoice_value_paise=inv.total_paise,
                    place_of_supply=place, supply_type=inv.supply_type, rate_bp=rate, taxable_paise=taxable,
                    igst_paise=igst, cgst_paise=cgst, sgst_paise=sgst,
                ))
            else:
                g = b2cs.setdefault((inv.supply_type, rate), [0, 0, 0, 0])
                for k, v in enumerate((taxable, igst, cgst, sgst)):
                    g[k] += v
        if value := _nil_value(inv):
            key = (inv.supply_type, "B2B" if gstin else "B2C")
            nil[key] = nil.get(key, 0) + value
        for ln in inv.lines:
            rate = ln.gst_rate_bp if inv.with_gst else 0
            h = hsn.setdefault((ln.hsn, ln.unit, rate), _HsnSum(ln.description))
            h.quantity += ln.quantity
            h.value += ln.total_paise
            h.taxable += ln.taxable_paise
            h.igst += ln.igst_paise
            h.cgst += ln.cgst_paise
            h.sgst += ln.sgst_paise
    for (supply, rate), (taxable, igst, cgst, sgst) in sorted(b2cs.items()):
        rows.append(GstRow(
            section="B2CS", place_of_supply=shop.state if supply == "intrastate" else "", supply_type=supply,
            rate_bp=rate, taxable_paise=taxable, igst_paise=igst, cgst_paise=cgst, sgst_paise=sgst,
        ))
    for (supply, kind), value in sorted(nil.items()):
        rows.append(GstRow(section="NIL", supply_type=supply, taxable_paise=value, note=f"nil rated / exempt, {kind}"))
    for (code, unit, rate), h in sorted(hsn.items()):
        rows.append(GstRow(
            section="HSN", hsn=code, description=h.description, uqc=unit, quantity=f"{h.quantity.normalize():f}",
            rate_bp=rate, invoice_value_paise=h.value, taxable_paise=h.taxable, igst_paise=h.igst,
            cgst_paise=h.cgst, sgst_paise=h.sgst,
        ))
    cancelled = sum(1 for i in invoices if i.status == "cancelled")
    if every:
        rows.append(GstRow(
            section="DOCS", invoice_no=f"{every[0].invoice_no} to {every[-1].invoice_no}", count=len(every),
            note=f"{cancelled} cancelled",
        ))
    totals = [sum(getattr(i, f) for i in issued) for f in ("subtotal_paise", "igst_paise", "cgst_paise", "sgst_paise")]
    value_total = sum(i.total_paise for i in issued)
    rows.append(GstRow(
        section="TOTAL", taxable_paise=totals[0], igst_paise=totals[1], cgst_paise=totals[2], sgst_paise=totals[3],
        invoice_value_paise=value_total, count=len(issued),
    ))
    notes = () if shop.gstin else ("the shop has no GSTIN: its bills are bills of supply and carry no GST",)
    return GstReport(
        shop_name=shop.name, shop_gstin=shop.gstin, month=month, rows=tuple(rows), invoice_count=len(issued),
        cancelled_count=cancelled, taxable_paise=totals[0], igst_paise=totals[1], cgst_paise=totals[2],
        sgst_paise=totals[3], invoice_value_paise=value_total, notes=notes,
    )


def _cells(r: GstRow) -> list[str]:
    def money(p: int | None) -> str:
        return "" if p is None else rupees(p)

    rate = "" if r.rate_bp is None else f"{r.rate_bp / 100:g}"
    return [
        r.section, r.gstin, r.receiver_name, r.invoice_no, r.invoice_date, money(r.invoice_value_paise),
        r.place_of_supply, r.supply_type, rate, rupees(r.taxable_paise), rupees(r.igst_paise), rupees(r.cgst_paise),
        rupees(r.sgst_paise), r.hsn, r.description, r.uqc, r.quantity, "" if r.count is None else str(r.count), r.note,
    ]


def to_csv(report: GstReport) -> str:
    """One header, one row per report row; a META row first names the shop, GSTIN and period."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    meta = ["META", report.shop_gstin or "", report.shop_name] + [""] * (len(COLUMNS) - 4)
    meta.append("; ".join((f"period {report.month.label} ({report.month.gstr_period})", *report.notes)))
    w.writerow(meta)
    for r in report.rows:
        w.writerow(_cells(r))
    return buf.getvalue()
