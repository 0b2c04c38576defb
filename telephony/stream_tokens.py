"""Stream tokens: short-lived, single-use, bound to one call (Twilio's CallSid, Plivo's CallUUID).

Shared by every carrier whose answer webhook hands out a stream URL. A token is
`NONCE.MAC` where MAC = HMAC-SHA256(app secret, NONCE:call id). The
MAC lets a forged or mis-bound token be refused before touching the database;
the database row (stored by hash, see `db.calls`) makes it single-use and
short-lived across every app process.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}\.[A-Za-z0-9_-]{22}$")


def _mac(secret: str, nonce: str, call_sid: str) -> str:
    digest = hmac.new(secret.encode(), f"{nonce}:{call_sid}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:22]


def mint(secret: str, call_sid: str) -> str:
    """A fresh token for `call_sid` (URL-path safe)."""
    if not secret:
        raise ValueError("APP_SECRET is required to mint stream tokens")
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{_mac(secret, nonce, call_sid)}"


def looks_valid(token: str) -> bool:
    """Cheap shape check, before anything else is done with an untrusted path segment."""
    return bool(_TOKEN_RE.match(token))


def matches(secret: str, token: str, call_sid: str) -> bool:
    """True when `token` was minted by us for exactly this CallSid."""
    if not secret or not looks_valid(token):
        return False
    nonce, mac = token.split(".", 1)
    return hmac.compare_digest(mac, _mac(secret, nonce, call_sid))


def token_hash(token: str) -> str:
    """What the database stores: the token itself never sits at rest."""
    return hashlib.sha256(token.encode()).hexdigest()
