"""The GSTR-1 style report from invoices built by hand: sections, B2B with a GSTIN,
B2CL above the limit, NIL, HSN sums, DOCS, TOTAL and the CSV text."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

from business.documents.gst_report import gst_report, rupees, to_csv
from business.documents.period import parse_month
from business.gst import line_tax, totals
from business.models import Invoice, InvoiceLine, Shop, ShopSettings

AT = datetime(2025, 9, 10, 6, 0, tzinfo=UTC)


def _shop(gstin: str | None = "27ABCDE1234F1Z5") -> Shop:
    return Shop(1, "Sharma Store", "Pune", "Maharashtra", gstin, ShopSettings(), AT)


def _invoice(no: int, lines: list[tuple[str, int, int]], *, supply: str = "intrastate", customer: int | None = 7,
             status: str = "issued", with_gst: bool = True) -> Invoice:
    built = []
    for k, (hsn, taxable, rate) in enumerate(lines, 1):
        t = line_tax(taxable, rate, with_gst=with_gst, supply_type=supply)
        built.append(InvoiceLine(k, 1, f"item {hsn}", hsn, Decimal(2), "packet", 2000, taxable // 2, taxable,
                                 rate, t.cgst_paise, t.sgst_paise, t.igst_paise, t.total_paise))
    tot = totals([line_tax(x.taxable_paise, x.gst_rate_bp, with_gst=with_gst, supply_type=supply) for x in built])
    return Invoice(no, 1, f"25-26/{no:06d}", "25-26", customer, "Rahul", status,  # type: ignore[arg-type]
                   "credit", with_gst, supply, tuple(built), tot.subtotal_paise, tot.cgst_paise, tot.sgst_paise,
                   tot.igst_paise, tot.round_off_paise, tot.total_paise, AT, None)


def test_sections_and_totals() -> None:
    invs = [
        _invoice(1, [("1905", 10000, 500), ("0401", 5000, 0)]),
        _invoice(2, [("1905", 20000, 500)], customer=9),  # a registered buyer: B2B
        _invoice(3, [("3401", 15_000_000, 1800)], supply="interstate"),  # above Rs 1 lakh, inter-state: B2CL
        _invoice(4, [("1905", 99999, 500)], status="cancelled"),
        _invoice(5, [("1101", 4550, 0)], with_gst=False),
    ]
    report = gst_report(_shop(), parse_month("2025-09"), invs, customer_gstins={9: "29AAAAA0000A1Z5"})
    b2b = report.section("B2B")
    assert [(r.gstin, r.invoice_no, r.taxable_paise, r.cgst_paise) for r in b2b] == [
        ("29AAAAA0000A1Z5", "25-26/000002", 20000, 500)]
    (b2cl,) = report.section("B2CL")
    assert (b2cl.igst_paise, b2cl.place_of_supply) == (2_700_000, "")
    (b2cs,) = report.section("B2CS")
    assert (b2cs.rate_bp, b2cs.taxable_paise, b2cs.cgst_paise, b2cs.sgst_paise) == (500, 10000, 250, 250)
    nil = {r.supply_type: r.taxable_paise for r in report.section("NIL")}
    assert nil == {"intrastate": 5000 + 4550}
    hsn = {r.hsn: r for r in report.section("HSN")}
    assert hsn["1905"].taxable_paise == 30000 and hsn["1905"].quantity == "4"  # the cancelled bill not counted
    assert set(hsn) == {"0401", "1101", "1905", "3401"}
    (docs,) = report.section("DOCS")
    assert (docs.invoice_no, docs.count, docs.note) == ("25-26/000001 to 25-26/000005", 5, "1 cancelled")
    issued = [i for i in invs if i.status == "issued"]
    assert report.taxable_paise == sum(i.subtotal_paise for i in issued)
    assert report.igst_paise == 2_700_000 and report.cgst_paise == 750
    assert report.invoice_value_paise == sum(i.total_paise for i in issued)
    # section sums agree with the total, the way a return is checked
    taxed = [r for r in report.rows if r.section in ("B2B", "B2CL", "B2CS", "NIL")]
    assert sum(r.taxable_paise for r in taxed) == report.taxable_paise
    assert sum(r.taxable_paise for r in report.section("HSN")) == report.taxable_paise

    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert rows[0]["section"] == "META" and "period 2025-09 (092025)" in rows[0]["note"]
    total = rows[-1]
    assert total["section"] == "TOTAL" and total["taxable_value"] == rupees(report.taxable_paise)
    assert total["invoice_value"] == rupees(report.invoice_value_paise) and total["count"] == "4"
    assert [r["rate"] for r in rows if r["section"] == "B2B"] == ["5"]


def test_unregistered_shop_says_so() -> None:
    report = gst_report(_shop(None), parse_month("2025-09"), [])
    assert report.notes and "no GSTIN" in report.notes[0]
    assert [r.section for r in report.rows] == ["TOTAL"]


def test_rupees() -> None:
    assert [rupees(x) for x in (0, 5, 12345, -62)] == ["0.00", "0.05", "123.45", "-0.62"]
