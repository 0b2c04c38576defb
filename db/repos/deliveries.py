"""Documents and entry notes: rows written by Books, claimed and finished by the worker jobs.

The repositories (used inside a unit of work) only insert; the module functions
take the job's connection and never commit (the job owns the transaction).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from business import shop_settings
from business.deliveries import NewEntryNote
from business.shop_settings import ShopSettings


class PgDocumentRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._c = conn

    async def add(
        self, *, shop_id: int, kind: str, invoice_id: int | None, month: str | None, to_phone: str | None,
        created_at: datetime,
    ) -> int:
        return int(await self._c.fetchval(
            """INSERT INTO documents (shop_id, kind, invoice_id, month, to_phone, created_at)
               VALUES ($1, $2, $3, $4, $5, $6) RETURNING id""",
            shop_id, kind, invoice_id, month, to_phone, created_at,
        ))

    async def owner_phone(self, shop_id: int) -> str | None:
        phone = await self._c.fetchval(
            "SELECT phone FROM shop_phones WHERE shop_id = $1 AND role = 'owner' ORDER BY phone LIMIT 1", shop_id
        )
        return str(phone) if phone is not None else None


class PgEntryNoteRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._c = conn

    async def add(self, note: NewEntryNote, created_at: datetime) -> int | None:
        note_id = await self._c.fetchval(
            """INSERT INTO entry_notes (shop_id, customer_id, ledger_entry_id, kind, to_phone, parameters, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7)
               ON CONFLICT (ledger_entry_id) DO NOTHING RETURNING id""",
            note.shop_id, note.customer_id, note.ledger_entry_id, note.kind, note.to_phone,
            list(note.parameters), created_at,
        )
        return int(note_id) if note_id is not None else None


# --- documents, as the job sees them ---------------------------------------------------------


@dataclass(frozen=True)
class DocumentRow:
    id: int
    shop_id: int
    kind: str
    invoice_id: int | None
    month: str | None
    to_phone: str | None
    status: str
    storage_key: str | None
    content_type: str | None
    filename: str | None
    attempts: int
    shop_name: str
    shop_settings: ShopSettings


def _document(r: asyncpg.Record) -> DocumentRow:
    return DocumentRow(
        id=r["id"], shop_id=r["shop_id"], kind=r["kind"], invoice_id=r["invoice_id"], month=r["month"],
        to_phone=r["to_phone"], status=r["status"], storage_key=r["storage_key"],
        content_type=r["content_type"], filename=r["filename"], attempts=r["attempts"],
        shop_name=r["shop_name"], shop_settings=shop_settings.load(r["shop_settings"]),
    )


_DOC_SELECT = """SELECT d.*, s.name AS shop_name, s.settings AS shop_settings
                   FROM documents d JOIN shops s ON s.id = d.shop_id"""


async def get_document(conn: asyncpg.Connection, document_id: int, *, lock: bool = False) -> DocumentRow | None:
    r = await conn.fetchrow(f"{_DOC_SELECT} WHERE d.id = $1" + (" FOR UPDATE OF d" if lock else ""), document_id)
    return _document(r) if r is not None else None


async def document_for_shop(conn: asyncpg.Connection, shop_id: int, document_id: int) -> DocumentRow | None:
    r = await conn.fetchrow(f"{_DOC_SELECT} WHERE d.id = $1 AND d.shop_id = $2", document_id, shop_id)
    return _document(r) if r is not None else None


async def mark_ready(
    conn: asyncpg.Connection, document_id: int, *, storage_key: str, content_type: str, filename: str,
    size_bytes: int, sha256: str, at: datetime,
) -> None:
    await conn.execute(
        """UPDATE documents SET status = 'ready', storage_key = $2, content_type = $3, filename = $4,
                  size_bytes = $5, sha256 = $6, ready_at = $7
            WHERE id = $1 AND status = 'requested'""",
        document_id, storage_key, content_type, filename, size_bytes, sha256, at,
    )


async def count_attempt(conn: asyncpg.Connection, document_id: int) -> int:
    return int(await conn.fetchval(
        "UPDATE documents SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts", document_id
    ))


async def finish_document(
    conn: asyncpg.Connection, document_id: int, status: str, *, wamid: str | None = None,
    media_id: str | None = None, error: str | None = None, at: datetime,
) -> None:
    await conn.execute(
        """UPDATE documents SET status = $2, wamid = COALESCE($3, wamid), media_id = COALESCE($4, media_id),
                  error = $5, sent_at = CASE WHEN $2 = 'sent' THEN $6 ELSE sent_at END
            WHERE id = $1""",
        document_id, status, wamid, media_id, error, at,
    )


# --- entry notes, as the job sees them -------------------------------------------------------


@dataclass(frozen=True)
class EntryNoteRow:
    id: int
    shop_id: int
    customer_id: int
    to_phone: str
    parameters: tuple[str, ...]
    status: str
    shop_settings: ShopSettings


async def lock_pending_note(conn: asyncpg.Connection, note_id: int) -> EntryNoteRow | None:
    """The note (row-locked) while it is still pending; None otherwise."""
    r = await conn.fetchrow(
        """SELECT n.id, n.shop_id, n.customer_id, n.to_phone, n.parameters, n.status, s.settings AS shop_settings
             FROM entry_notes n JOIN shops s ON s.id = n.shop_id
            WHERE n.id = $1 AND n.status = 'pending' FOR UPDATE OF n""",
        note_id,
    )
    if r is None:
        return None
    params = r["parameters"]
    if isinstance(params, str):
        params = json.loads(params)
    return EntryNoteRow(
        id=r["id"], shop_id=r["shop_id"], customer_id=r["customer_id"], to_phone=r["to_phone"],
        parameters=tuple(str(p) for p in params), status=r["status"],
        shop_settings=shop_settings.load(r["shop_settings"]),
    )


async def customer_still_opted_in(conn: asyncpg.Connection, customer_id: int) -> bool:
    return bool(await conn.fetchval("SELECT whatsapp_opt_in FROM customers WHERE id = $1", customer_id))


async def mark_note_sending(conn: asyncpg.Connection, note_id: int, at: datetime) -> None:
    await conn.execute("UPDATE entry_notes SET status = 'sending', sending_at = $2 WHERE id = $1", note_id, at)


async def finish_note(
    conn: asyncpg.Connection, note_id: int, status: str, *, wamid: str | None = None, error: str | None = None,
    at: datetime,
) -> None:
    await conn.execute(
        """UPDATE entry_notes SET status = $2, wamid = COALESCE($3, wamid), error = $4,
                  sent_at = CASE WHEN $2 = 'sent' THEN $5 ELSE sent_at END
            WHERE id = $1""",
        note_id, status, wamid, error, at,
    )


async def note_back_to_pending(conn: asyncpg.Connection, note_id: int, error: str) -> None:
    await conn.execute(
        "UPDATE entry_notes SET status = 'pending', sending_at = NULL, error = $2 WHERE id = $1", note_id, error
    )


async def whatsapp_sends_since(conn: asyncpg.Connection, shop_id: int, since: datetime) -> int:
    """Everything this shop handed to WhatsApp (or the outbox) since `since`: reminders, entry
    notes, customer documents and number-confirmation messages; the daily cap
    (`whatsapp_daily_limit`) counts these."""
    return int(await conn.fetchval(
        """SELECT (SELECT count(*) FROM reminders WHERE shop_id = $1 AND sending_at >= $2)
                + (SELECT count(*) FROM entry_notes WHERE shop_id = $1 AND sending_at >= $2)
                + (SELECT count(*) FROM documents WHERE shop_id = $1 AND kind = 'invoice_pdf'
                                                   AND sent_at >= $2)
                + (SELECT count(*) FROM phone_confirmations WHERE shop_id = $1 AND requested_at >= $2
                                                             AND status <> 'not_sent')""",
        shop_id, since,
    ))


async def open_before(conn: asyncpg.Connection, before: datetime) -> tuple[list[int], list[int]]:
    """Documents still requested/ready and notes still pending since before `before` (their job
    was lost): the sweep enqueues them again."""
    docs = await conn.fetch(
        "SELECT id FROM documents WHERE status IN ('requested', 'ready') AND created_at < $1 ORDER BY id", before
    )
    notes = await conn.fetch(
        "SELECT id FROM entry_notes WHERE status = 'pending' AND created_at < $1 ORDER BY id", before
    )
    return [int(r["id"]) for r in docs], [int(r["id"]) for r in notes]


async def insert_outbox_for(
    conn: asyncpg.Connection, *, column: str, row_id: int, shop_id: int, wamid: str, to_phone: str,
    template_name: str, language: str, parameters: list[str], payload: dict[str, Any],
) -> str:
    """Store a document or entry-note message in the local outbox (one per row); its wamid.
    Needs a connection from `db.pool.create_pool` (jsonb codec installed)."""
    if column not in ("document_id", "entry_note_id", "phone_confirmation_id"):
        raise ValueError(column)
    existing = await conn.fetchval(
        f"""INSERT INTO whatsapp_outbox
                (shop_id, {column}, wamid, to_phone, template_name, language, parameters, payload)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT ({column}) DO NOTHING RETURNING wamid""",
        shop_id, row_id, wamid, to_phone, template_name, language, parameters, payload,
    )
    if existing is None:
        existing = await conn.fetchval(f"SELECT wamid FROM whatsapp_outbox WHERE {column} = $1", row_id)
    return str(existing)


async def expire_stale_sending_notes(conn: asyncpg.Connection, before: datetime) -> list[int]:
    """Notes still `sending` since before `before` (their worker died mid-send): `unknown`, never resent."""
    rows = await conn.fetch(
        """UPDATE entry_notes SET status = 'unknown', error = 'worker lost while sending'
            WHERE status = 'sending' AND sending_at < $1 RETURNING id""",
        before,
    )
    return [int(r["id"]) for r in rows]
