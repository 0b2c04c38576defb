"""/api/calls: the shop's calls, and one call with its turns and recording.

Also builds the call path's plain `TwilioConfig` from Settings (telephony never
imports app), which `app.main` puts on `app.state.twilio`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from app.api.auth import ShopDep
from app.api.errors import ApiError
from app.settings import Settings
from app.understanding import build_understanding
from bot.call.session import CallTuning
from bot.voice.config import VoiceConfig
from business.turns import CallTurn
from db import calls as call_rows
from telephony.twilio.config import TwilioConfig

router = APIRouter(prefix="/api/calls", tags=["calls"])


def twilio_config(settings: Settings) -> TwilioConfig:
    """What the Twilio webhook and media stream need, as a plain dataclass."""
    return TwilioConfig(
        public_base_url=settings.public_base_url or f"http://{settings.host}:{settings.port}",
        auth_token=settings.twilio_auth_token.get_secret_value(),
        account_sid=settings.twilio_account_sid,
        app_secret=settings.app_secret.get_secret_value(),
        api_base_url=settings.twilio_api_base_url,
        recordings_dir=settings.recordings_dir,
        reply_language=settings.reply_language,
        voice=VoiceConfig.from_settings(settings),
        understanding=build_understanding(settings),
        tuning=CallTuning(),
    )


def _call_view(c: call_rows.CallRow) -> dict[str, Any]:
    return {
        "call_sid": c.call_sid,
        "from_phone": c.from_phone,
        "to_phone": c.to_phone,
        "caller_role": c.caller_role,
        "status": c.status,
        "started_at": c.started_at.isoformat(),
        "ended_at": c.ended_at.isoformat() if c.ended_at else None,
        "ended_reason": c.ended_reason,
        "language": c.language,
        "recording": _recording_view(c),
    }


def _recording_view(c: call_rows.CallRow) -> dict[str, Any] | None:
    if not c.recording_path and not c.recording_object_key:
        return None
    return {
        "status": c.recording_status,
        "path": c.recording_path,
        "bucket": c.recording_bucket,
        "object_key": c.recording_object_key,
        "duration_s": c.recording_duration_s,
        "size_bytes": c.recording_size_bytes,
    }


def _turn_view(t: CallTurn) -> dict[str, Any]:
    return {
        "turn_no": t.turn_no,
        "source": t.source,
        "heard": t.heard,
        "intent": t.intent,
        "entities": t.entities,
        "action": t.action,
        "result": t.result,
        "reply": t.reply,
        "confidence": t.confidence,
        "timings": t.timings,
        "created_at": t.created_at.isoformat() if t.created_at else None,
    }


@router.get("", summary="The shop's calls, newest first")
async def list_calls(
    request: Request, shop: ShopDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[dict[str, Any]]:
    async with request.app.state.pool.acquire() as conn:
        rows = await call_rows.list_calls(conn, shop.id, limit=limit, offset=offset)
    return [_call_view(c) for c in rows]


@router.get("/{call_sid}", summary="One call with its turns (heard, intent, action, reply, timings)")
async def get_call(
    request: Request, shop: ShopDep, call_sid: Annotated[str, Path(pattern=r"^[A-Za-z0-9]{1,64}$")]
) -> dict[str, Any]:
    async with request.app.state.pool.acquire() as conn:
        call = await call_rows.get_call(conn, call_sid, shop_id=shop.id)
        if call is None:
            raise ApiError(404, "call_not_found", "no such call for this shop")
        turns = await call_rows.list_turns(conn, call.id)
    return {**_call_view(call), "turns": [_turn_view(t) for t in turns]}
