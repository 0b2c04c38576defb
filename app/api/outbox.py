"""/api/outbox: the local WhatsApp outbox (messages stored instead of sent when no
WhatsApp settings are configured), and the signed recording file route.

GET /api/outbox lists the shop's stored messages, newest first (shop API key).
GET /recordings/{call_id}?expires=&sig= serves a call's local WAV to whoever
holds a link from `db.recordings.recording_link` (HMAC with APP_SECRET, time-limited).
"""

from __future__ import annotations

import asyncio
from pathlib import Path as FsPath
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse

from app.api.auth import ShopDep
from app.api.errors import ApiError
from db.recording_store import local_signature_ok
from db.recordings import get_recording
from db.reminder_jobs import list_outbox
from workers.recordings import resolve_path

router = APIRouter(prefix="/api/outbox", tags=["reminders"])
recordings_router = APIRouter(tags=["recordings"])


@router.get("", summary="WhatsApp messages kept in the local outbox, newest first")
async def get_outbox(
    request: Request,
    shop: ShopDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    before_id: Annotated[int | None, Query(ge=1)] = None,
) -> list[dict[str, Any]]:
    async with request.app.state.pool.acquire() as conn:
        messages = await list_outbox(conn, shop.id, limit=limit, before_id=before_id)
    return [
        {
            "id": m.id,
            "reminder_id": m.reminder_id,
            "reminder_status": m.reminder_status,
            "whatsapp_message_id": m.wamid,
            "to": m.to_phone,
            "template": m.template_name,
            "language": m.language,
            "parameters": m.parameters,
            "created_at": m.created_at.isoformat(),
        }
        for m in messages
    ]


@recordings_router.get("/recordings/{call_id}", summary="A call's recording through a signed, expiring link")
async def get_recording_file(
    request: Request,
    call_id: Annotated[int, Path(ge=1)],
    expires: Annotated[int, Query()],
    sig: Annotated[str, Query(max_length=128)],
) -> FileResponse:
    settings = request.app.state.settings
    if not local_signature_ok(call_id, expires, sig, settings.app_secret.get_secret_value()):
        raise ApiError(403, "forbidden", "link invalid or expired")
    async with request.app.state.pool.acquire() as conn:
        rec = await get_recording(conn, call_id)
    path: FsPath | None = resolve_path(settings.recordings_dir, rec.path) if rec else None
    if path is None or not await asyncio.to_thread(path.is_file):
        raise ApiError(404, "not_found", "recording not available locally")
    return FileResponse(path, media_type="audio/wav", filename=f"call-{call_id}.wav")
