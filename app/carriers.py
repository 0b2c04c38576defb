"""The Exotel and Plivo call paths' plain configs, built from Settings (telephony never imports app).

Both share the Twilio config's conversation side (`CallConfig`: the same voice,
understanding, recordings and tuning objects), so one process runs every
carrier's calls on the same engines. A carrier without credentials gets no
config, and its routes answer 404.
"""

from __future__ import annotations

from app.settings import Settings
from telephony.call_config import CallConfig
from telephony.exotel.config import ExotelConfig
from telephony.plivo.config import PlivoConfig


def carrier_configs(settings: Settings, shared: CallConfig) -> tuple[ExotelConfig | None, PlivoConfig | None]:
    """(Exotel, Plivo) configs on the shared call config; None for a carrier not configured."""
    base = shared.shared()
    exotel_password = settings.exotel_stream_password.get_secret_value()
    exotel = (
        ExotelConfig(**base, stream_user=settings.exotel_stream_user, stream_password=exotel_password)
        if settings.exotel_stream_user and exotel_password
        else None
    )
    plivo_token = settings.plivo_auth_token.get_secret_value()
    plivo = (
        PlivoConfig(**base, auth_id=settings.plivo_auth_id, auth_token=plivo_token,
                    api_base_url=settings.plivo_api_base_url)
        if settings.plivo_auth_id and plivo_token
        else None
    )
    return exotel, plivo
