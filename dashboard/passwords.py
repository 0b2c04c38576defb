"""Operator passwords (argon2id via argon2-cffi) and TOTP codes (pyotp).

Hashing is deliberately slow (tens of ms of CPU): callers on the event loop run
these through `asyncio.to_thread`. An unknown email is checked against a dummy
hash made once per process, so a refused sign-in costs the same either way.
"""

from __future__ import annotations

import secrets
import time
from functools import lru_cache

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LEN = 10
MAX_PASSWORD_LEN = 200
_HASHER = PasswordHasher()  # argon2id, the library's current recommended parameters


def hash_password(password: str) -> str:
    """The argon2id hash to store (blocking CPU: call in a thread)."""
    return _HASHER.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _HASHER.hash(secrets.token_urlsafe(24))


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches; with no stored hash (unknown email) the same work is done
    against a dummy hash and False returned (blocking CPU: call in a thread)."""
    if not password or len(password) > MAX_PASSWORD_LEN:
        password = "\0"  # still verified below: a too-long password costs no less than a wrong one
    try:
        ok = _HASHER.verify(stored_hash or _dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return ok and stored_hash is not None


def generate_password() -> str:
    """A printable random password for `execora operator add` without --password (~120 bits)."""
    return secrets.token_urlsafe(15)


def check_password_rules(password: str) -> str | None:
    """Why a chosen password is refused, or None."""
    if len(password) < MIN_PASSWORD_LEN:
        return f"a password needs at least {MIN_PASSWORD_LEN} characters"
    if len(password) > MAX_PASSWORD_LEN:
        return f"a password has at most {MAX_PASSWORD_LEN} characters"
    return None


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, email: str) -> str:
    """The otpauth:// URI an authenticator app scans."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name="Execora")


def totp_step(secret: str, code: str, *, at: float | None = None) -> int | None:
    """The 30 s time step a 6-digit code is valid for (one step of clock drift either way), or None.

    The step lets the caller refuse a code used twice (see `dashboard.auth`)."""
    code = (code or "").strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if at is None else at
    for drift in (0, -1, 1):
        t = now + drift * totp.interval
        if secrets.compare_digest(totp.at(t), code):
            return int(t // totp.interval)
    return None
