"""The /dashboard pages: sign-in, calls, one call, the day's summary, dues, reminders.

Every page but sign-in needs a valid session cookie (else a redirect to the
sign-in page) and shows only the signed-in shop's rows: another shop's call is
the same 404 as a call that does not exist. POSTs (sign-in, sign-out) refuse
cross-site requests (Origin / Sec-Fetch-Site), on top of SameSite=Strict.
Answers are HTML, never cached, with a strict Content-Security-Policy and no
Referer (recording links carry their signature in the URL).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from business.errors import ExecoraError, ShopNotFound
from business.models import REMINDER_STATUSES, Shop
from business.shoptime import shop_date
from dashboard import revocation, session, throttle
from dashboard.config import DashboardConfig, config_from_settings
from dashboard.templating import render
from db import calls as call_rows
from db.dashboard_queries import shop_api_key_hash, turn_counts
from db.recordings import UPLOADED, get_recording, recording_link
from workers.recordings import resolve_path

log = logging.getLogger(__name__)

router = APIRouter(prefix="/dashboard", include_in_schema=False)

PAGE_SIZE = 50
_CALL_SID = re.compile(r"^[A-Za-z0-9]{1,64}$")
_MAX_KEY_LEN = 200
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; media-src 'self' https: http:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    # same-origin, not no-referrer: with no-referrer Chromium posts our own sign-in form with
    # `Origin: null`, which the cross-site check must refuse (links out still carry no referrer).
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Viewer:
    """The signed-in operator: which shop they see."""

    shop: Shop


# --- plumbing -----------------------------------------------------------------------------


def _config(request: Request) -> DashboardConfig:
    cfg: DashboardConfig | None = getattr(request.app.state, "dashboard_config", None)
    if cfg is None:
        cfg = config_from_settings(request.app.state.settings)
        request.app.state.dashboard_config = cfg
    return cfg


async def _session_key(request: Request) -> bytes:
    key: bytes | None = getattr(request.app.state, "dashboard_session_key", None)
    if key is None:
        cfg = _config(request)
        key = await asyncio.to_thread(session.session_key, cfg.app_secret, cfg.data_dir)
        request.app.state.dashboard_session_key = key
    return key


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=_SECURITY_HEADERS)


def _page(request: Request, template: str, viewer: Viewer | None, status: int = 200, **ctx: Any) -> HTMLResponse:
    return _html(render(template, viewer=viewer, path=request.url.path, **ctx), status)


def _to_login() -> RedirectResponse:
    return RedirectResponse("/dashboard/login", status_code=303, headers=_SECURITY_HEADERS)


async def _viewer(request: Request) -> Viewer | None:
    """The shop of a valid, unexpired session whose API key is still current; else None."""
    key = await _session_key(request)
    s = session.decode(key, request.cookies.get(session.COOKIE_NAME))
    if s is None or await revocation.is_revoked(request.app.state.redis, s.nonce):
        return None
    async with request.app.state.pool.acquire() as conn:
        current_hash = await shop_api_key_hash(conn, s.shop_id)
    if current_hash is None or not _same(session.key_fingerprint(key, current_hash), s.key_fp):
        return None
    try:
        shop: Shop = await request.app.state.books.get_shop(s.shop_id)
    except ShopNotFound:
        return None
    request.state.shop_id = shop.id  # log context for the error handlers
    return Viewer(shop=shop)


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def _cross_site(request: Request) -> bool:
    """A POST another site made the browser send (belt and braces beside SameSite=Strict)."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return True
    origin = request.headers.get("origin")
    if origin is None:
        return False
    if origin == "null":  # an opaque origin: only the browser's own same-origin marker vouches for it
        return request.headers.get("sec-fetch-site") != "same-origin"
    netloc = urlsplit(origin).netloc.lower()
    return not netloc or netloc not in (request.headers.get("host", "").lower(), _config(request).public_host)


def _set_session_cookie(request: Request, response: Response, value: str, max_age: int) -> None:
    response.set_cookie(
        session.COOKIE_NAME, value, max_age=max_age, path="/dashboard", httponly=True, samesite="strict",
        secure=request.url.scheme == "https",
    )


def _not_found(request: Request, viewer: Viewer, what: str) -> HTMLResponse:
    return _page(request, "not_found.html", viewer, status=404, what=what)


# --- sign-in ------------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    viewer = await _viewer(request)
    return RedirectResponse("/dashboard/calls" if viewer else "/dashboard/login", status_code=303)


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request) -> Response:
    if await _viewer(request) is not None:
        return RedirectResponse("/dashboard/calls", status_code=303)
    return _page(request, "login.html", None, error=None)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    if _cross_site(request):
        return _page(request, "login.html", None, status=403, error="Cross-site sign-in refused.")
    client = request.client.host if request.client else "unknown"
    redis = request.app.state.redis
    if await throttle.blocked(redis, client):
        log.warning("dashboard sign-in throttled")
        return _page(request, "login.html", None, status=429,
                     error="Too many refused sign-ins from here; try again in a few minutes.")
    form = await request.form()
    raw = form.get("api_key")
    key = raw.strip() if isinstance(raw, str) else ""
    shop: Shop | None = None
    if key and len(key) <= _MAX_KEY_LEN and key.isprintable():
        shop = await request.app.state.books.shop_by_api_key(key)
    if shop is None:
        await throttle.note_failure(redis, client)
        log.info("dashboard sign-in refused")
        return _page(request, "login.html", None, status=401, error="That API key was not accepted.")
    async with request.app.state.pool.acquire() as conn:
        key_hash = await shop_api_key_hash(conn, shop.id)
    if key_hash is None:  # the shop vanished between the two reads
        return _page(request, "login.html", None, status=401, error="That API key was not accepted.")
    cfg = _config(request)
    value = session.encode(await _session_key(request), shop.id, key_hash, cfg.session_ttl_s)
    response = RedirectResponse("/dashboard/calls", status_code=303, headers=_SECURITY_HEADERS)
    _set_session_cookie(request, response, value, cfg.session_ttl_s)
    log.info("dashboard sign-in shop_id=%s", shop.id)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    if _cross_site(request):
        return _html("cross-site sign-out refused", status=403)
    s = session.decode(await _session_key(request), request.cookies.get(session.COOKIE_NAME))
    if s is not None:
        await revocation.revoke(request.app.state.redis, s.nonce, s.expires - int(time.time()) + 1)
        log.info("dashboard sign-out shop_id=%s", s.shop_id)
    response = _to_login()
    response.delete_cookie(session.COOKIE_NAME, path="/dashboard", httponly=True, samesite="strict")
    return response


@router.get("/static/dashboard.css")
async def stylesheet() -> Response:
    css = await asyncio.to_thread(_read_css)
    return Response(css, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


def _read_css() -> str:
    return resources.files("dashboard").joinpath("static/dashboard.css").read_text(encoding="utf-8")


# --- calls --------------------------------------------------------------------------------


def _page_no(raw: str | None) -> int:
    try:
        n = int(raw or "1")
    except ValueError:
        return 1
    return min(max(n, 1), 10_000)


@router.get("/calls", response_class=HTMLResponse)
async def calls_page(request: Request) -> Response:
    viewer = await _viewer(request)
    if viewer is None:
        return _to_login()
    page = _page_no(request.query_params.get("page"))
    async with request.app.state.pool.acquire() as conn:
        rows = await call_rows.list_calls(conn, viewer.shop.id, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
        has_next = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        counts = await turn_counts(conn, [c.id for c in rows])
    return _page(request, "calls.html", viewer, calls=rows, counts=counts, page=page, has_next=has_next)


async def _audio_src(request: Request, call: call_rows.CallRow) -> tuple[str | None, str | None]:
    """(audio URL, note): the time-limited recording link; without APP_SECRET a local
    recording is streamed through this session instead; a failure is a note, not a 500."""
    if not call.recording_path and not call.recording_object_key:
        return None, "No recording for this call."
    cfg = _config(request)
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


async def _viewer_and_call(
    request: Request, call_sid: str, what: str
) -> tuple[Viewer, call_rows.CallRow] | Response:
    """The signed-in viewer and one of their shop's calls, or the page to answer instead
    (sign-in, or the same 404 for a malformed sid, a missing call and another shop's call)."""
    viewer = await _viewer(request)
    if viewer is None:
        return _to_login()
    if not _CALL_SID.match(call_sid):
        return _not_found(request, viewer, what)
    async with request.app.state.pool.acquire() as conn:
        call = await call_rows.get_call(conn, call_sid, shop_id=viewer.shop.id)
    if call is None:
        return _not_found(request, viewer, what)
    return viewer, call


@router.get("/calls/{call_sid}", response_class=HTMLResponse)
async def call_page(request: Request, call_sid: str) -> Response:
    found = await _viewer_and_call(request, call_sid, "call")
    if isinstance(found, Response):
        return found
    viewer, call = found
    async with request.app.state.pool.acquire() as conn:
        turns = await call_rows.list_turns(conn, call.id)
    audio, audio_note = await _audio_src(request, call)
    return _page(
        request, "call.html", viewer, call=call, turns=turns, audio=audio, audio_note=audio_note,
        link_ttl_s=_config(request).recording_link_ttl_s,
    )


@router.get("/calls/{call_sid}/recording")
async def call_recording(request: Request, call_sid: str) -> Response:
    """A local recording through the session (only used when there is no APP_SECRET to sign links)."""
    found = await _viewer_and_call(request, call_sid, "recording")
    if isinstance(found, Response):
        return found
    viewer, call = found
    async with request.app.state.pool.acquire() as conn:
        rec = await get_recording(conn, call.id)
    recordings_dir = Path(request.app.state.settings.recordings_dir)
    path = resolve_path(recordings_dir, rec.path) if rec and rec.status != UPLOADED else None
    if path is None or not await asyncio.to_thread(path.is_file):
        return _not_found(request, viewer, "recording")
    return FileResponse(
        path, media_type="audio/wav", filename=f"call-{call.id}.wav",
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


# --- the shop's day, dues and reminders ----------------------------------------------------


def _parse_day(raw: str | None) -> date | None:
    try:
        day = date.fromisoformat(raw or "")
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2100 else None


@router.get("/summary", response_class=HTMLResponse)
async def summary_page(request: Request) -> Response:
    viewer = await _viewer(request)
    if viewer is None:
        return _to_login()
    today = shop_date(datetime.now(UTC))
    raw = request.query_params.get("date")
    day = _parse_day(raw) if raw else today
    if day is None:
        return _page(request, "summary.html", viewer, status=422, error="Pick a date as YYYY-MM-DD.",
                     day=today, today=today, summary=None, outstanding_paise=None)
    books = request.app.state.books
    summary = await books.daily_summary(viewer.shop.id, day)
    outstanding = await books.total_outstanding(viewer.shop.id)
    return _page(request, "summary.html", viewer, error=None, day=day, today=today, summary=summary,
                 outstanding_paise=outstanding)


@router.get("/outstanding", response_class=HTMLResponse)
async def outstanding_page(request: Request) -> Response:
    viewer = await _viewer(request)
    if viewer is None:
        return _to_login()
    rows = await request.app.state.books.list_outstanding(viewer.shop.id)
    total = sum(o.balance_paise for o in rows)
    return _page(request, "outstanding.html", viewer, rows=rows, total=total)


@router.get("/reminders", response_class=HTMLResponse)
async def reminders_page(request: Request) -> Response:
    viewer = await _viewer(request)
    if viewer is None:
        return _to_login()
    status = request.query_params.get("status") or None
    if status is not None and status not in REMINDER_STATUSES:
        return _page(request, "reminders.html", viewer, status=422, rows=[], names={}, selected=None,
                     statuses=REMINDER_STATUSES, error="Unknown status.")
    books = request.app.state.books
    try:
        rows = await books.list_reminders(viewer.shop.id, status=status, limit=200)
    except ExecoraError as exc:
        return _page(request, "reminders.html", viewer, status=422, rows=[], names={}, selected=None,
                     statuses=REMINDER_STATUSES, error=exc.message)
    names = {c.id: c.name for c in await books.list_customers(viewer.shop.id)}
    return _page(request, "reminders.html", viewer, rows=rows, names=names, selected=status,
                 statuses=REMINDER_STATUSES, error=None)
