"""POST /twilio/voice: Twilio's signed voice webhook -> answer TwiML.

Checks X-Twilio-Signature against PUBLIC_BASE_URL + path (403 otherwise),
resolves the caller's number to a shop through its registered phones, records
the call once per CallSid, and answers `<Connect><Stream>` with a short-lived,
single-use token bound to the CallSid in the stream URL's path. A stranger hears
a short sorry and the call ends, unless some shop allows DTMF logins: then the
stranger is asked for a shop code and PIN (`telephony.twilio.login`).
"""

from __future__ import annotations

import logging
import re

from fastapi import APIRouter, Request, Response

from bot.call.logs import call_log
from business.caller_trust import CallerAccess, caller_access
from db import call_logins
from db import calls as call_rows
from telephony.call_admission import ENDED, NO_PIN, SORRY, issue_stream_token
from telephony.call_capacity import BUSY, call_slots
from telephony.twilio import twiml
from telephony.twilio.config import TwilioConfig
from telephony.twilio.signature import is_valid_signature, public_url

log = logging.getLogger(__name__)
router = APIRouter()

_SID_RE = re.compile(r"^[A-Za-z0-9]{10,64}$")
_PHONE_RE = re.compile(r"^\+?[0-9]{6,16}$")
TWIML = "application/xml"
LOGIN_PATH = "/twilio/voice/login"
ASK_CODE = "This number is not registered. Enter your shop code, then press hash."
NO_INPUT = "Sorry, nothing was entered. Goodbye."


def mask_phone(phone: str) -> str:
    """+9198XXXXXX01: enough to tell calls apart in a log, not enough to dial."""
    return phone[:5] + "X" * max(len(phone) - 7, 0) + phone[-2:] if len(phone) > 7 else "X" * len(phone)


async def signed_form(request: Request) -> dict[str, str] | None:
    """The webhook's form fields when X-Twilio-Signature is right for PUBLIC_BASE_URL + path (+ query)."""
    cfg: TwilioConfig = request.app.state.twilio
    form = await request.form()
    params = {k: str(v) for k, v in form.multi_items()}
    url = public_url(cfg.public_base_url, request.url.path, request.url.query)
    if not is_valid_signature(cfg.auth_token, url, params, request.headers.get("X-Twilio-Signature")):
        log.warning("webhook %s with a bad or missing signature refused", request.url.path)
        return None
    return params


def valid_call_sid(call_sid: str) -> bool:
    return bool(_SID_RE.match(call_sid))


def login_url(cfg: TwilioConfig, query: str = "") -> str:
    """The absolute URL a login `<Gather>` posts to (the one its signature is computed over)."""
    return public_url(cfg.public_base_url, LOGIN_PATH, query)


def sorry(message: str = SORRY) -> Response:
    return Response(twiml.refuse(message), media_type=TWIML)


async def connect_call(
    request: Request, *, call_sid: str, shop_id: int, from_phone: str, to_phone: str, caller_role: str,
    language: str,
) -> Response:
    """Record the call once per CallSid and answer `<Connect><Stream>` with a fresh single-use token."""
    cfg: TwilioConfig = request.app.state.twilio
    slots = call_slots(request.app.state)
    if slots.full:
        call_log(__name__, call_sid, shop_id).warning("call refused: %d calls already live", slots.active)
        return sorry(BUSY)
    async with request.app.state.pool.acquire() as conn, conn.transaction():
        row, created = await call_rows.create_call(
            conn, call_sid=call_sid, shop_id=shop_id, from_phone=from_phone[:32], to_phone=to_phone[:32],
            caller_role=caller_role, status="ringing", language=language,
        )
        if row.status in ENDED or row.shop_id != shop_id:
            return sorry()
        token = await issue_stream_token(conn, cfg, call_sid, purge=created)
        if token is None:  # a replayed (or retried) webhook: this call's one token was already given out
            call_log(__name__, call_sid, shop_id).warning("second stream token for a call refused")
            return sorry()
    call_log(__name__, call_sid, shop_id).info("call answered (%s)", "new" if created else "webhook retry")
    stream_url = f"{cfg.stream_base_url}/twilio/stream/{token}"
    return Response(twiml.connect_stream(stream_url, {"callSid": call_sid}), media_type=TWIML)


@router.post("/twilio/voice", include_in_schema=False)
async def voice_webhook(request: Request) -> Response:
    cfg: TwilioConfig = request.app.state.twilio
    params = await signed_form(request)
    if params is None:
        return Response(status_code=403)

    call_sid = params.get("CallSid", "")
    caller_phone = params.get("From", "").strip()
    if not valid_call_sid(call_sid):
        return Response(status_code=400)
    books = request.app.state.books
    pool = request.app.state.pool
    caller = await books.shop_by_phone(caller_phone) if _PHONE_RE.match(caller_phone) else None
    if caller is None:
        async with pool.acquire() as conn:
            offer_login = await call_logins.any_shop_allows(conn)
        if offer_login:
            call_log(__name__, call_sid).info("unknown caller %s offered a DTMF login", mask_phone(caller_phone))
            return Response(twiml.gather_digits(ASK_CODE, login_url(cfg), fallback=NO_INPUT), media_type=TWIML)
        async with pool.acquire() as conn, conn.transaction():
            await call_rows.create_call(
                conn, call_sid=call_sid, shop_id=None, from_phone=caller_phone[:32],
                to_phone=params.get("To", "")[:32], caller_role=None, status="refused",
            )
            await call_rows.finish_call(conn, call_sid=call_sid, status="refused", ended_reason="unknown_caller")
        call_log(__name__, call_sid).info("unknown caller %s refused", mask_phone(caller_phone))
        return sorry()

    if caller_access(caller.shop.settings, has_pin=caller.has_pin) is CallerAccess.REFUSE:
        async with pool.acquire() as conn, conn.transaction():
            await call_rows.create_call(
                conn, call_sid=call_sid, shop_id=caller.shop.id, from_phone=caller.phone,
                to_phone=params.get("To", "")[:32], caller_role=caller.role, status="refused",
            )
            await call_rows.finish_call(conn, call_sid=call_sid, status="refused", ended_reason="no_pin")
        call_log(__name__, call_sid, caller.shop.id).warning("registered phone without a PIN refused")
        return sorry(NO_PIN)
    return await connect_call(
        request, call_sid=call_sid, shop_id=caller.shop.id, from_phone=caller.phone, to_phone=params.get("To", ""),
        caller_role=caller.role, language=caller.shop.settings.reply_language,
    )


# Twilio's final call statuses (the number's "call status changes" callback).
_FINAL_STATUSES = {"completed", "busy", "failed", "no-answer", "canceled"}


@router.post("/twilio/status", include_in_schema=False)
async def status_callback(request: Request) -> Response:
    """Twilio says a call ended: a row whose stream never came is closed (the stream closes its own)."""
    params = await signed_form(request)
    if params is None:
        return Response(status_code=403)
    call_sid, status = params.get("CallSid", ""), params.get("CallStatus", "")
    if not valid_call_sid(call_sid):
        return Response(status_code=400)
    if status in _FINAL_STATUSES:
        async with request.app.state.pool.acquire() as conn:
            row = await call_rows.get_call(conn, call_sid)
            if row is not None and row.status == "ringing":
                await call_rows.finish_call(conn, call_sid=call_sid, status="failed" if status == "completed" else status,
                                            ended_reason="no_stream")
    return Response(status_code=204)
