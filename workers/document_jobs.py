"""The document job: build a requested document, store it, deliver it on WhatsApp.

`deliver_document(document_id)` is what RQ runs. The documents row decides:

1. `requested`: render it (the books' document model -> PDF/CSV bytes, in a
   thread), store it (S3 or DATA_DIR/documents) and mark it `ready` (commit).
   Rendering twice is harmless: same key, same bytes.
2. `ready`: under the row lock, deliver. Without WhatsApp settings the local
   outbox gets a document message and the row is `sent` in that transaction.
   With WhatsApp: upload the file as media, send a `document` message to the
   row's phone: accepted -> `sent` (wamid kept), rejected -> `failed`,
   timeout -> `unknown` (never resent), nothing sent -> RQ retries.
3. Anything else: nothing to do (a second job for the same row is a no-op).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg

from business.books import Books
from business.deliveries import GST_CSV, INVOICE_PDF, PNL_PDF, READY, REQUESTED
from business.documents.gst_report import to_csv
from business.documents.period import parse_month
from business.shoptime import day_bounds, shop_date
from db.document_store import document_key, put_document, read_document
from db.pool import create_pool
from db.repos import deliveries as rows
from db.uow import PostgresUnitOfWorkFactory
from telephony.whatsapp.media import DocumentMessage, WhatsAppMedia
from telephony.whatsapp.sender import SendOutcome
from telephony.whatsapp.templates import template_text, whatsapp_number
from workers.context import WorkerConfig, current
from workers.documents.invoice_pdf import render_invoice
from workers.documents.pnl_pdf import render_pnl

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


class DocumentNotSent(Exception):
    """Nothing reached WhatsApp (or the upload failed): RQ retries the job."""


@dataclass(frozen=True)
class Built:
    content: bytes
    content_type: str
    filename: str


async def build(books: Books, doc: rows.DocumentRow) -> Built:
    """The document's bytes, rendered off the event loop."""
    if doc.kind == INVOICE_PDF:
        assert doc.invoice_id is not None
        inv = await books.invoice_document(doc.shop_id, doc.invoice_id)
        content = await asyncio.to_thread(render_invoice, inv)
        return Built(content, "application/pdf", f"{inv.invoice_no.replace('/', '-')}.pdf")
    month = parse_month(doc.month or "")
    if doc.kind == GST_CSV:
        report = await books.gst_report(doc.shop_id, month)
        return Built(to_csv(report).encode("utf-8"), "text/csv", f"gst-{month.label}.csv")
    if doc.kind == PNL_PDF:
        pnl = await books.pnl_summary(doc.shop_id, month)
        content = await asyncio.to_thread(render_pnl, pnl, doc.shop_name)
        return Built(content, "application/pdf", f"pnl-{month.label}.pdf")
    raise ValueError(f"unknown document kind {doc.kind}")


async def deliver_document(document_id: int) -> str:
    """RQ entry point: one document with this process's WorkerConfig."""
    cfg = current()
    pool = await create_pool(cfg.database_url, min_size=1, max_size=2)
    try:
        return await run_document(pool, cfg, document_id)
    finally:
        await pool.close()


async def run_document(pool: asyncpg.Pool, cfg: WorkerConfig, document_id: int) -> str:
    async with pool.acquire() as conn:
        doc = await rows.get_document(conn, document_id)
    if doc is None:
        log.warning("document %s: no such document", document_id)
        return "missing"
    if doc.status == REQUESTED:
        built = await build(Books(PostgresUnitOfWorkFactory(pool)), doc)
        key = document_key(doc.shop_id, doc.id, built.filename)
        stored = await asyncio.to_thread(put_document, cfg.s3, cfg.documents_dir, key, built.content,
                                         built.content_type)
        async with pool.acquire() as conn:
            await rows.mark_ready(conn, doc.id, storage_key=stored.key, content_type=built.content_type,
                                  filename=built.filename, size_bytes=stored.size, sha256=stored.sha256,
                                  at=datetime.now(UTC))
        log.info("document %s shop %s: %s ready (%d bytes)", doc.id, doc.shop_id, doc.kind, stored.size)
    async with pool.acquire() as conn:
        return await _deliver(conn, cfg, document_id)


def _caption(doc: rows.DocumentRow) -> str:
    if doc.kind == INVOICE_PDF:
        return template_text(f"{doc.shop_name}: bill {doc.filename or ''}".removesuffix(".pdf"), 200)
    return template_text(f"{doc.shop_name}: {doc.filename or doc.kind}", 200)


async def _deliver(conn: asyncpg.Connection, cfg: WorkerConfig, document_id: int) -> str:
    now = datetime.now(UTC)
    async with conn.transaction():
        doc = await rows.get_document(conn, document_id, lock=True)  # a second job waits here, then finds it sent
        if doc is None or doc.status != READY or doc.storage_key is None:
            return f"noop:{doc.status if doc else 'missing'}"
        if not doc.to_phone:
            await rows.finish_document(conn, doc.id, "failed", error="no phone", at=now)
            return "failed"
        if doc.kind == INVOICE_PDF:  # a message to a customer: the shop's daily WhatsApp cap applies
            day_start = day_bounds(shop_date(now))[0]
            if await rows.whatsapp_sends_since(conn, doc.shop_id, day_start) >= doc.shop_settings.whatsapp_daily_limit:
                await rows.finish_document(conn, doc.id, "failed", error="daily send limit", at=now)
                log.warning("document %s shop %s: daily WhatsApp limit reached", doc.id, doc.shop_id)
                return "failed"
        to = whatsapp_number(doc.to_phone)
        filename = doc.filename or f"document-{doc.id}"
        if not cfg.whatsapp.enabled:
            message = DocumentMessage(to=to, media_id=f"outbox-media.{doc.id}", filename=filename,
                                      caption=_caption(doc), callback_data=f"document:{doc.id}")
            wamid = await rows.insert_outbox_for(
                conn, column="document_id", row_id=doc.id, shop_id=doc.shop_id,
                wamid=f"outbox.{uuid.uuid4().hex}", to_phone=to, template_name="document", language="",
                parameters=[filename], payload=message.payload(),
            )
            await rows.finish_document(conn, doc.id, "sent", wamid=wamid, at=now)
            log.info("document %s shop %s: stored in the local outbox", doc.id, doc.shop_id)
            return "outbox"
        attempts = await rows.count_attempt(conn, doc.id)
        content = await asyncio.to_thread(read_document, cfg.s3, cfg.documents_dir, doc.storage_key)
        outcome, retry = await _send(conn, cfg, doc, to, filename, content, attempts, now)
    if retry:  # committed: the attempt is counted and the row stays ready for RQ's retry
        log.warning("document %s: not sent (%s), will retry", document_id, retry)
        raise DocumentNotSent(f"document {document_id}: {retry}")
    return outcome


async def _send(
    conn: asyncpg.Connection, cfg: WorkerConfig, doc: rows.DocumentRow, to: str, filename: str, content: bytes,
    attempts: int, now: datetime,
) -> tuple[str, str]:
    """Upload and send under the row lock; (what happened, why to retry or '')."""
    async with WhatsAppMedia(cfg.whatsapp) as media:
        upload = await media.upload(content, filename, doc.content_type or "application/octet-stream")
        if upload.media_id is None:
            if upload.retryable and attempts < MAX_ATTEMPTS:
                return "retry", upload.error
            await rows.finish_document(conn, doc.id, "failed", error=upload.error, at=now)
            return "failed", ""
        message = DocumentMessage(to=to, media_id=upload.media_id, filename=filename,
                                  caption=_caption(doc), callback_data=f"document:{doc.id}")
        result = await media.send_document(message)
    error = f"{result.error_code}: {result.error_title}"
    if result.outcome is SendOutcome.ACCEPTED:
        await rows.finish_document(conn, doc.id, "sent", wamid=result.wamid, media_id=upload.media_id, at=now)
        log.info("document %s shop %s: sent", doc.id, doc.shop_id)
        return "sent", ""
    if result.outcome is SendOutcome.UNKNOWN:
        await rows.finish_document(conn, doc.id, "unknown", media_id=upload.media_id, error=error, at=now)
        return "unknown", ""
    if result.outcome is SendOutcome.REJECTED or attempts >= MAX_ATTEMPTS:
        await rows.finish_document(conn, doc.id, "failed", error=error, at=now)
        log.warning("document %s shop %s: failed (%s)", doc.id, doc.shop_id, result.error_code)
        return "failed", ""
    return "retry", str(result.error_code)
