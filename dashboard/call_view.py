"""One call as the dashboard shows it: who may see it, its recording link, its turns and
what operators corrected from them (shared by the call page and the correction form)."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from business.turns import CallTurn
from dashboard import waveform, web
from dashboard.web import Viewer
from db import calls as call_rows
from db import corrections as correction_rows
from db.recordings import recording_link

log = logging.getLogger(__name__)

CALL_SID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # Twilio CallSids, Exotel hex ids, Plivo CallUUIDs


def _entries(turn: CallTurn) -> list[dict[str, Any]]:
    r = turn.result or {}
    commands = r.get("commands")
    if isinstance(commands, list):
        return [c for c in commands if isinstance(c, dict)]
    return [{**r, "action": r.get("action") or turn.action}]


def booked_invoices(turn: CallTurn) -> list[tuple[int, str]]:
    """(invoice id, number) of every bill this turn booked (a confirmed one, not an error)."""
    out: list[tuple[int, str]] = []
    for e in _entries(turn):
        inv = e.get("invoice_id")
        if e.get("action") == "create_invoice" and isinstance(inv, int) and not isinstance(inv, bool) \
                and "error" not in e and not e.get("awaiting_confirmation"):
            out.append((inv, str(e.get("invoice_no") or inv)))
    return out


async def audio_src(request: Request, call: call_rows.CallRow) -> tuple[str | None, str | None]:
    """(audio URL, note): the time-limited recording link; without APP_SECRET a local
    recording is streamed through this session instead; a failure is a note, not a 500."""
    if not call.recording_path and not call.recording_object_key:
        return None, "No recording for this call."
    cfg = web.config(request)
    try:
        async with request.app.state.pool.acquire() as conn:
            link = await recording_link(
                conn, call.id, s3=cfg.s3, app_secret=cfg.app_secret, expires_in_s=cfg.recording_link_ttl_s
            )
    except ValueError:  # no APP_SECRET to sign a local link
        return f"/dashboard/calls/{call.call_sid}/recording", None
    except Exception:  # S3 unreachable or misconfigured: the page still shows the transcript
        log.exception("recording link failed shop_id=%s call_id=%s", call.shop_id, call.id)
        return None, "The recording link could not be made right now."
    if link is None:
        return None, "The recording is missing."
    return link, None


async def viewer_and_call(
    request: Request, call_sid: str, what: str
) -> tuple[Viewer, call_rows.CallRow] | Response:
    """The viewer and a call they may see, or the page to answer instead (sign-in, or the same
    404 for a malformed sid, a missing call and another shop's call). An admin sees the call
    in its own shop's view."""
    viewer = await web.viewer_for(request)
    if isinstance(viewer, Response):
        return viewer
    if not CALL_SID.match(call_sid):
        return web.not_found(request, viewer, what)
    op = viewer.operator
    async with request.app.state.pool.acquire() as conn:
        call = await call_rows.get_call(conn, call_sid, shop_id=None if op.is_admin else op.shop_id)
    if call is None or not op.can_read(call.shop_id):
        return web.not_found(request, viewer, what)
    if viewer.shop is None or viewer.shop.id != call.shop_id:
        assert call.shop_id is not None
        viewer = Viewer(op, await web.shop_or_none(request.app.state.books, call.shop_id))
    return viewer, call


async def render_call(
    request: Request, viewer: Viewer, call: call_rows.CallRow, *, status: int = 200, error: str | None = None
) -> Response:
    async with request.app.state.pool.acquire() as conn:
        turns = await call_rows.list_turns(conn, call.id)
        done = await correction_rows.for_call(conn, call.id)
    audio, audio_note = await audio_src(request, call)
    wave, seeks = await waveform.for_call_row(request.app.state, call.id, call.recording_path, turns)
    reversible = {t.turn_no: booked_invoices(t) for t in turns}
    corrected = {c.target for c in done}
    return web.page(
        request, "call.html", viewer, status=status, call=call, turns=turns, audio=audio, audio_note=audio_note,
        link_ttl_s=web.config(request).recording_link_ttl_s, corrections=done, corrected=corrected,
        reversible=reversible, error=error, wave=wave if audio else None, seeks=seeks if audio else {},
    )


