"""X-Plivo-Signature-V3 checks with the plivo SDK's own validator.

The URL signed is the public one Plivo called (PUBLIC_BASE_URL plus path and
query), never what a proxy forwarded. Plivo may send several comma-separated
signatures (one per auth token during rotation); the SDK accepts any.
"""

from __future__ import annotations

from collections.abc import Mapping

from plivo.utils.signature_v3 import validate_v3_signature

MAX_HEADER_CHARS = 1024


def is_valid_v3_signature(
    auth_token: str, url: str, params: Mapping[str, str], nonce: str | None, signature: str | None
) -> bool:
    """True when `signature` is Plivo's HMAC-SHA256 of `url`, the sorted POST params and `nonce`."""
    if not auth_token or not nonce or not signature:
        return False
    if len(nonce) > MAX_HEADER_CHARS or len(signature) > MAX_HEADER_CHARS:
        return False
    try:
        return bool(validate_v3_signature("POST", url, nonce, auth_token, signature, dict(params)))
    except Exception:  # the SDK's argument validators raise on odd input: a refusal, never a 500
        return False
