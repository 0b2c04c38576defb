"""GET /api/ledger/{customer_id}/statement.pdf: the period's entries with running
balances, the opening balance (everything before the period) and the closing one,
read back with pdftotext and checked against the ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from business.books import Books
from business.documents.words import inr
from business.shoptime import IST
from tests.integration.documents.conftest import DocShop, FakeClock


def on(day: int, month: int = 9) -> datetime:
    return datetime(2025, month, day, 11, 0, tzinfo=IST)


def rows_with(text: str, needle: str) -> list[str]:
    return [ln for ln in text.splitlines() if needle in ln]


def dated(text: str, day: str) -> list[str]:
    """The table rows of one date (the period line names dates too)."""
    return [ln for ln in text.splitlines() if ln.strip().startswith(day)]


async def _khata(books: Books, clock: FakeClock, shop: DocShop) -> tuple[int, int]:
    """A month of entries for one customer; returns the customer id and the invoice's total."""
    clock.set(on(1))
    c = await books.add_customer(shop.id, "Rahul Verma", opening_balance_paise=50000)
    p = await books.add_product(shop.id, "Sugar", unit="kg", price_paise=4550, stock=100)
    clock.set(on(5))
    await books.add_udhaar(shop.id, c.id, 25050, note="kirana")
    clock.set(on(10))
    inv = await books.create_invoice(shop.id, c.id, [(p.id, "2.5")])
    clock.set(on(15))
    await books.record_payment(shop.id, c.id, 30000, "cash")
    clock.set(on(20))
    await books.add_udhaar(shop.id, c.id, 10000)
    clock.set(on(2, 10))
    await books.record_payment(shop.id, c.id, 20000, "upi")
    return c.id, inv.total_paise


async def test_period_statement(make_shop: Any, books: Books, clock: FakeClock, pdf_text: Any) -> None:
    shop = await make_shop()
    cid, bill = await _khata(books, clock, shop)
    r = await shop.get(f"/api/ledger/{cid}/statement.pdf", params={"from": "2025-09-05", "to": "2025-09-20"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    text = pdf_text(r.content)
    assert "STATEMENT OF ACCOUNT" in text and "Customer: Rahul Verma" in text
    assert "Period: 05-09-2025 to 20-09-2025" in text
    (opening,) = rows_with(text, "Opening balance")
    assert opening.rstrip().endswith("500.00 Dr")
    expected = [  # (date, debit, credit, running balance), all from the ledger
        ("05-09-2025", 25050, 0, 75050),
        ("10-09-2025", bill, 0, 75050 + bill),
        ("15-09-2025", 0, 30000, 45050 + bill),
        ("20-09-2025", 10000, 0, 55050 + bill),
    ]
    statement = await books.statement(shop.id, cid)
    in_period = [ln for ln in statement.lines if on(5) <= ln.entry.created_at <= on(20)]
    assert [ln.running_balance_paise for ln in in_period] == [e[3] for e in expected]
    for day, debit, credit, balance in expected:
        (line,) = dated(text, day)
        assert line.rstrip().endswith(f"{inr(balance)} Dr"), line
        for amount in (debit, credit):
            if amount:
                assert inr(amount) in line, line
    (invoice_row,) = dated(text, "10-09-2025")
    inv = (await books.list_invoices(shop.id, customer_id=cid))[0]
    assert f"Sale on credit {inv.invoice_no}" in invoice_row
    assert "Payment received" in dated(text, "15-09-2025")[0]
    (total,) = rows_with(text, "Total")
    assert inr(25050 + bill + 10000) in total and inr(30000) in total
    (closing,) = rows_with(text, "Closing balance")
    assert closing.rstrip().endswith(f"{inr(55050 + bill)} Dr")
    assert "02-10-2025" not in text and "01-09-2025" not in text


async def test_whole_ledger_and_advance(make_shop: Any, books: Books, clock: FakeClock, pdf_text: Any) -> None:
    shop = await make_shop()
    cid, bill = await _khata(books, clock, shop)
    await books.record_payment(shop.id, cid, 35050 + bill + 12345, "cash")  # pays more than owed: an advance
    text = pdf_text((await shop.get(f"/api/ledger/{cid}/statement.pdf")).content)
    assert "Period: the first entry to today" in text
    assert rows_with(text, "Opening balance")[0].rstrip().endswith("0.00")
    assert "Opening balance" in dated(text, "01-09-2025")[0]  # the ledger's own opening entry
    assert rows_with(text, "Closing balance")[0].rstrip().endswith(f"{inr(12345)} Cr")
    balance = (await books.statement(shop.id, cid)).balance_paise
    assert balance == -12345


async def test_long_statement_runs_over_pages(make_shop: Any, books: Books, clock: FakeClock, pdf_text: Any) -> None:
    shop = await make_shop()
    clock.set(on(1))
    c = await books.add_customer(shop.id, "Gupta ji")
    for k in range(60):
        clock.advance(hours=6)
        await books.add_udhaar(shop.id, c.id, 1000 + k)
    text = pdf_text((await shop.get(f"/api/ledger/{c.id}/statement.pdf")).content)
    assert "Page 2 of 2" in text and len(rows_with(text, "Particulars")) == 2  # the header again on page 2
    total = sum(1000 + k for k in range(60))
    assert rows_with(text, "Closing balance")[0].rstrip().endswith(f"{inr(total)} Dr")
    assert len(rows_with(text, " Udhaar")) == 60


async def test_errors(make_shop: Any, books: Books) -> None:
    mine, theirs = await make_shop("Mine"), await make_shop("Theirs")
    c = await books.add_customer(theirs.id, "Not yours")
    for url in (f"/api/ledger/{c.id}/statement.pdf", "/api/ledger/999999999/statement.pdf"):
        r = await mine.get(url)
        assert r.status_code == 404 and r.json()["error"]["code"] == "customer_not_found", r.text
    own = await books.add_customer(mine.id, "Mine too")
    r = await mine.get(f"/api/ledger/{own.id}/statement.pdf", params={"from": "2025-09-10", "to": "2025-09-01"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "to", r.text
    r = await mine.get(f"/api/ledger/{own.id}/statement.pdf", params={"from": "10-09-2025"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"
