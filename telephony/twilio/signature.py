"""X-Twilio-Signature checks with the twilio package's RequestValidator.

The URL signed is the public one Twilio called (PUBLIC_BASE_URL plus the path
and query), never what the proxy in front of us forwarded.
"""

from __future__ import annotations

from collections.abc import Mapping

from twilio.request_validator import RequestValidator


def public_url(public_base_url: str, path: str, query: str = "") -> str:
    """The URL as Twilio saw it: our public origin, the request path and query string."""
    url = public_base_url.rstrip("/") + path
    return f"{url}?{query}" if query else url


def is_valid_signature(
    auth_token: str, url: str, params: Mapping[str, str], signature: str | None
) -> bool:
    """True when `signature` is Twilio's HMAC of `url` + `params` under `auth_token`."""
    if not auth_token or not signature:
        return False
    return bool(RequestValidator(auth_token).validate(url, dict(params), signature))
