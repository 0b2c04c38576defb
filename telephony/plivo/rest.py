"""Plivo's REST API, the one call we make: end a call (DELETE Call).

The stream's socket closing does not end a `keepCallAlive` call by itself, so
when the conversation ends (the bot's goodbye, an error, a dropped socket) the
stream endpoint deletes the call unless Plivo already said it stopped.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx

from bot.call.logs import call_log


def call_resource_url(api_base_url: str, auth_id: str, call_uuid: str) -> str:
    return f"{api_base_url.rstrip('/')}/v1/Account/{quote(auth_id, safe='')}/Call/{quote(call_uuid, safe='')}/"


async def hang_up(*, api_base_url: str, auth_id: str, auth_token: str, call_uuid: str, timeout_s: float = 5.0) -> bool:
    """True when Plivo ended the call (204) or it had already ended (404)."""
    if not (auth_id and auth_token):
        call_log(__name__, call_uuid).warning("cannot hang up: no Plivo credentials")
        return False
    try:
        async with httpx.AsyncClient(timeout=timeout_s) as client:
            response = await client.delete(call_resource_url(api_base_url, auth_id, call_uuid), auth=(auth_id, auth_token))
    except httpx.HTTPError as exc:
        call_log(__name__, call_uuid).error("hang-up failed: %s", type(exc).__name__)
        return False
    if response.status_code in (200, 204, 404):
        return True
    call_log(__name__, call_uuid).error("hang-up answered %s", response.status_code)
    return False
