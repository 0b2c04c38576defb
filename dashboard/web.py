"""Plumbing every dashboard page shares: config, the session key, answers with the
security headers, the cross-site check, and who is looking at which shop.

A `Viewer` is a signed-in operator plus the shop in view: their own shop (owner,
staff), or for an admin the shop picked with `?shop=ID` (None: every shop). Asking
for another shop than one's own is a 403; another shop's call is the same 404 as a
call that does not exist.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from business.errors import ShopNotFound
from business.models import Shop
from business.operators import Operator
from dashboard import revocation, session
from dashboard.config import DashboardConfig, config_from_settings
from dashboard.templating import render
from db import operators as operator_rows

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; media-src 'self' https: http:; "
        "script-src 'self'; connect-src 'self'; "
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
    """The signed-in operator and the shop in view (None: an admin looking at every shop)."""

    operator: Operator
    shop: Shop | None

    @property
    def can_correct(self) -> bool:
        return self.shop is not None and self.operator.can_correct(self.shop.id)

    def link(self, path: str, **params: Any) -> str:
        """`path` with the admin's picked shop kept (owners and staff never need it) and `params`."""
        query = {k: v for k, v in params.items() if v not in (None, "")}
        if self.operator.is_admin and self.shop is not None:
            query = {"shop": self.shop.id, **query}
        return f"{path}?{urlencode(query)}" if query else path


def config(request: Request) -> DashboardConfig:
    cfg: DashboardConfig | None = getattr(request.app.state, "dashboard_config", None)
    if cfg is None:
        cfg = config_from_settings(request.app.state.settings)
        request.app.state.dashboard_config = cfg
    return cfg


async def session_key(request: Request) -> bytes:
    key: bytes | None = getattr(request.app.state, "dashboard_session_key", None)
    if key is None:
        cfg = config(request)
        key = await asyncio.to_thread(session.session_key, cfg.app_secret, cfg.data_dir)
        request.app.state.dashboard_session_key = key
    return key


def html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)


def page(request: Request, template: str, viewer: Viewer | None, status: int = 200, **ctx: Any) -> HTMLResponse:
    return html(render(template, viewer=viewer, path=request.url.path, **ctx), status)


def to_login() -> RedirectResponse:
    return RedirectResponse("/dashboard/login", status_code=303, headers=SECURITY_HEADERS)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=SECURITY_HEADERS)


def not_found(request: Request, viewer: Viewer, what: str) -> HTMLResponse:
    return page(request, "not_found.html", viewer, status=404, what=what)


def forbidden(request: Request, viewer: Viewer, why: str) -> HTMLResponse:
    return page(request, "forbidden.html", viewer, status=403, why=why)


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def cross_site(request: Request) -> bool:
    """A POST another site made the browser send (belt and braces beside SameSite=Strict)."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return True
    origin = request.headers.get("origin")
    if origin is None:
        return False
    if origin == "null":  # an opaque origin: only the browser's own same-origin marker vouches for it
        return request.headers.get("sec-fetch-site") != "same-origin"
    netloc = urlsplit(origin).netloc.lower()
    return not netloc or netloc not in (request.headers.get("host", "").lower(), config(request).public_host)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def signed_in(request: Request) -> Operator | None:
    """The operator of a valid, unexpired, not signed-out session still bound to their current
    epoch (password unchanged, account enabled); else None."""
    key = await session_key(request)
    s = session.decode(key, request.cookies.get(session.COOKIE_NAME))
    if s is None or await revocation.is_revoked(request.app.state.redis, s.nonce):
        return None
    async with request.app.state.pool.acquire() as conn:
        op = await operator_rows.get_operator(conn, s.operator_id)
    if op is None or op.disabled:
        return None
    if not same(session.key_fingerprint(key, session.binding_of(op.id, op.session_epoch)), s.key_fp):
        return None
    request.state.operator_id = op.id  # log context for the error handlers
    return op


async def shop_or_none(books: Any, shop_id: int) -> Shop | None:
    try:
        shop: Shop = await books.get_shop(shop_id)
    except ShopNotFound:
        return None
    return shop


async def viewer_for(request: Request) -> Viewer | Response:
    """The viewer of this request, or the answer instead: sign-in, a 403 for another shop's
    `?shop=`, a 404 for a shop that does not exist."""
    op = await signed_in(request)
    if op is None:
        return to_login()
    raw = request.query_params.get("shop")
    books = request.app.state.books
    if not op.is_admin:
        assert op.shop_id is not None
        if raw and raw != str(op.shop_id):
            log.info("dashboard: operator_id=%s refused another shop's page", op.id)
            return forbidden(request, Viewer(op, await shop_or_none(books, op.shop_id)),
                             "You can only see your own shop.")
        shop = await shop_or_none(books, op.shop_id)
        if shop is None:
            return to_login()
        request.state.shop_id = shop.id
        return Viewer(op, shop)
    if not raw:
        return Viewer(op, None)
    picked = await shop_or_none(books, int(raw)) if raw.isdigit() and len(raw) < 19 else None
    if picked is None:
        return not_found(request, Viewer(op, None), "shop")
    request.state.shop_id = picked.id
    return Viewer(op, picked)


async def shop_viewer(request: Request) -> Viewer | Response:
    """Like `viewer_for`, for pages about one shop: an admin who picked none gets the shop picker."""
    found = await viewer_for(request)
    if isinstance(found, Viewer) and found.shop is None:
        return redirect("/dashboard/shops?" + urlencode({"next": request.url.path}))
    return found


def set_session_cookie(request: Request, response: Response, value: str, max_age: int) -> None:
    response.set_cookie(
        session.COOKIE_NAME, value, max_age=max_age, path="/dashboard", httponly=True, samesite="strict",
        secure=request.url.scheme == "https",
    )
