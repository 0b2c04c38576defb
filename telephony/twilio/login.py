"""POST /twilio/voice/login: a stranger's DTMF shop code, then PIN.

Offered by /twilio/voice to unregistered phones when some shop sets
`allow_dtmf_login`. Two signed `<Gather>` steps: the shop code (a random
9-digit code `execora shop add --allow-dtmf-login` prints; never the shop id) then `#`, answered by a PIN prompt whose action URL carries the code (Twilio
signs the URL with its query, so the code cannot be swapped); then the PIN and
`#`. The PIN is any PIN set on one of the shop's owner phones (the hash
`Books` stores on `shop_phones`, checked the same way). A shop that does not exist, does not allow DTMF logins or
has no owner PIN answers exactly like a wrong PIN (same words, a PIN check of
the same cost), so the webhook never tells whether a code exists. Every attempt
is recorded before it is checked; after `MAX_FAILURES_PER_CALL` failures on a
CallSid, `MAX_FAILURES_PER_NUMBER` from one calling number or `MAX_FAILURES_PER_CODE`
on a shop code within `FAILURE_WINDOW_S`, even a right PIN is refused. The
per-number limit stops one caller long before the per-code one, so a single
attacker cannot keep the owner locked out.
"""

from __future__ import annotations

import asyncio
import functools
import re
from urllib.parse import urlencode

import asyncpg
from fastapi import APIRouter, Request, Response

from bot.call.logs import call_log
from business import credentials
from business.errors import ShopNotFound
from db import call_logins
from telephony.call_core import DTMF_LOGIN_ROLE
from telephony.twilio import twiml
from telephony.twilio.config import TwilioConfig
from telephony.twilio.webhook import (
    LOGIN_PATH,
    NO_INPUT,
    TWIML,
    connect_call,
    login_url,
    mask_phone,
    signed_form,
    sorry,
    valid_call_sid,
)

router = APIRouter()

MAX_FAILURES_PER_CALL = 3
MAX_FAILURES_PER_NUMBER = 5
MAX_FAILURES_PER_CODE = 30
FAILURE_WINDOW_S = 15 * 60
ASK_PIN = "Now enter your PIN, then press hash."
DENIED = "Sorry, that code and PIN did not match. Goodbye."
_CODE_RE = re.compile(r"^[1-9][0-9]{8}$")  # a login code: 9 digits, no leading zero
_DIGITS_RE = re.compile(r"^[0-9]{1,12}$")  # what is taken as a code at all (the rest is refused alike)
_PIN_RE = re.compile(r"^[0-9]{4,8}$")


@functools.cache
def _decoy_hash() -> str:
    return credentials.hash_pin("00000000")


def _decoy_check(pin: str) -> bool:
    """A PIN check of the usual cost that never matches, when there is no real hash (equal timing).

    Runs in a worker thread, like every PIN check (the decoy hash is made there too, once).
    """
    credentials.check_pin("x" + pin, _decoy_hash())
    return False


async def _pin_matches(pool: asyncpg.Pool, shop_id: int, pin: str) -> bool:
    """True when `pin` is the PIN of one of the shop's owner phones and the shop allows DTMF logins.

    Checked against the hashes just read (not a second lookup), off the event loop.
    """
    hashes: list[str] = []
    if _PIN_RE.match(pin):
        async with pool.acquire() as conn:
            hashes = await call_logins.login_pin_hashes(conn, shop_id)
    if not hashes:
        return await asyncio.to_thread(_decoy_check, pin)
    for stored in hashes:
        if await asyncio.to_thread(credentials.check_pin, pin, stored):
            return True
    return False


@router.post(LOGIN_PATH, include_in_schema=False)
async def login_webhook(request: Request) -> Response:
    cfg: TwilioConfig = request.app.state.twilio
    params = await signed_form(request)
    if params is None:
        return Response(status_code=403)
    call_sid = params.get("CallSid", "")
    if not valid_call_sid(call_sid):
        return Response(status_code=400)
    digits = params.get("Digits", "").strip()
    clog = call_log(__name__, call_sid)
    code = request.query_params.get("code")
    if code is None:  # step 1: the shop code
        if not digits:
            return sorry(NO_INPUT)
        if not _DIGITS_RE.match(digits):  # any digits get the PIN prompt: the answer never tells a code's shape
            return sorry(DENIED)
        next_url = login_url(cfg, urlencode({"code": digits}))
        return Response(twiml.gather_digits(ASK_PIN, next_url, fallback=NO_INPUT), media_type=TWIML)

    # step 2: the PIN, for the code carried in the (signed) action URL
    if not _DIGITS_RE.match(code):
        return sorry(DENIED)
    from_phone = params.get("From", "").strip()
    pool = request.app.state.pool
    async with pool.acquire() as conn:
        attempt = await call_logins.begin_attempt(conn, call_sid=call_sid, shop_code=code, from_phone=from_phone)
        by_call, by_code, by_number = await call_logins.earlier_failures(
            conn, attempt_id=attempt, call_sid=call_sid, shop_code=code, window_s=FAILURE_WINDOW_S,
            from_phone=from_phone,
        )
        shop_id = await call_logins.shop_for_code(conn, code) if _CODE_RE.match(code) else None
    if by_call >= MAX_FAILURES_PER_CALL or by_number >= MAX_FAILURES_PER_NUMBER or by_code >= MAX_FAILURES_PER_CODE:
        clog.warning("DTMF login throttled (%d failures on the call, %d from the number, %d on the code)",
                     by_call, by_number, by_code)
        return sorry(DENIED)
    # An unknown code costs one decoy PIN check, like a wrong PIN (the answer never tells which).
    if shop_id is None:
        matched = await asyncio.to_thread(_decoy_check, digits)
    else:
        matched = await _pin_matches(pool, shop_id, digits)
    if shop_id is None or not matched:
        clog.info("DTMF login failed from %s", mask_phone(params.get("From", "")))
        return sorry(DENIED)
    try:
        shop = await request.app.state.books.get_shop(shop_id)
    except ShopNotFound:  # deleted between the PIN check and now
        return sorry(DENIED)
    async with pool.acquire() as conn:
        await call_logins.mark_ok(conn, attempt)
        await call_logins.purge_attempts(conn)  # an indexed delete now and then keeps the table small
    call_log(__name__, call_sid, shop_id).info("DTMF login from %s", mask_phone(params.get("From", "")))
    return await connect_call(
        request, call_sid=call_sid, shop_id=shop_id, from_phone=params.get("From", "").strip(),
        to_phone=params.get("To", ""), caller_role=DTMF_LOGIN_ROLE, language=shop.settings.reply_language,
    )
