"""/api/outbox: the local WhatsApp outbox (messages stored instead of sent when no
WhatsApp settings are configured), and the signed recording file route.

GET /api/outbox lists the shop's stored messages, newest first (shop API key).
GET /recordings/{call_id}?expires=&sig= serves a call's local WAV to whoever
holds a link from `db.recordings.recording_link` (HMAC with APP_SECRET, time-limited).
"""

from __future__ import annotations

import asyncio
from pathlib import Path as FsPath
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import FileResponse, JSONResponse
from pydantic import Field

from app.api.auth import ShopDep
from app.api.deps import PoolDep, SettingsDep
from app.api.errors import ApiError
from app.api.schemas import Out, Timestamp
from db.outbox import list_outbox
from db.recording_store import local_signature_ok
from db.recordings import get_recording
from workers.recordings import resolve_path

router = APIRouter(prefix="/api/outbox", tags=["reminders"])
recordings_router = APIRouter(tags=["recordings"])


class OutboxMessageOut(Out):
    """A `db.outbox.OutboxMessage`, under the names the outbox has always answered with."""

    id: int
    reminder_id: int | None
    reminder_status: str | None
    whatsapp_message_id: str = Field(validation_alias="wamid")
    to: str = Field(validation_alias="to_phone")
    template: str = Field(validation_alias="template_name")
    language: str
    parameters: list[str]
    created_at: Timestamp


# JSONResponse: the stdlib encoder, as before this route had a model.
@router.get("", response_class=JSONResponse, summary="WhatsApp messages kept in the local outbox, newest first")
async def get_outbox(
    pool: PoolDep,
    shop: ShopDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    before_id: Annotated[int | None, Query(ge=1)] = None,
) -> list[OutboxMessageOut]:
    async with pool.acquire() as conn:
        messages = await list_outbox(conn, shop.id, limit=limit, before_id=before_id)
    return [OutboxMessageOut.model_validate(m) for m in messages]


@recordings_router.get("/recordings/{call_id}", summary="A call's recording through a signed, expiring link")
async def get_recording_file(
    pool: PoolDep,
    settings: SettingsDep,
    call_id: Annotated[int, Path(ge=1)],
    expires: Annotated[int, Query()],
    sig: Annotated[str, Query(max_length=128)],
) -> FileResponse:
    if not local_signature_ok(call_id, expires, sig, settings.app_secret.get_secret_value()):
        raise ApiError(403, "forbidden", "link invalid or expired")
    async with pool.acquire() as conn:
        rec = await get_recording(conn, call_id)
    path: FsPath | None = resolve_path(settings.recordings_dir, rec.path) if rec else None
    if path is None or not await asyncio.to_thread(path.is_file):
        raise ApiError(404, "not_found", "recording not available locally")
    return FileResponse(path, media_type="audio/wav", filename=f"call-{call_id}.wav")
