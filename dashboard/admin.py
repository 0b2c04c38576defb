"""The platform admin's pages: the shop picker and the audit log (sign-ins, corrections).

Owners and staff get a 403 here. The admin reads every shop; the picked shop travels
as `?shop=ID` on every link (`dashboard.web.Viewer.link`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from business.models import Shop
from dashboard import web
from db import operators as operator_rows

router = APIRouter()

AUDIT_PAGE = 100
_NEXT_PAGES = ("/dashboard/calls", "/dashboard/summary", "/dashboard/outstanding", "/dashboard/reminders",
               "/dashboard/customers", "/dashboard/audit")


async def all_shops(request: Request) -> list[Shop]:
    async with request.app.state.pool.acquire() as conn:
        ids = [int(r["id"]) for r in await conn.fetch("SELECT id FROM shops ORDER BY id LIMIT 1000")]
    books = request.app.state.books
    return [s for s in [await web.shop_or_none(books, i) for i in ids] if s is not None]


@router.get("/shops", response_class=HTMLResponse)
async def shops_page(request: Request) -> Response:
    viewer = await web.viewer_for(request)
    if isinstance(viewer, Response):
        return viewer
    if not viewer.operator.is_admin:
        return web.forbidden(request, viewer, "Only platform admins pick among shops.")
    nxt = request.query_params.get("next") or "/dashboard/calls"
    nxt = nxt if nxt in _NEXT_PAGES else "/dashboard/calls"
    return web.page(request, "shops.html", viewer, shops=await all_shops(request), next=nxt)


@router.get("/audit", response_class=HTMLResponse)
async def audit_page(request: Request) -> Response:
    viewer = await web.viewer_for(request)
    if isinstance(viewer, Response):
        return viewer
    if not viewer.operator.is_admin:
        return web.forbidden(request, viewer, "Only platform admins see the audit log.")
    raw = request.query_params.get("page") or "1"
    page = min(max(int(raw), 1), 10_000) if raw.isdigit() and len(raw) < 6 else 1
    action = request.query_params.get("action") or None
    action = action if action in ("sign_in", "sign_in_refused", "correction", "operator_added") else None
    async with request.app.state.pool.acquire() as conn:
        rows = await operator_rows.list_audit(
            conn, shop_id=viewer.shop.id if viewer.shop else None, action=action, limit=AUDIT_PAGE + 1,
            offset=(page - 1) * AUDIT_PAGE,
        )
    return web.page(request, "audit.html", viewer, rows=rows[:AUDIT_PAGE], page=page, action=action,
                    has_next=len(rows) > AUDIT_PAGE)
