"""The /dashboard pages: calls (search), one call, the day's summary, dues, reminders;
sign-in (`dashboard.auth`), corrections (`dashboard.corrections`), customers' khata
(`dashboard.customers`) and the admin's shops and audit log (`dashboard.admin`) are
included from their own modules.

Every page but sign-in needs a valid session (else a redirect to the sign-in page)
and shows only the shops the operator may see (`dashboard.web.viewer_for`). POSTs
refuse cross-site requests (Origin / Sec-Fetch-Site), on top of SameSite=Strict.
Answers are HTML, never cached, with a strict Content-Security-Policy.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from business.errors import ExecoraError
from business.models import REMINDER_STATUSES
from business.shoptime import shop_date
from dashboard import admin, auth, call_view, corrections, customers, live, quality, scripts, web
from dashboard.web import Viewer
from db.call_search import OUTCOMES, CallFilter, intents_seen, search_calls
from db.dashboard_queries import turn_counts
from db.recordings import UPLOADED, get_recording
from workers.recordings import resolve_path

log = logging.getLogger(__name__)

router = APIRouter(prefix="/dashboard", include_in_schema=False)

PAGE_SIZE = 50


@router.get("", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    op = await web.signed_in(request)
    return web.redirect("/dashboard/calls" if op else "/dashboard/login")


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


def parse_day(raw: str | None) -> date | None:
    try:
        day = date.fromisoformat(raw or "")
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2100 else None


def _filter_from(request: Request, viewer: Viewer) -> tuple[CallFilter, dict[str, str], str | None]:
    """The search form's fields as a filter, the fields to echo back, and a problem to show."""
    q = request.query_params
    fields = {k: (q.get(k) or "").strip()[:100] for k in ("from", "to", "caller", "intent", "outcome",
                                                          "min_ms", "text")}
    problem = None
    day_from = parse_day(fields["from"]) if fields["from"] else None
    day_to = parse_day(fields["to"]) if fields["to"] else None
    if (fields["from"] and day_from is None) or (fields["to"] and day_to is None):
        problem = "Pick dates as YYYY-MM-DD."
    min_ms = int(fields["min_ms"]) if fields["min_ms"].isdigit() and len(fields["min_ms"]) < 7 else None
    if fields["min_ms"] and min_ms is None:
        problem = "Minimum latency is a whole number of milliseconds."
    if fields["outcome"] and fields["outcome"] not in OUTCOMES:
        problem = "Unknown outcome."
    shops = None if viewer.shop is None else (viewer.shop.id,)
    f = CallFilter(shop_ids=shops, day_from=day_from, day_to=day_to, caller=fields["caller"],
                   intent=fields["intent"], outcome=fields["outcome"] if fields["outcome"] in OUTCOMES else "",
                   min_latency_ms=min_ms, text=fields["text"])
    return f, fields, problem


@router.get("/calls", response_class=HTMLResponse)
async def calls_page(request: Request) -> Response:
    viewer = await web.viewer_for(request)
    if isinstance(viewer, Response):
        return viewer
    page = _page_no(request.query_params.get("page"))
    f, fields, problem = _filter_from(request, viewer)
    async with request.app.state.pool.acquire() as conn:
        rows = await search_calls(conn, f, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
        has_next = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        counts = await turn_counts(conn, [c.id for c in rows])
        intents = await intents_seen(conn, f.shop_ids)
    names: dict[int, str] = {}
    if viewer.shop is None:  # the admin's every-shop view names each call's shop
        names = {s.id: s.name for s in await admin.all_shops(request)}
    searched = {k: v for k, v in fields.items() if v}
    return web.page(
        request, "calls.html", viewer, status=422 if problem else 200, calls=rows, counts=counts, page=page,
        has_next=has_next, fields=fields, intents=intents, outcomes=list(OUTCOMES), error=problem,
        shop_names=names, newer=viewer.link("/dashboard/calls", **searched, page=page - 1),
        older=viewer.link("/dashboard/calls", **searched, page=page + 1), searched=bool(searched),
    )


@router.get("/calls/{call_sid}", response_class=HTMLResponse)
async def call_page(request: Request, call_sid: str) -> Response:
    found = await call_view.viewer_and_call(request, call_sid, "call")
    if isinstance(found, Response):
        return found
    return await call_view.render_call(request, *found)


@router.get("/calls/{call_sid}/recording")
async def call_recording(request: Request, call_sid: str) -> Response:
    """A local recording through the session (only used when there is no APP_SECRET to sign links)."""
    found = await call_view.viewer_and_call(request, call_sid, "recording")
    if isinstance(found, Response):
        return found
    viewer, call = found
    async with request.app.state.pool.acquire() as conn:
        rec = await get_recording(conn, call.id)
    recordings_dir = Path(request.app.state.settings.recordings_dir)
    path = resolve_path(recordings_dir, rec.path) if rec and rec.status != UPLOADED else None
    if path is None or not await asyncio.to_thread(path.is_file):
        return web.not_found(request, viewer, "recording")
    return FileResponse(
        path, media_type="audio/wav", filename=f"call-{call.id}.wav",
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


# --- the shop's day, dues and reminders ----------------------------------------------------


@router.get("/summary", response_class=HTMLResponse)
async def summary_page(request: Request) -> Response:
    viewer = await web.shop_viewer(request)
    if isinstance(viewer, Response):
        return viewer
    assert viewer.shop is not None
    today = shop_date(datetime.now(UTC))
    raw = request.query_params.get("date")
    day = parse_day(raw) if raw else today
    if day is None:
        return web.page(request, "summary.html", viewer, status=422, error="Pick a date as YYYY-MM-DD.",
                        day=today, today=today, summary=None, outstanding_paise=None)
    books = request.app.state.books
    summary = await books.daily_summary(viewer.shop.id, day)
    outstanding = await books.total_outstanding(viewer.shop.id)
    return web.page(request, "summary.html", viewer, error=None, day=day, today=today, summary=summary,
                    outstanding_paise=outstanding)


@router.get("/outstanding", response_class=HTMLResponse)
async def outstanding_page(request: Request) -> Response:
    viewer = await web.shop_viewer(request)
    if isinstance(viewer, Response):
        return viewer
    assert viewer.shop is not None
    rows = await request.app.state.books.list_outstanding(viewer.shop.id)
    total = sum(o.balance_paise for o in rows)
    return web.page(request, "outstanding.html", viewer, rows=rows, total=total)


@router.get("/reminders", response_class=HTMLResponse)
async def reminders_page(request: Request) -> Response:
    viewer = await web.shop_viewer(request)
    if isinstance(viewer, Response):
        return viewer
    assert viewer.shop is not None
    status = request.query_params.get("status") or None
    if status is not None and status not in REMINDER_STATUSES:
        return web.page(request, "reminders.html", viewer, status=422, rows=[], names={}, selected=None,
                        statuses=REMINDER_STATUSES, error="Unknown status.")
    books = request.app.state.books
    try:
        rows = await books.list_reminders(viewer.shop.id, status=status, limit=200)
    except ExecoraError as exc:
        return web.page(request, "reminders.html", viewer, status=422, rows=[], names={}, selected=None,
                        statuses=REMINDER_STATUSES, error=exc.message)
    names = {c.id: c.name for c in await books.list_customers(viewer.shop.id)}
    return web.page(request, "reminders.html", viewer, rows=rows, names=names, selected=status,
                    statuses=REMINDER_STATUSES, error=None)


router.include_router(auth.router)
router.include_router(corrections.router)
router.include_router(customers.router)
router.include_router(admin.router)
router.include_router(live.router)
router.include_router(quality.router)
router.include_router(scripts.router)
