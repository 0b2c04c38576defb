"""Plain configuration for the Plivo call path, built by `app` from Settings."""

from __future__ import annotations

from dataclasses import dataclass

from telephony.call_config import CallConfig


@dataclass(frozen=True, kw_only=True)
class PlivoConfig(CallConfig):
    """PLIVO_AUTH_ID / PLIVO_AUTH_TOKEN (signatures and hang-up) on the shared config."""

    auth_id: str
    auth_token: str
    api_base_url: str = "https://api.plivo.com"

    @property
    def enabled(self) -> bool:
        return bool(self.auth_id and self.auth_token)
