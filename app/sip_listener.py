"""The direct SIP listener's config and lifecycle for the app lifespan (telephony never imports app).

Only when SIP_LISTEN is set; among several HTTP processes the one holding
DATA_DIR/sip-listener.lock binds it (telephony.sip.service).
"""

from __future__ import annotations

from typing import Any

from app.settings import Settings
from telephony.call_config import CallConfig
from telephony.sip.config import SipConfig, parse_listen, parse_networks, parse_port_range


def sip_config(settings: Settings, shared: CallConfig) -> SipConfig | None:
    """The SIP config on the shared call config; None when SIP_LISTEN is unset. Raises ValueError on a bad value."""
    listen = parse_listen(settings.sip_listen)
    if listen is None:
        return None
    first, count = parse_port_range(settings.sip_rtp_ports)
    return SipConfig(
        **shared.shared(), listen=listen, trusted_peers=parse_networks(settings.sip_trusted_peers),
        username=settings.sip_username, password=settings.sip_password.get_secret_value(),
        rtp_first_port=first, rtp_port_count=count, public_address=settings.sip_public_address,
    )


async def start_sip(state: Any, settings: Settings) -> Any:
    """Start the listener on `state` (the app's); returns it (or None when SIP is off), for `stop_sip`."""
    cfg = sip_config(settings, state.twilio)
    if cfg is None:
        return None
    from telephony.sip.service import SipListener  # PJSIP is loaded only where SIP is on

    listener = SipListener(state, cfg, settings.data_dir / "sip-listener.lock")
    await listener.start()
    return listener


async def stop_sip(listener: Any) -> None:
    if listener is not None:
        await listener.stop()
