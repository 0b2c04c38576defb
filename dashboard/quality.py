"""The quality page: how the bot is doing in the operator's shops, drawn on the server.

Reply latency p50/p95 per day and per stage over the last `days` shop days, calls per
hour and the outcome shares of the picked day, and that day's worst calls (slowest
reply, most asked again) linking to their call pages. Queries in `db.quality_queries`,
geometry in `dashboard.charts`, SVG in the `charts.html` macros.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from business.shoptime import shop_date
from dashboard import charts, web
from db import quality_queries as q

router = APIRouter()

DAY_CHOICES = (7, 14, 30)
SHARE_LABELS = (("first_time", "understood first time", "ok"), ("asked", "asked again", "asked"),
                ("failed", "failed", "failed"))


def _day(raw: str | None, today: date) -> date | None:
    """The picked shop day (today when none; None when malformed or out of range)."""
    if not raw:
        return today
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2100 else None


def _days(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and int(raw) in DAY_CHOICES else 14


@router.get("/quality", response_class=HTMLResponse)
async def quality_page(request: Request) -> Response:
    viewer = await web.viewer_for(request)
    if isinstance(viewer, Response):
        return viewer
    today = shop_date(datetime.now(UTC))
    day = _day(request.query_params.get("date"), today)
    error = None if day is not None else "Pick a date as YYYY-MM-DD."
    day = day or today
    days = _days(request.query_params.get("days"))
    first = q.days_back(day, days)
    scope = None if viewer.shop is None else (viewer.shop.id,)
    async with request.app.state.pool.acquire() as conn:
        by_day = await q.latency_by_day(conn, scope, first, day)
        by_stage = await q.latency_by_stage(conn, scope, first, day)
        hourly = await q.calls_per_hour(conn, scope, day)
        shares = await q.outcome_shares(conn, scope, day, day)
        period_shares = await q.outcome_shares(conn, scope, first, day)
        slowest = await q.worst_calls(conn, scope, day, by="slowest")
        most_asked = await q.worst_calls(conn, scope, day, by="asked")
    labels = [p.label[5:] for p in by_day]  # MM-DD
    latency = charts.line_chart("Reply latency per day", labels,
                                [("p50", "p50", [p.p50_ms for p in by_day]),
                                 ("p95", "p95", [p.p95_ms for p in by_day])], "ms")
    stages = charts.grouped_bars("Latency per stage", [p.label for p in by_stage],
                                 [("p50", "p50", [p.p50_ms for p in by_stage]),
                                  ("p95", "p95", [p.p95_ms for p in by_stage])], "ms")
    per_hour = charts.bar_chart("Calls per hour", [f"{h:02d}" for h in range(24)], hourly, "calls")

    def share_of(s: q.OutcomeShares) -> charts.ShareBar:
        return charts.share_bar([(label, css, getattr(s, kind)) for kind, label, css in SHARE_LABELS])

    return web.page(
        request, "quality.html", viewer, status=422 if error else 200, error=error, day=day, today=today, days=days, day_choices=DAY_CHOICES, first=first,
        latency=latency, stages=stages, per_hour=per_hour, by_day=by_day, by_stage=by_stage,
        shares=shares, share_bar=share_of(shares), period_shares=period_shares,
        period_bar=share_of(period_shares), share_labels=SHARE_LABELS, slowest=slowest, most_asked=most_asked,
    )
