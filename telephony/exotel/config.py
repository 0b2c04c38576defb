"""Plain configuration for the Exotel call path, built by `app` from Settings."""

from __future__ import annotations

from dataclasses import dataclass

from telephony.call_config import CallConfig


@dataclass(frozen=True, kw_only=True)
class ExotelConfig(CallConfig):
    """The applet URL's user and password (EXOTEL_STREAM_USER / EXOTEL_STREAM_PASSWORD) on the shared config."""

    stream_user: str
    stream_password: str

    @property
    def enabled(self) -> bool:
        return bool(self.stream_user and self.stream_password)
