"""Signing operators in and out: email + password (argon2id) and, when they set one up,
an authenticator code; every attempt, accepted or refused, goes to the audit log.

Refusals all read the same and cost the same (an unknown email is checked against
a dummy hash), so the form does not tell which emails have accounts. Throttled per
client address and per email (`dashboard.throttle`); a TOTP code works once.
"""

from __future__ import annotations

import asyncio
import logging
import time

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from redis.exceptions import RedisError

from business.errors import ValidationError
from business.operators import Operator, normalize_email
from dashboard import passwords, revocation, session, throttle, web
from db import operators as operator_rows

log = logging.getLogger(__name__)

router = APIRouter()

REFUSED = "That email, password or code was not accepted."
_TOTP_USED = "execora:dashboard:totp-used:"


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request) -> Response:
    if await web.signed_in(request) is not None:
        return RedirectResponse("/dashboard/calls", status_code=303)
    return web.page(request, "login.html", None, error=None, email="")


def _field(form: object, name: str, limit: int) -> str:
    raw = form.get(name) if hasattr(form, "get") else None
    return raw.strip()[:limit] if isinstance(raw, str) else ""


async def _audit(request: Request, action: str, op: Operator | None, actor: str, **details: object) -> None:
    async with request.app.state.pool.acquire() as conn:
        await operator_rows.audit(conn, action=action, operator_id=op.id if op else None, actor=actor,
                                  shop_id=op.shop_id if op else None,
                                  details={"ip": web.client_address(request), **details})


async def _code_fresh(request: Request, op: Operator, step: int) -> bool:
    """True the first time a code's time step is used by this operator (a replayed code is refused)."""
    try:
        return bool(await request.app.state.redis.set(f"{_TOTP_USED}{op.id}:{step}", b"1", nx=True, ex=120))
    except (RedisError, OSError):
        log.warning("dashboard: TOTP replay check skipped, Redis unavailable", exc_info=True)
        return True


async def _check(request: Request, email: str, password: str, code: str) -> tuple[Operator | None, str]:
    """(operator, '') when every factor checks out, else (operator or None, why) for the audit log."""
    creds = None
    if email:
        async with request.app.state.pool.acquire() as conn:
            creds = await operator_rows.credentials_of(conn, email)
    ok = await asyncio.to_thread(passwords.verify_password, creds.password_hash if creds else None, password)
    if creds is None:
        return None, "unknown_email"
    op = creds.operator
    if not ok:
        return op, "wrong_password"
    if op.disabled:
        return op, "disabled"
    if creds.totp_secret:
        step = passwords.totp_step(creds.totp_secret, code)
        if step is None:
            return op, "wrong_code"
        if not await _code_fresh(request, op, step):
            return op, "code_reused"
    return op, ""


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    if web.cross_site(request):
        return web.page(request, "login.html", None, status=403, error="Cross-site sign-in refused.", email="")
    form = await request.form()
    typed = _field(form, "email", 254)
    password = _field(form, "password", passwords.MAX_PASSWORD_LEN + 1)
    code = _field(form, "code", 16)
    try:
        email = normalize_email(typed)
    except ValidationError:
        email = ""
    client = web.client_address(request)
    redis = request.app.state.redis
    if await throttle.blocked(redis, client) or (
        email and await throttle.blocked(redis, throttle.by_email(email), throttle.MAX_EMAIL_FAILURES)
    ):
        log.warning("dashboard sign-in throttled")
        await _audit(request, "sign_in_refused", None, email or typed, reason="throttled")
        return web.page(request, "login.html", None, status=429, email=typed,
                        error="Too many refused sign-ins; try again in a few minutes.")
    op, why = await _check(request, email, password, code)
    if op is None or why:
        await throttle.note_failure(redis, client)
        if email:
            await throttle.note_failure(redis, throttle.by_email(email))
        await _audit(request, "sign_in_refused", op, email or typed, reason=why or "refused")
        log.info("dashboard sign-in refused operator_id=%s", op.id if op else None)
        return web.page(request, "login.html", None, status=401, error=REFUSED, email=typed)
    cfg = web.config(request)
    key = await web.session_key(request)
    value = session.encode(key, op.id, session.binding_of(op.id, op.session_epoch), cfg.session_ttl_s)
    await _audit(request, "sign_in", op, op.email)
    response = RedirectResponse("/dashboard/calls", status_code=303, headers=web.SECURITY_HEADERS)
    web.set_session_cookie(request, response, value, cfg.session_ttl_s)
    log.info("dashboard sign-in operator_id=%s shop_id=%s", op.id, op.shop_id)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    if web.cross_site(request):
        return web.html("cross-site sign-out refused", status=403)
    s = session.decode(await web.session_key(request), request.cookies.get(session.COOKIE_NAME))
    if s is not None:
        await revocation.revoke(request.app.state.redis, s.nonce, s.expires - int(time.time()) + 1)
        log.info("dashboard sign-out operator_id=%s", s.operator_id)
    response = web.to_login()
    response.delete_cookie(session.COOKIE_NAME, path="/dashboard", httponly=True, samesite="strict")
    return response
