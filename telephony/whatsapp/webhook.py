"""`/whatsapp/webhook`: Meta's verification handshake and message status callbacks.

GET answers `hub.challenge` when `hub.verify_token` matches WHATSAPP_VERIFY_TOKEN.
POST is authenticated by `X-Hub-Signature-256` (HMAC-SHA256 of the raw body
with WHATSAPP_APP_SECRET, compared in constant time) before anything is
parsed; every `statuses[]` entry is stored once per (wamid, status) and moves
its reminder forward, all in one short transaction, so the answer is fast.

Reads `request.app.state.settings` and `request.app.state.pool`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from db.whatsapp_status import StatusEvent, record_status_event
from telephony.whatsapp.confirm_replies import handle_confirmation_replies
from telephony.whatsapp.inbound import parse_messages
from telephony.whatsapp.inbound_routes import route_messages
from telephony.whatsapp.owner_wiring import owner_channel

log = logging.getLogger(__name__)

router = APIRouter(tags=["whatsapp"])

SIGNATURE_HEADER = "X-Hub-Signature-256"


def _secret(settings: Any, name: str) -> str:
    value = getattr(settings, name, "")
    if hasattr(value, "get_secret_value"):
        value = value.get_secret_value()
    return str(value or "")


def sign(body: bytes, app_secret: str) -> str:
    """The header value Meta sends for `body`: `sha256=<hex>`."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def signature_ok(body: bytes, header: str | None, app_secret: str) -> bool:
    """Constant-time check of X-Hub-Signature-256; no secret configured means no."""
    if not app_secret or not header:
        return False
    return hmac.compare_digest(sign(body, app_secret).encode(), header.strip().encode())


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _timestamp(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _text(value: Any, limit: int = 300) -> str | None:
    return None if value is None else str(value)[:limit]


def parse_statuses(payload: Any) -> list[StatusEvent]:
    """`entry[].changes[].value.statuses[]` as StatusEvents; junk entries are skipped."""
    events: list[StatusEvent] = []
    if not isinstance(payload, dict):
        return events
    for entry in payload.get("entry") or []:
        if not isinstance(entry, dict):
            continue
        for change in entry.get("changes") or []:
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict):
                continue
            for st in value.get("statuses") or []:
                if not isinstance(st, dict):
                    continue
                wamid, status = st.get("id"), st.get("status")
                if not isinstance(wamid, str) or not isinstance(status, str) or not wamid or not status:
                    continue
                errors = st.get("errors") or []
                first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
                events.append(
                    StatusEvent(
                        wamid=wamid[:200],
                        status=status[:40],
                        occurred_at=_timestamp(st.get("timestamp")),
                        callback_data=_text(st.get("biz_opaque_callback_data"), 512),
                        error_code=_text(first.get("code")),
                        error_title=_text(first.get("title")),
                        error_message=_text(first.get("message") or (first.get("error_data") or {}).get("details")),
                    )
                )
    return events


@router.get("/whatsapp/webhook")
async def verify(request: Request) -> Response:
    """Meta's subscription handshake."""
    params = request.query_params
    expected = _secret(request.app.state.settings, "whatsapp_verify_token")
    token = params.get("hub.verify_token") or ""
    if (
        params.get("hub.mode") == "subscribe"
        and expected
        and hmac.compare_digest(token.encode(), expected.encode())
    ):
        return PlainTextResponse(params.get("hub.challenge") or "")
    return _error(403, "forbidden", "verification failed")


@router.post("/whatsapp/webhook")
async def receive(request: Request, background: BackgroundTasks) -> Response:
    """Status callbacks and inbound messages: authenticate, store each (wamid, status) once,
    store disputes, hand owners' messages to a background task (telephony.whatsapp.inbound_routes), 200."""
    body = await request.body()
    secret = _secret(request.app.state.settings, "whatsapp_app_secret")
    if not signature_ok(body, request.headers.get(SIGNATURE_HEADER), secret):
        log.warning("whatsapp webhook: bad or missing signature")
        return _error(403, "forbidden", "bad signature")
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _error(400, "validation_error", "malformed JSON")
    if not isinstance(payload, dict):
        return _error(400, "validation_error", "expected a JSON object")
    events = parse_statuses(payload)
    stored = 0
    if events:
        pool = request.app.state.pool
        async with pool.acquire() as conn, conn.transaction():
            for event in sorted(events, key=lambda e: e.wamid):  # one lock order: no deadlocks
                stored += await record_status_event(conn, event)
    # Inbound messages: a customer's YES to the number-confirmation message.
    await handle_confirmation_replies(request.app.state.pool, getattr(request.app.state, "jobs", None), payload)
    log.info("whatsapp webhook: %d status events, %d new", len(events), stored)
    answer: dict[str, Any] = {"received": len(events), "stored": stored}
    messages = parse_messages(payload)
    if messages:
        channel = owner_channel(request.app.state)
        routed = await route_messages(channel.pool, channel.books, messages, background.add_task, channel.handle)
        answer["messages"] = vars(routed)
    return JSONResponse(answer)
