"""GET /api/invoices/{id}/pdf: the PDF read back with pdftotext, every figure checked
against the invoice the books hold (lines, tax per rate, round-off, total, words)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from business.books import Books
from business.discounts import Discount
from business.documents.words import amount_in_words, inr, rate_text
from business.models import Invoice
from tests.integration.documents.conftest import GSTIN, DocShop, FakeClock


def row(text: str, needle: str) -> str:
    """The one text line holding `needle`."""
    found = [ln for ln in text.splitlines() if needle in ln]
    assert len(found) == 1, (needle, found, text)
    return found[0]


def figure(text: str, label: str) -> str:
    m = re.search(rf"{re.escape(label)}:\s+(Rs\. )?(-?[0-9,]+\.[0-9]{{2}})", text)
    assert m, (label, text)
    return m.group(2)


async def _grocer(books: Books, shop: DocShop) -> dict[str, int]:
    add = books.add_product
    return {
        "milk": (await add(shop.id, "Amul Taaza Milk", unit="packet", price_paise=2700, hsn="0401", stock=50)).id,
        "biscuit": (await add(shop.id, "Parle-G Biscuit", unit="packet", price_paise=1025, gst_rate_bp=500,
                              hsn="1905", stock=50)).id,
        "soap": (await add(shop.id, "Lux Soap", unit="piece", price_paise=4499, gst_rate_bp=1800, hsn="3401",
                           stock=50)).id,
    }


async def _bill(books: Books, shop: DocShop, customer_id: int | None, **kw: Any) -> Invoice:
    p = await _grocer(books, shop)
    items = [(p["milk"], 2), (p["biscuit"], 3), (p["soap"], 1)]
    return await books.create_invoice(shop.id, customer_id, items, **kw)


def _check_lines(text: str, inv: Invoice, *, taxed: bool) -> None:
    for ln in inv.lines:
        r = row(text, ln.hsn)
        assert ln.description in r
        for amount in (ln.unit_price_paise, ln.taxable_paise, ln.total_paise):
            assert inr(amount) in r, (inr(amount), r)
        assert (rate_text(ln.gst_rate_bp) if taxed else " - ") in r, r
    assert figure(text, "Taxable value") == inr(inv.subtotal_paise)
    assert figure(text, "Round off") == inr(inv.round_off_paise)
    assert figure(text, "Total") == inr(inv.total_paise)
    assert amount_in_words(inv.total_paise) in " ".join(text.split())


async def test_intrastate_tax_invoice(make_shop: Any, books: Books, clock: FakeClock, pdf_text: Any) -> None:
    clock.set(datetime(2025, 10, 14, 20, 30, tzinfo=UTC))  # 15 Oct 02:00 in India
    shop = await make_shop(gstin=GSTIN)
    rahul = await books.add_customer(shop.id, "Rahul Verma", phone="+919876543210")
    inv = await _bill(books, shop, rahul.id, with_gst=True)
    # the books' own arithmetic, by hand: 2 x 27.00 at 0%, 3 x 10.25 at 5%, 1 x 44.99 at 18%
    assert [ln.taxable_paise for ln in inv.lines] == [5400, 3075, 4499]
    assert [(ln.cgst_paise, ln.sgst_paise) for ln in inv.lines] == [(0, 0), (77, 77), (405, 405)]
    assert (inv.total_paise, inv.round_off_paise) == (13900, -38)

    r = await shop.get(f"/api/invoices/{inv.id}/pdf")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    text = pdf_text(r.content)
    assert "TAX INVOICE" in text and "BILL OF SUPPLY" not in text
    assert "Sharma General Store" in text and "12 Station Road, Pune" in text
    assert f"GSTIN: {GSTIN}" in text
    assert f"Invoice No: {inv.invoice_no}" in text
    assert "Date: 15-10-2025" in text  # the shop's (Asia/Kolkata) date, not UTC's 14th
    assert "Rahul Verma (+919876543210)" in text
    assert "Place of supply: Maharashtra" in text and "Intra-state" in text
    _check_lines(text, inv, taxed=True)
    # tax summary: one row per rate, CGST and SGST at half the rate each
    for rate, cgst in ((0, 0), (500, 77), (1800, 405)):
        taxable = sum(ln.taxable_paise for ln in inv.lines if ln.gst_rate_bp == rate)
        half = rate_text(rate // 2)
        want = [rate_text(rate), inr(taxable), half, inr(cgst), half, inr(cgst), inr(2 * cgst)]
        assert want in [ln.split() for ln in text.splitlines()], (want, text)
    assert figure(text, "CGST") == inr(inv.cgst_paise) == "4.82"
    assert figure(text, "SGST") == inr(inv.sgst_paise)
    assert "IGST" not in text
    assert "Rupees One Hundred Thirty Nine Only" in text


async def test_interstate_charges_igst(make_shop: Any, books: Books, pdf_text: Any) -> None:
    shop = await make_shop(gstin=GSTIN)
    c = await books.add_customer(shop.id, "Gupta Traders")
    inv = await _bill(books, shop, c.id, with_gst=True, supply_type="interstate")
    assert inv.cgst_paise == inv.sgst_paise == 0 and inv.igst_paise > 0
    text = pdf_text((await shop.get(f"/api/invoices/{inv.id}/pdf")).content)
    assert "Inter-state (IGST)" in text
    assert "CGST" not in text and "SGST" not in text
    _check_lines(text, inv, taxed=True)
    assert figure(text, "IGST") == inr(inv.igst_paise)
    for rate in (500, 1800):
        taxable = sum(ln.taxable_paise for ln in inv.lines if ln.gst_rate_bp == rate)
        igst = sum(ln.igst_paise for ln in inv.lines if ln.gst_rate_bp == rate)
        want = [rate_text(rate), inr(taxable), rate_text(rate), inr(igst), inr(igst)]
        assert want in [ln.split() for ln in text.splitlines()], (want, text)


async def test_unregistered_shop_prints_a_bill_of_supply(make_shop: Any, books: Books, pdf_text: Any) -> None:
    shop = await make_shop("Chhotu Kirana")
    inv = await _bill(books, shop, None, payment_mode="cash")
    assert inv.cgst_paise == inv.sgst_paise == inv.igst_paise == 0
    text = pdf_text((await shop.get(f"/api/invoices/{inv.id}/pdf")).content)
    assert "BILL OF SUPPLY" in text and "TAX INVOICE" not in text
    assert "Not registered under GST" in text and "supplier not registered under GST" in text
    assert "Cash sale" in text and "Payment: cash" in text
    for tax in ("CGST", "SGST", "IGST", "Tax summary"):
        assert tax not in text
    _check_lines(text, inv, taxed=False)


async def test_registered_shop_bill_without_gst_is_a_bill_of_supply(
    make_shop: Any, books: Books, pdf_text: Any
) -> None:
    shop = await make_shop(gstin=GSTIN)
    c = await books.add_customer(shop.id, "Meena")
    inv = await _bill(books, shop, c.id, with_gst=False)
    text = pdf_text((await shop.get(f"/api/invoices/{inv.id}/pdf")).content)
    assert "BILL OF SUPPLY" in text and f"GSTIN: {GSTIN}" in text and "supply of exempt goods" in text
    _check_lines(text, inv, taxed=False)


async def test_discount_and_cancelled_marks(make_shop: Any, books: Books, pdf_text: Any) -> None:
    shop = await make_shop(gstin=GSTIN)
    c = await books.add_customer(shop.id, "Asha")
    inv = await _bill(books, shop, c.id, with_gst=True, discount=Discount(percent=Decimal(10)))
    assert inv.discount_paise > 0
    await books.cancel_invoice(shop.id, inv.id)
    text = pdf_text((await shop.get(f"/api/invoices/{inv.id}/pdf")).content)
    assert "CANCELLED" in text
    assert figure(text, "Discount (taken off above)") == inr(inv.discount_paise)
    for ln in inv.lines:
        assert inr(ln.discount_paise) in row(text, ln.hsn)
    _check_lines(text, inv, taxed=True)


async def test_unknown_and_other_shops_invoice_is_404(make_shop: Any, books: Books) -> None:
    mine, theirs = await make_shop("Mine"), await make_shop("Theirs")
    inv = await _bill(books, theirs, None, payment_mode="cash")
    for url in (f"/api/invoices/{inv.id}/pdf", "/api/invoices/999999999/pdf"):
        r = await mine.get(url)
        assert r.status_code == 404 and r.json()["error"]["code"] == "invoice_not_found", r.text
    assert (await mine.get("/api/invoices/0/pdf")).status_code == 422
    r = await mine.http.get(f"/api/invoices/{inv.id}/pdf")
    assert r.status_code == 401
