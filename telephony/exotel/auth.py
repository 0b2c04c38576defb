"""The applet URL's credentials, as Exotel sends them on the upgrade: `Authorization: Basic`.

Exotel signs nothing; the user and password in `wss://USER:PASSWORD@HOST/...`
are the only proof the stream is ours, so both are compared in constant time
(and both always compared, so timing never tells which one was wrong).
"""

from __future__ import annotations

import base64
import binascii
import hmac

MAX_HEADER_CHARS = 512


def basic_credentials_match(header: str | None, user: str, password: str) -> bool:
    """True when `header` is `Basic base64(user:password)` for exactly these credentials."""
    if not user or not password or not header or len(header) > MAX_HEADER_CHARS:
        return False
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    given_user, sep, given_password = decoded.partition(b":")
    user_ok = hmac.compare_digest(given_user, user.encode())
    password_ok = hmac.compare_digest(given_password, password.encode())
    return bool(sep) & user_ok & password_ok
