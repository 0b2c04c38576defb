"""Documents the worker built: their state, and the signed, expiring links that serve them.

GET /api/documents/{id} (shop API key) answers the row's state and, once the
file is stored, a link: an S3 presigned URL, or `/documents/{id}?expires=&sig=`
(HMAC with APP_SECRET over the id and expiry, DOCUMENT_LINK_TTL_S long) served
by this app from DATA_DIR/documents to whoever holds it.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import FileResponse

from app.api.auth import ShopDep
from app.api.deps import PoolDep, SettingsDep
from app.api.errors import ApiError
from app.api.schemas import MAX_ID, Out
from app.s3 import s3_config
from db.document_store import link_for, local_file, signature_ok
from db.repos.deliveries import document_for_shop, get_document

router = APIRouter(prefix="/api/documents", tags=["documents"])
files_router = APIRouter(tags=["documents"])


class DocumentOut(Out):
    id: int
    kind: str
    status: str
    invoice_id: int | None
    month: str | None
    filename: str | None
    link: str | None = None


@router.get("/{document_id}", summary="A requested document's state and, once stored, a signed link")
async def get_document_state(
    pool: PoolDep, settings: SettingsDep, shop: ShopDep, document_id: Annotated[int, Path(ge=1, le=MAX_ID)]
) -> DocumentOut:
    async with pool.acquire() as conn:
        doc = await document_for_shop(conn, shop.id, document_id)
    if doc is None:
        raise ApiError(404, "not_found", "no such document")
    link = None
    if doc.storage_key is not None:
        link = await asyncio.to_thread(
            link_for, s3_config(settings), doc.id, doc.storage_key, settings.app_secret.get_secret_value(),
            settings.document_link_ttl_s,
        )
    return DocumentOut(id=doc.id, kind=doc.kind, status=doc.status, invoice_id=doc.invoice_id, month=doc.month,
                       filename=doc.filename, link=link)


@files_router.get("/documents/{document_id}", summary="A built document through a signed, expiring link")
async def get_document_file(
    pool: PoolDep,
    settings: SettingsDep,
    document_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    expires: Annotated[int, Query()],
    sig: Annotated[str, Query(max_length=128)],
) -> FileResponse:
    if not signature_ok(document_id, expires, sig, settings.app_secret.get_secret_value()):
        raise ApiError(403, "forbidden", "link invalid or expired")
    async with pool.acquire() as conn:
        doc = await get_document(conn, document_id)
    path = None
    if doc is not None and doc.storage_key is not None:
        path = await asyncio.to_thread(local_file, settings.documents_dir, doc.storage_key)
    if doc is None or path is None:
        raise ApiError(404, "not_found", "document not available locally")
    return FileResponse(path, media_type=doc.content_type or "application/octet-stream",
                        filename=doc.filename or f"document-{document_id}",
                        headers={"Cache-Control": "private, no-store"})
