"""GET /api/reports/gst (GSTR-1 style CSV) and /api/reports/pnl (JSON, PDF) for a month:
totals checked against the month's invoices as the books hold them."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from typing import Any

from business.books import Books
from business.discounts import Discount
from business.documents.gst_report import rupees
from business.documents.words import inr
from business.shoptime import IST
from tests.integration.documents.conftest import GSTIN, DocShop, FakeClock


async def _month(books: Books, clock: FakeClock, shop: DocShop) -> list[Any]:
    """September's bills (one cancelled, one with a discount, one inter-state, one cash) and one in October."""
    clock.set(datetime(2025, 9, 1, 10, 0, tzinfo=IST))
    c = await books.add_customer(shop.id, "Rahul Verma")
    add = books.add_product
    milk = await add(shop.id, "Milk", unit="packet", price_paise=2700, hsn="0401", stock=500)
    ghee = await add(shop.id, "Ghee", unit="kg", price_paise=60000, gst_rate_bp=500, hsn="0405", stock=500)
    soap = await add(shop.id, "Soap", unit="piece", price_paise=4499, gst_rate_bp=1800, hsn="3401", stock=500)
    bills = [
        await books.create_invoice(shop.id, c.id, [(milk.id, 2), (ghee.id, "0.5")], with_gst=True),
        await books.create_invoice(shop.id, c.id, [(soap.id, 3), (ghee.id, 1)], with_gst=True,
                                   discount=Discount(amount_paise=5000)),
        await books.create_invoice(shop.id, None, [(soap.id, 2)], with_gst=True, payment_mode="upi",
                                   supply_type="interstate"),
        await books.create_invoice(shop.id, c.id, [(milk.id, 5)], with_gst=False),
    ]
    clock.advance(days=2)
    cancelled = await books.create_invoice(shop.id, c.id, [(soap.id, 1)], with_gst=True)
    await books.cancel_invoice(shop.id, cancelled.id)
    clock.set(datetime(2025, 9, 30, 23, 59, tzinfo=IST))
    bills.append(await books.create_invoice(shop.id, None, [(milk.id, 1)], payment_mode="cash"))
    clock.set(datetime(2025, 10, 1, 0, 1, tzinfo=IST))  # October in India: not in September's report
    await books.create_invoice(shop.id, None, [(ghee.id, 3)], with_gst=True, payment_mode="cash")
    return bills


async def test_gst_csv(make_shop: Any, books: Books, clock: FakeClock) -> None:
    shop = await make_shop(gstin=GSTIN)
    bills = await _month(books, clock, shop)
    r = await shop.get("/api/reports/gst", params={"month": "2025-09"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert "gstr1-2025-09.csv" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    by = {s: [x for x in rows if x["section"] == s] for s in ("META", "B2B", "B2CS", "NIL", "HSN", "DOCS", "TOTAL")}
    assert by["META"][0]["gstin"] == GSTIN
    assert by["B2B"] == []  # the books keep no buyer GSTIN yet
    (total,) = by["TOTAL"]
    assert total["count"] == str(len(bills))
    for col, attr in (("taxable_value", "subtotal_paise"), ("igst", "igst_paise"), ("cgst", "cgst_paise"),
                      ("sgst", "sgst_paise"), ("invoice_value", "total_paise")):
        assert total[col] == rupees(sum(getattr(b, attr) for b in bills)), col
    lines = [(b, ln) for b in bills for ln in b.lines]
    for supply in ("intrastate", "interstate"):
        for rate in (500, 1800):
            want = [ln for b, ln in lines if b.supply_type == supply and b.with_gst and ln.gst_rate_bp == rate]
            got = [x for x in by["B2CS"] if x["supply_type"] == supply and x["rate"] == f"{rate / 100:g}"]
            if not want:
                assert not got
                continue
            (g,) = got
            assert g["taxable_value"] == rupees(sum(ln.taxable_paise for ln in want))
            tax = "igst" if supply == "interstate" else "cgst"
            assert g[tax] == rupees(sum(ln.igst_paise + ln.cgst_paise for ln in want))
    (nil,) = by["NIL"]
    assert nil["taxable_value"] == rupees(sum(ln.taxable_paise for b, ln in lines
                                              if not b.with_gst or ln.gst_rate_bp == 0))
    hsn = {x["hsn"]: x for x in by["HSN"] if x["rate"] != "0"}
    assert hsn["0405"]["quantity"] == "1.5" and hsn["0405"]["uqc"] == "kg"
    assert sum(Decimal(x["taxable_value"]) for x in by["HSN"]) == Decimal(total["taxable_value"])
    (docs,) = by["DOCS"]
    assert docs["count"] == "6" and docs["note"] == "1 cancelled"


async def test_pnl_json_and_pdf(make_shop: Any, books: Books, clock: FakeClock, pdf_text: Any) -> None:
    shop = await make_shop(gstin=GSTIN)
    bills = await _month(books, clock, shop)
    r = await shop.get("/api/reports/pnl", params={"month": "2025-09"})
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["month"] == "2025-09" and p["invoice_count"] == len(bills)
    assert p["gross_sales_paise"] == sum(b.total_paise for b in bills)
    assert p["net_sales_paise"] == sum(b.subtotal_paise for b in bills)
    assert p["discount_paise"] == 5000 == sum(b.discount_paise for b in bills)
    assert p["gst_collected_paise"] == sum(b.cgst_paise + b.sgst_paise + b.igst_paise for b in bills)
    assert p["round_off_paise"] == sum(b.round_off_paise for b in bills)
    assert p["cancelled_count"] == 1 and p["cancelled_value_paise"] > 0
    assert p["sales_by_mode"]["upi"] == bills[2].total_paise
    assert p["cost_of_goods_paise"] is None and p["gross_profit_paise"] is None
    assert "no purchase prices" in p["notes"][0]

    r = await shop.get("/api/reports/pnl", params={"month": "2025-09", "format": "pdf"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = pdf_text(r.content)
    assert "PROFIT AND LOSS SUMMARY" in text and "September 2025" in text
    for label, paise in (("Sales, as billed", p["gross_sales_paise"]), ("Net sales", p["net_sales_paise"]),
                         ("GST collected, total", p["gst_collected_paise"]), ("Discounts given", 5000)):
        (line,) = [ln for ln in text.splitlines() if label in ln]
        assert line.rstrip().endswith(inr(paise)), line
    assert "no purchase prices" in text


async def test_bad_month_and_empty_month(make_shop: Any) -> None:
    shop = await make_shop()
    for bad in ("2025-13", "2025-9", "sept", "", "2025-09-01"):
        for url in ("/api/reports/gst", "/api/reports/pnl"):
            r = await shop.get(url, params={"month": bad})
            assert r.status_code == 422, (url, bad, r.text)
            assert r.json()["error"]["code"] == "validation_error"
    assert (await shop.get("/api/reports/gst")).status_code == 422
    assert (await shop.get("/api/reports/pnl", params={"month": "2025-09", "format": "xls"})).status_code == 422
    r = await shop.get("/api/reports/gst", params={"month": "2025-09"})
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [x["section"] for x in rows] == ["META", "TOTAL"] and "no GSTIN" in rows[0]["note"]
    p = (await shop.get("/api/reports/pnl", params={"month": "2025-09"})).json()
    assert p["invoice_count"] == 0 and p["gross_sales_paise"] == 0
    assert (await shop.http.get("/api/reports/gst", params={"month": "2025-09"})).status_code == 401
