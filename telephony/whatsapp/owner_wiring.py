"""The owner channel of one app process, built from `app.state` on the first owner message.

Reads `settings`, `pool`, `books`, `redis` and (when a carrier config is there)
the process's understanding from `app.state.twilio.understanding`, so WhatsApp
turns use the same templates-then-LLM understanding as calls.
"""

from __future__ import annotations

from typing import Any

from bot.call.services import conversation_functions
from bot.voice.config import VoiceConfig
from telephony.whatsapp.owner_chat import OwnerChannel
from telephony.whatsapp.sender import WhatsAppConfig


def _secret(settings: Any, name: str) -> str:
    value = getattr(settings, name, "")
    reveal = getattr(value, "get_secret_value", None)
    return str(reveal() if callable(reveal) else value or "")


def whatsapp_config(settings: Any) -> WhatsAppConfig:
    return WhatsAppConfig(
        api_base_url=str(getattr(settings, "whatsapp_api_base_url", "https://graph.facebook.com")),
        api_version=str(getattr(settings, "whatsapp_api_version", "v21.0")),
        access_token=_secret(settings, "whatsapp_access_token"),
        phone_number_id=str(getattr(settings, "whatsapp_phone_number_id", "") or ""),
        timeout_s=float(getattr(settings, "whatsapp_timeout_s", 10.0)),
    )


def owner_channel(state: Any) -> OwnerChannel:
    """The process's OwnerChannel (made once, kept on `state`)."""
    channel = getattr(state, "whatsapp_owner_channel", None)
    if isinstance(channel, OwnerChannel):
        return channel
    settings = state.settings
    carrier = getattr(state, "twilio", None)
    parse, render = conversation_functions(getattr(carrier, "understanding", None))
    channel = OwnerChannel(
        books=state.books, pool=state.pool, redis=state.redis, parse=parse, render=render,
        whatsapp=whatsapp_config(settings), voice_cache_dir=VoiceConfig.from_settings(settings).cache_dir,
        default_language=str(getattr(settings, "reply_language", "hinglish") or "hinglish"),
        key_prefix=f"execora:{getattr(settings, 'rq_queue', 'execora')}",
    )
    state.whatsapp_owner_channel = channel
    return channel
