"""POST /plivo/answer: Plivo's V3-signed answer webhook -> answer XML.

Off (404) unless PLIVO_AUTH_ID and PLIVO_AUTH_TOKEN are set. Checks
X-Plivo-Signature-V3 (with its nonce) against PUBLIC_BASE_URL + path (403
otherwise), admits the call through the shared admission (caller -> shop, PIN
rule, one row per CallUUID) and answers a bidirectional `<Stream>` whose URL
carries a single-use, short-lived token bound to the CallUUID (the shared
stream token store). A retried webhook whose token was already given out, a
stranger or a PIN-less phone hears a short sorry and the call ends.
POST /plivo/hangup (the application's hangup URL) closes a row whose stream never came.
"""

from __future__ import annotations

import logging
import re

from fastapi import APIRouter, Request, Response

from bot.call.logs import call_log
from db import calls as call_rows
from telephony.call_admission import REFUSAL_WORDS, SORRY, admit_call, issue_stream_token
from telephony.plivo import xml
from telephony.plivo.config import PlivoConfig
from telephony.plivo.signature import is_valid_v3_signature

log = logging.getLogger(__name__)
router = APIRouter()

_UUID_RE = re.compile(r"^[A-Za-z0-9-]{8,64}$")
XML = "application/xml"
STREAM_PATH = "/plivo/stream/"


def _config(request: Request) -> PlivoConfig | None:
    cfg: PlivoConfig | None = getattr(request.app.state, "plivo", None)
    return cfg if cfg is not None and cfg.enabled else None


async def signed_params(request: Request, cfg: PlivoConfig) -> dict[str, str] | None:
    """The webhook's form fields when its V3 signature is right for PUBLIC_BASE_URL + path (+ query)."""
    form = await request.form()
    params = {k: str(v) for k, v in form.multi_items()}
    url = cfg.public_url(request.url.path, request.url.query)
    headers = request.headers
    if not is_valid_v3_signature(cfg.auth_token, url, params, headers.get("x-plivo-signature-v3-nonce"),
                                 headers.get("x-plivo-signature-v3")):
        log.warning("Plivo webhook %s with a bad or missing signature refused", request.url.path)
        return None
    return params


def _sorry(message: str = SORRY) -> Response:
    return Response(xml.refuse(message), media_type=XML)


@router.post("/plivo/answer", include_in_schema=False)
async def answer_webhook(request: Request) -> Response:
    cfg = _config(request)
    if cfg is None:
        return Response(status_code=404)
    params = await signed_params(request, cfg)
    if params is None:
        return Response(status_code=403)
    call_uuid = params.get("CallUUID", "")
    if not _UUID_RE.match(call_uuid):
        return Response(status_code=400)
    admission = await admit_call(request.app.state, carrier="plivo", call_sid=call_uuid,
                                 from_phone=params.get("From", ""), to_phone=params.get("To", ""))
    if admission.refused:
        return _sorry(REFUSAL_WORDS.get(admission.refused, SORRY))
    async with request.app.state.pool.acquire() as conn:
        token = await issue_stream_token(conn, cfg, call_uuid, purge=admission.created)
    clog = call_log(__name__, call_uuid, admission.caller.shop.id if admission.caller else None)
    if token is None:  # a replayed (or retried) webhook: this call's one token was already given out
        clog.warning("second stream token for a Plivo call refused")
        return _sorry()
    clog.info("Plivo call answered")
    return Response(xml.connect_stream(f"{cfg.stream_base_url}{STREAM_PATH}{token}"), media_type=XML)


_FINAL = {"completed", "busy", "failed", "timeout", "no-answer", "cancel", "canceled"}


@router.post("/plivo/hangup", include_in_schema=False)
async def hangup_webhook(request: Request) -> Response:
    """Plivo says a call ended: a row whose stream never came is closed (the stream closes its own)."""
    cfg = _config(request)
    if cfg is None:
        return Response(status_code=404)
    params = await signed_params(request, cfg)
    if params is None:
        return Response(status_code=403)
    call_uuid = params.get("CallUUID", "")
    if not _UUID_RE.match(call_uuid):
        return Response(status_code=400)
    if params.get("CallStatus", "completed") in _FINAL:
        async with request.app.state.pool.acquire() as conn:
            row = await call_rows.get_call(conn, call_uuid)
            if row is not None and row.channel == "plivo" and row.status == "ringing":
                await call_rows.finish_call(conn, call_sid=call_uuid, status="failed", ended_reason="no_stream")
    return Response(status_code=204)
