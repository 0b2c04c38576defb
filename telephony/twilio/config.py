"""Plain configuration for the Twilio call path, built by `app` from Settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.call.session import CallTuning


@dataclass(frozen=True)
class TwilioConfig:
    """What the webhook and the stream endpoint need to know about Twilio and us.

    `public_base_url` is the https origin Twilio reaches us at: signatures are
    computed over it plus the path, and the stream URL is derived from it.
    `voice` is the bot.voice `VoiceConfig` (kept opaque here).
    """

    public_base_url: str
    auth_token: str
    account_sid: str
    app_secret: str
    api_base_url: str = "https://api.twilio.com"
    recordings_dir: Path = Path(".execora/recordings")
    reply_language: str = "hinglish"
    stream_token_ttl_s: int = 60
    voice: Any = None
    # bot.understanding.service.Understanding (templates, then the LLM fallback with OPENAI_API_KEY).
    understanding: Any = None
    # Callers whose phone has a PIN key it in (DTMF, then #) before any command.
    require_pin: bool = True
    tuning: CallTuning = field(default_factory=CallTuning)

    @property
    def stream_base_url(self) -> str:
        """The wss:// origin for `<Stream url=...>` (Twilio requires wss on 443)."""
        base = self.public_base_url.rstrip("/")
        if base.startswith("https://"):
            return "wss://" + base[len("https://") :]
        if base.startswith("http://"):
            return "ws://" + base[len("http://") :]
        return base
