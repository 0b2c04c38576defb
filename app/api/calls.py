"""/api/calls: the shop's calls, and one call with its turns and recording.

Also builds the call path's plain `TwilioConfig` from Settings (telephony never
imports app), which `app.main` puts on `app.state.twilio`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse
from pydantic import Field

from app.api.auth import ShopDep
from app.api.deps import PoolDep, SettingsDep
from app.api.errors import ApiError
from app.api.schemas import Out, Timestamp, attributes
from app.s3 import s3_config
from app.settings import Settings
from app.understanding import build_understanding
from bot.call.session import CallTuning
from bot.voice.config import VoiceConfig
from business.turns import CallTurn
from db import calls as call_rows
from db.recordings import recording_link
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


class RecordingOut(Out):
    """A call's WAV as a client needs it (read off the `CallRow`'s recording_* columns): no server
    paths or bucket keys; one call's page carries a signed, expiring `url` to fetch it."""

    status: str | None = Field(validation_alias="recording_status")
    duration_s: float | None = Field(validation_alias="recording_duration_s")
    size_bytes: int | None = Field(validation_alias="recording_size_bytes")
    url: str | None = None


class CallOut(Out):
    """A `db.calls.CallRow`; `recording` is null until the call has a local file or an uploaded object."""

    call_sid: str
    from_phone: str
    to_phone: str
    caller_role: str | None
    status: str
    started_at: Timestamp
    ended_at: Timestamp | None
    ended_reason: str | None
    language: str | None
    recording: RecordingOut | None

    @classmethod
    def of(cls, c: call_rows.CallRow) -> CallOut:
        return cls.model_validate(_with_recording(c))


class TurnOut(Out):
    """A `business.turns.CallTurn`, read off its attributes."""

    turn_no: int
    source: str
    heard: str
    intent: str | None
    entities: dict[str, Any]
    action: str | None
    result: dict[str, Any]
    reply: str
    confidence: float | None
    # Any, not float: stage times pass through as stored (1000 stays 1000, a note stays a string).
    timings: dict[str, Any]
    created_at: Timestamp | None


class CallDetailOut(CallOut):
    turns: list[TurnOut]

    @classmethod
    def of_turns(cls, c: call_rows.CallRow, turns: list[CallTurn]) -> CallDetailOut:
        return cls.model_validate(_with_recording(c, turns=turns))


def _with_recording(c: call_rows.CallRow, **extra: Any) -> dict[str, Any]:
    has_recording = bool(c.recording_path or c.recording_object_key)
    return attributes(c, recording=c if has_recording else None, **extra)


# JSONResponse: the stdlib encoder, as before these routes had models (floats in turns such as 3.2e-05 keep
# their spelling; pydantic's own JSON writer would answer 0.000032).
@router.get("", response_class=JSONResponse, summary="The shop's calls, newest first")
async def list_calls(
    pool: PoolDep, shop: ShopDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[CallOut]:
    async with pool.acquire() as conn:
        rows = await call_rows.list_calls(conn, shop.id, limit=limit, offset=offset)
    return [CallOut.of(c) for c in rows]


@router.get("/{call_sid}", response_class=JSONResponse, summary="One call with its turns (heard, intent, action, reply, timings)")
async def get_call(
    pool: PoolDep, shop: ShopDep, settings: SettingsDep, call_sid: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
) -> CallDetailOut:
    async with pool.acquire() as conn:
        call = await call_rows.get_call(conn, call_sid, shop_id=shop.id)
        if call is None:
            raise ApiError(404, "call_not_found", "no such call for this shop")
        turns = await call_rows.list_turns(conn, call.id)
        link = await recording_link(conn, call.id, s3=s3_config(settings),
                                    app_secret=settings.app_secret.get_secret_value(),
                                    expires_in_s=settings.recording_link_ttl_s)
    out = CallDetailOut.of_turns(call, turns)
    if out.recording is not None and link is not None:
        out.recording.url = link if link.startswith("http") else settings.public_base_url.rstrip("/") + link
    return out
