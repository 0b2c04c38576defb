"""Shop API keys and caller PINs: random keys shown once, only hashes stored.

API keys are long random tokens, so a plain SHA-256 is enough (and allows an
indexed lookup). PINs are short, so they get a salted, slow PBKDF2 hash and a
constant-time comparison. Verifying a PIN takes ~20 ms: call it off the event
loop (`Books.verify_pin` does).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

API_KEY_PREFIX = "exk_"
_PIN = re.compile(r"^[0-9]{4,8}$")
_ITERATIONS = 60_000


def new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def valid_pin(pin: str) -> bool:
    return bool(_PIN.match(pin))


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, _ITERATIONS)
    return f"pbkdf2_sha256${_ITERATIONS}${salt.hex()}${digest.hex()}"


def check_pin(pin: str, stored: str) -> bool:
    try:
        algo, iterations, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if algo != "pbkdf2_sha256":
        return False
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt_hex), int(iterations))
    return hmac.compare_digest(digest.hex(), digest_hex)
