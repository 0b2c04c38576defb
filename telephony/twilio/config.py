"""Plain configuration for the Twilio call path, built by `app` from Settings."""

from __future__ import annotations

from dataclasses import dataclass

from telephony.call_config import CallConfig


@dataclass(frozen=True, kw_only=True)
class TwilioConfig(CallConfig):
    """Twilio's credentials on top of what every carrier shares (`CallConfig`)."""

    auth_token: str
    account_sid: str
    api_base_url: str = "https://api.twilio.com"
