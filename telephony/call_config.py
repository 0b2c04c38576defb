"""What every carrier's call path shares, as a plain dataclass built by `app` from Settings.

Each carrier's config (`TwilioConfig`, `ExotelConfig`, `PlivoConfig`) extends
it with its own credentials, so the call core reads one shape whoever carried
the call.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.call.session import CallTuning


@dataclass(frozen=True, kw_only=True)
class CallConfig:
    """The conversation's side of a call, whatever the carrier.

    `public_base_url` is the https origin carriers reach us at (signatures are
    computed over it; stream URLs derive from it). `voice` is the bot.voice
    `VoiceConfig` and `understanding` the process's `Understanding` (kept opaque).
    """

    public_base_url: str
    app_secret: str
    recordings_dir: Path = Path(".execora/recordings")
    reply_language: str = "hinglish"
    stream_token_ttl_s: int = 60
    voice: Any = None
    understanding: Any = None
    # Callers whose phone has a PIN key it in (DTMF, then #) before any command.
    require_pin: bool = True
    tuning: CallTuning = field(default_factory=CallTuning)

    @property
    def stream_base_url(self) -> str:
        """The wss:// origin for stream URLs handed to a carrier."""
        base = self.public_base_url.rstrip("/")
        if base.startswith("https://"):
            return "wss://" + base[len("https://") :]
        if base.startswith("http://"):
            return "ws://" + base[len("http://") :]
        return base

    def public_url(self, path: str, query: str = "") -> str:
        """A URL as the carrier saw it (what signatures are computed over): our public origin, path, query."""
        url = self.public_base_url.rstrip("/") + path
        return f"{url}?{query}" if query else url

    def shared(self) -> dict[str, Any]:
        """The shared fields, to build another carrier's config on the same engines."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(CallConfig)}
