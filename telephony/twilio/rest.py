"""Twilio's REST API, the one call we make: end a call (Status=completed).

pipecat's serializer hangs up when the pipeline ends while the socket is still
open; when the socket dropped first it cannot, so the stream endpoint calls
this to make sure no caller is left on an open line.
"""

from __future__ import annotations

import logging

import httpx

from bot.call.logs import call_log

log = logging.getLogger(__name__)


def call_resource_url(api_base_url: str, account_sid: str, call_sid: str) -> str:
    return f"{api_base_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Calls/{call_sid}.json"


async def hang_up(
    *, api_base_url: str, account_sid: str, auth_token: str, call_sid: str, timeout_s: float = 5.0
) -> bool:
    """True when Twilio ended the call or it had already ended (404/20404)."""
    if not (account_sid and auth_token):
        call_log(__name__, call_sid).warning("cannot hang up: no Twilio credentials")
        return False
    url = call_resource_url(api_base_url, account_sid, call_sid)
    try:
        async with httpx.AsyncClient(timeout=timeout_s) as client:
            response = await client.post(url, data={"Status": "completed"}, auth=(account_sid, auth_token))
    except httpx.HTTPError as exc:
        call_log(__name__, call_sid).error("hang-up failed: %s", type(exc).__name__)
        return False
    if response.status_code in (200, 201, 204, 404):
        return True
    call_log(__name__, call_sid).error("hang-up answered %s", response.status_code)
    return False
