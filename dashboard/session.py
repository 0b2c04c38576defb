"""The operator's session: a signed cookie naming one operator, and the key that signs it.

Cookie value: `base64url(json{"o": operator_id, "e": expires_unix, "k": key_fp, "n": nonce}).hex_hmac`.
`key_fp` is an HMAC of the operator's current session epoch (`binding`), which moves
when the password changes or the account is disabled (`db.operators`), ending every
session signed in before. Stateless: any app process can check it.

The signing key is APP_SECRET; without one (the embedded `execora up`
defaults) a random key is generated once per data dir in
`DATA_DIR/dashboard_secret` (0600) so sessions survive restarts and every
process on that data dir agrees.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

COOKIE_NAME = "execora_dashboard"
SECRET_FILE = "dashboard_secret"
_MAX_COOKIE_LEN = 512


@dataclass(frozen=True)
class Session:
    operator_id: int
    expires: int
    key_fp: str
    nonce: str  # names this sign-in, so sign-out can revoke it (see `dashboard.revocation`)


def _derive(secret: str) -> bytes:
    """A key for sessions only, so a leaked session key says nothing about APP_SECRET's other uses."""
    return hmac.new(secret.encode(), b"execora-dashboard-session-v1", hashlib.sha256).digest()


def load_or_create_secret(data_dir: Path) -> str:
    """The per-data-dir session secret (blocking file I/O: call in a thread).

    Created with O_EXCL so two processes starting together end up with one file.
    """
    path = data_dir / SECRET_FILE
    try:
        text = path.read_text(encoding="ascii").strip()
        if len(text) >= 32:
            return text
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value + "\n")
    return value


def session_key(app_secret: str, data_dir: Path) -> bytes:
    """APP_SECRET when set, else the data dir's own secret (blocking: call in a thread)."""
    return _derive(app_secret or load_or_create_secret(data_dir))


def key_fingerprint(key: bytes, binding: str) -> str:
    return hmac.new(key, b"key:" + binding.encode(), hashlib.sha256).hexdigest()[:32]


def binding_of(operator_id: int, session_epoch: int) -> str:
    """What a session is bound to: the operator and their current session epoch."""
    return f"operator:{operator_id}:{session_epoch}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(key: bytes, payload: str) -> str:
    return hmac.new(key, b"session:" + payload.encode("ascii"), hashlib.sha256).hexdigest()


def encode(key: bytes, operator_id: int, binding: str, ttl_s: int, now: float | None = None) -> str:
    """A fresh cookie value for `operator_id`, valid `ttl_s` seconds."""
    expires = int((now if now is not None else time.time()) + ttl_s)
    body = {"o": operator_id, "e": expires, "k": key_fingerprint(key, binding), "n": secrets.token_urlsafe(16)}
    payload = _b64(json.dumps(body, separators=(",", ":")).encode())
    return f"{payload}.{_sign(key, payload)}"


def decode(key: bytes, value: str | None, now: float | None = None) -> Session | None:
    """The session in a cookie value, or None when absent, tampered with, malformed or expired."""
    if not value or len(value) > _MAX_COOKIE_LEN or value.count(".") != 1:
        return None
    payload, sig = value.split(".")
    try:
        if not hmac.compare_digest(_sign(key, payload), sig):
            return None
        body = json.loads(_unb64(payload))
        operator_id, expires, key_fp, nonce = body["o"], body["e"], body["k"], body["n"]
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError):
        return None
    if not isinstance(operator_id, int) or not isinstance(expires, int):
        return None
    if not isinstance(key_fp, str) or not isinstance(nonce, str) or not nonce:
        return None
    if expires < (now if now is not None else time.time()):
        return None
    return Session(operator_id=operator_id, expires=expires, key_fp=key_fp, nonce=nonce)
