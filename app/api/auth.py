"""Bearer-key authentication for /api: every request acts as exactly one shop.

`Authorization: Bearer <shop api key>`; a missing, malformed or unknown key is
401 `unauthorized` (the same answer for each, so keys cannot be probed). Only
a hash of the key is stored; `Books.shop_by_api_key` does the lookup.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.api.deps import BooksDep
from app.api.errors import ApiError
from business.models import Shop

_bearer = HTTPBearer(auto_error=False, description="The shop's API key (`execora shop add` prints it)")
_MAX_KEY_LEN = 200
_MAX_IDEMPOTENCY_KEY_LEN = 200


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


async def current_shop(
    request: Request, books: BooksDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Shop:
    """The shop whose API key is on the request; 401 otherwise."""
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise _unauthorized("missing bearer token: send Authorization: Bearer <shop api key>")
    key = credentials.credentials.strip()
    if len(key) > _MAX_KEY_LEN:
        raise _unauthorized("invalid api key")
    shop = await books.shop_by_api_key(key)
    if shop is None:
        raise _unauthorized("invalid api key")
    request.state.shop_id = shop.id  # log context for the error handlers
    return shop


async def idempotency_key(
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="Replaying a POST with the same key returns the first result and posts nothing.",
        ),
    ] = None,
) -> str | None:
    """The Idempotency-Key header, checked for length and printable characters."""
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > _MAX_IDEMPOTENCY_KEY_LEN or not key.isprintable():
        raise ApiError(
            422, "validation_error", f"Idempotency-Key must be 1-{_MAX_IDEMPOTENCY_KEY_LEN} printable characters"
        )
    return f"api:{key}"


ShopDep = Annotated[Shop, Depends(current_shop)]
IdempotencyKeyDep = Annotated[str | None, Depends(idempotency_key)]
