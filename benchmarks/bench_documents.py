"""PDF render time: one GST invoice, one 100-entry customer statement, one P&L page.

    .venv/bin/python benchmarks/bench_documents.py [--reps 50] [--lines 10] [--entries 100]

Builds the document models from in-memory books dataclasses (no database: what
is timed is `business.documents` -> fpdf2 bytes, the work the API runs in a
thread per request) and prints the median and p95 over `--reps` renders, with
the PDF sizes. Also times the GST CSV for a month of 1,000 three-line bills.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from business.documents.gst_report import gst_report, to_csv
from business.documents.invoice_doc import invoice_document
from business.documents.period import parse_month
from business.documents.pnl import pnl_summary
from business.documents.statement_doc import statement_document
from business.gst import line_amount, line_tax, totals
from business.models import (
    Customer,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    Shop,
    ShopSettings,
    Statement,
    StatementLine,
)
from workers.documents.invoice_pdf import render_invoice
from workers.documents.pnl_pdf import render_pnl
from workers.documents.statement_pdf import render_statement

AT = datetime(2025, 9, 10, 6, 0, tzinfo=UTC)
SHOP = Shop(1, "Sharma General Store", "12 Station Road, Pune", "Maharashtra", "27ABCDE1234F1Z5",
            ShopSettings(), AT)
CUSTOMER = Customer(1, 1, "Rahul Verma", "+919876543210", (), "", "", "", False, 0, AT)


def invoice(no: int, n_lines: int) -> Invoice:
    lines, taxes = [], []
    for k in range(1, n_lines + 1):
        rate = (0, 500, 1200, 1800)[k % 4]
        taxable = line_amount(1000 + 137 * k, 1000 * (1 + k % 3))
        t = line_tax(taxable, rate, with_gst=True, supply_type="intrastate")
        taxes.append(t)
        lines.append(InvoiceLine(k, k, f"Product number {k}", f"{1900 + k}", Decimal(1 + k % 3), "packet",
                                 1000 * (1 + k % 3), 1000 + 137 * k, taxable, rate, t.cgst_paise, t.sgst_paise, 0,
                                 t.total_paise))
    tot = totals(taxes)
    return Invoice(no, 1, f"25-26/{no:06d}", "25-26", 1, "Rahul Verma", "issued", "credit", True, "intrastate",
                   tuple(lines), tot.subtotal_paise, tot.cgst_paise, tot.sgst_paise, 0, tot.round_off_paise,
                   tot.total_paise, AT, None)


def statement(entries: int) -> Statement:
    running, lines = 0, []
    for k in range(entries):
        amount = -30000 if k % 4 == 3 else 12345 + k
        running += amount
        e = LedgerEntry(k + 1, 1, "payment" if amount < 0 else "udhaar", amount, "kirana saman", None, None, None,
                        AT + timedelta(hours=7 * k))
        lines.append(StatementLine(e, running))
    return Statement(CUSTOMER, tuple(lines), running)


def timed(fn: Callable[[], object], reps: int) -> tuple[float, float, object]:
    fn()  # warm: font metrics, imports
    times, out = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=50)
    ap.add_argument("--lines", type=int, default=10)
    ap.add_argument("--entries", type=int, default=100)
    args = ap.parse_args()

    inv_doc = invoice_document(SHOP, invoice(1, args.lines), CUSTOMER)
    st_doc = statement_document(SHOP, statement(args.entries))
    month = parse_month("2025-09")
    bills = [invoice(k, 3) for k in range(1, 1001)]
    pnl = pnl_summary(1, month, bills)
    cases: list[tuple[str, Callable[[], object]]] = [
        (f"invoice PDF ({args.lines} lines, GST)", lambda: render_invoice(inv_doc)),
        (f"statement PDF ({args.entries} entries)", lambda: render_statement(st_doc)),
        ("P&L PDF", lambda: render_pnl(pnl, SHOP.name)),
        ("GST CSV (1,000 bills x 3 lines)", lambda: to_csv(gst_report(SHOP, month, bills))),
    ]
    print(f"{'document':40} {'median ms':>10} {'p95 ms':>8} {'size':>10}")
    for name, fn in cases:
        med, p95, out = timed(fn, args.reps)
        size = len(out) if isinstance(out, bytes | str) else 0
        print(f"{name:40} {med:10.2f} {p95:8.2f} {size:>9,}B")


if __name__ == "__main__":
    main()
