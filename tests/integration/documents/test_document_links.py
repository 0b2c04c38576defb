"""A document the worker built is handed out by signed, expiring links: the link serves that
invoice's PDF, and a changed signature, id or expiry, or an expired link, opens nothing."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import asyncpg

from business.books import Books
from db.document_store import signed_path
from workers.context import WorkerConfig
from workers.document_jobs import run_document

SECRET = "test-secret-0123456789abcdef-0123456789"  # tests/conftest.py's APP_SECRET


async def _built_invoice(books: Books, pool: asyncpg.Pool, settings: Any, doc_shop: Any) -> tuple[int, str]:
    customer = await books.add_customer(doc_shop.id, "Rahul Verma", phone="+919812345678", whatsapp_opt_in=True)
    await books.add_product(doc_shop.id, "Toor dal", unit="kg", price_paise=12_000, stock=10, hsn="0713")
    inv = await books.create_invoice(doc_shop.id, customer.id, [("Toor dal", 2)])
    req = await books.send_invoice_document(doc_shop.id, invoice_id=inv.id)
    assert await pool.fetchval("SELECT status FROM documents WHERE id = $1", req.document_id) == "requested"
    cfg = WorkerConfig(database_url=settings.database_url, redis_url=settings.redis_url,
                       documents_dir=settings.documents_dir)
    assert await run_document(pool, cfg, req.document_id) == "outbox"  # no WhatsApp settings
    assert await run_document(pool, cfg, req.document_id) == "noop:sent"  # a second job does nothing
    return req.document_id, inv.invoice_no


async def test_the_signed_link_serves_the_invoice_pdf(books, pool, settings, make_shop, pdf_text) -> None:  # type: ignore[no-untyped-def]
    shop = await make_shop()
    doc_id, invoice_no = await _built_invoice(books, pool, settings, shop)
    state = await shop.get(f"/api/documents/{doc_id}")
    assert state.status_code == 200, state.text
    body = state.json()
    assert body["status"] == "sent" and body["kind"] == "invoice_pdf" and body["link"].startswith("/documents/")
    served = await shop.http.get(body["link"])  # no API key: the link is the permission
    assert served.status_code == 200 and served.headers["content-type"] == "application/pdf"
    text = pdf_text(served.content)
    assert invoice_no in text and "Rahul Verma" in text and "Toor dal" in text and "240.00" in text
    other = await make_shop("Another Store")
    assert (await other.get(f"/api/documents/{doc_id}")).status_code == 404


async def test_the_link_expires_and_resists_tampering(books, pool, settings, make_shop) -> None:  # type: ignore[no-untyped-def]
    shop = await make_shop()
    doc_id, _no = await _built_invoice(books, pool, settings, shop)
    link = (await shop.get(f"/api/documents/{doc_id}")).json()["link"]
    q = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    http = shop.http
    assert (await http.get(link)).status_code == 200
    bad_sig = q["sig"][:-1] + ("0" if q["sig"][-1] != "0" else "1")
    tampered = [
        f"/documents/{doc_id}?expires={q['expires']}&sig={bad_sig}",
        f"/documents/{doc_id}?expires={int(q['expires']) + 3600}&sig={q['sig']}",
        f"/documents/{doc_id + 1}?expires={q['expires']}&sig={q['sig']}",
        f"/documents/{doc_id}?expires={q['expires']}&sig=",
        f"/recordings/{doc_id}?expires={q['expires']}&sig={q['sig']}",  # a document's signature opens no recording
    ]
    for url in tampered:
        assert (await http.get(url)).status_code in (403, 422), url
    expired = signed_path(doc_id, SECRET, 60, now=time.time() - 3600)  # signed an hour ago for a minute
    assert (await http.get(expired)).status_code == 403
    assert (await http.get(signed_path(doc_id, SECRET, 60))).status_code == 200  # the same, still fresh
