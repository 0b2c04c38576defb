"""Plain inputs to the voice package: engine configuration and a shop's vocabulary.

`bot` must not import `app`, so `app` builds a `VoiceConfig` from its Settings
and the call path fills a `ShopVocabulary` from the Books API.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path


@dataclass(frozen=True)
class VoiceConfig:
    """Which speech engines to use and how to reach them.

    Empty keys mean "use the embedded engine". Base URLs are for tests and
    self-hosted proxies; empty means the vendor's default.
    """

    deepgram_api_key: str = ""
    deepgram_base_url: str = ""
    deepgram_language: str = "multi"  # "hi" or "multi" (romanised Hinglish)
    deepgram_model: str = "nova-3-general"
    elevenlabs_api_key: str = ""
    elevenlabs_base_url: str = ""
    elevenlabs_voice_id: str = ""
    elevenlabs_model: str = "eleven_flash_v2_5"
    embedded_voice_en: str = "en-us"
    embedded_voice_hi: str = "hi"
    embedded_rate_wpm: int = 165
    # Where per-shop language models and dictionaries are cached.
    cache_dir: Path = field(default_factory=lambda: Path(".execora") / "voice-cache")
    # Recognition below this confidence (mean word posterior) is weak: read back, never book.
    # Benchmark: at 0.6 about 1 in 3 accepted commands still has an error, so the router
    # must also read back amounts and names; confidence alone cannot prevent wrong bookings.
    min_confidence: float = 0.6
    # Threads for embedded recognition (each decoder ~7 MB, ~15 streams/core).
    stt_workers: int = 2

    @classmethod
    def from_settings(cls, settings: object) -> VoiceConfig:
        """Build from any object with Execora's settings attribute names (duck-typed: bot never imports app).

        Secret values may be pydantic `SecretStr`s; missing attributes keep the defaults.
        """

        def get(name: str, default: object) -> object:
            value = getattr(settings, name, default)
            reveal = getattr(value, "get_secret_value", None)
            return reveal() if callable(reveal) else value

        data_dir = get("data_dir", None)
        default_cache = Path(str(data_dir)) / "voice-cache" if data_dir else cls().cache_dir
        return cls(
            deepgram_api_key=str(get("deepgram_api_key", "")),
            deepgram_base_url=str(get("deepgram_base_url", "")),
            deepgram_language=str(get("deepgram_language", "multi")),
            elevenlabs_api_key=str(get("elevenlabs_api_key", "")),
            elevenlabs_base_url=str(get("elevenlabs_base_url", "")),
            elevenlabs_voice_id=str(get("elevenlabs_voice_id", "")),
            elevenlabs_model=str(get("elevenlabs_model", "eleven_flash_v2_5")),
            embedded_voice_en=str(get("embedded_voice_en", "en-us")),
            embedded_voice_hi=str(get("embedded_voice_hi", "hi")),
            embedded_rate_wpm=int(get("embedded_voice_rate", 165)),  # type: ignore[call-overload]
            cache_dir=Path(str(get("voice_cache_dir", "") or default_cache)),
            min_confidence=float(get("stt_min_confidence", 0.6)),  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class ShopVocabulary:
    """The words a shop's callers will say that no generic model knows.

    Filled by the call path from the shop's books; recognition is tuned to it.
    """

    customer_names: tuple[str, ...] = ()
    nicknames: tuple[str, ...] = ()
    landmarks: tuple[str, ...] = ()
    product_names: tuple[str, ...] = ()
    product_aliases: tuple[str, ...] = ()
    extra_phrases: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        customers: list[str] | tuple[str, ...] = (),
        products: list[str] | tuple[str, ...] = (),
        *,
        nicknames: list[str] | tuple[str, ...] = (),
        landmarks: list[str] | tuple[str, ...] = (),
        product_aliases: list[str] | tuple[str, ...] = (),
        extra_phrases: list[str] | tuple[str, ...] = (),
    ) -> ShopVocabulary:
        """Build from lists, dropping blanks and duplicates (order kept)."""

        def clean(xs: list[str] | tuple[str, ...]) -> tuple[str, ...]:
            return tuple(dict.fromkeys(x.strip() for x in xs if x and x.strip()))

        return cls(
            customer_names=clean(customers),
            nicknames=clean(nicknames),
            landmarks=clean(landmarks),
            product_names=clean(products),
            product_aliases=clean(product_aliases),
            extra_phrases=clean(extra_phrases),
        )

    def to_json(self) -> str:
        """The vocabulary as JSON: how it reaches the model-building child process."""
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ShopVocabulary:
        """The inverse of `to_json`; unknown keys are ignored."""
        raw = json.loads(text)
        names = {f.name for f in fields(cls)}
        return cls(**{k: tuple(str(x) for x in v) for k, v in raw.items() if k in names})

    @property
    def people(self) -> tuple[str, ...]:
        return self.customer_names + self.nicknames

    @property
    def products(self) -> tuple[str, ...]:
        return self.product_names + self.product_aliases

    def digest(self, salt: str = "") -> str:
        """A stable hash of the names: the cache key of the shop's language model."""
        payload = json.dumps(
            [
                sorted(self.customer_names),
                sorted(self.nicknames),
                sorted(self.landmarks),
                sorted(self.product_names),
                sorted(self.product_aliases),
                sorted(self.extra_phrases),
                salt,
            ],
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:20]
