"""How to reach the server and how the simulated caller sounds.

Its own module because every part of the caller (webhook, media pump,
report) reads it and none of them should import the others to get it.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_OWNER_NUMBER = "+919800000001"
DEFAULT_SHOP_NUMBER = "+14155550100"


@dataclass
class CallerOptions:
    """How to reach the server and how the caller sounds."""

    server_url: str = "http://127.0.0.1:3000"
    public_base_url: str = ""  # the URL the server signs against; default: server_url
    auth_token: str = ""
    account_sid: str = "AC" + "0" * 32
    from_number: str = DEMO_OWNER_NUMBER
    to_number: str = DEFAULT_SHOP_NUMBER
    voice: str = "en-us"
    rate_wpm: int = 150
    line_noise_rms: float = 40.0  # int16 units on the linear side, before mu-law
    api_key: str = ""
    voice_path: str = "/twilio/voice"
    # Exotel's applet URL credentials (wss://USER:PASSWORD@host), sent as Basic auth on the upgrade.
    stream_user: str = ""
    stream_password: str = ""
