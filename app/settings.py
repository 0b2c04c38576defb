"""Every setting Execora reads, in one pydantic-settings class.

Built once in an entry point (CLI command, app factory, worker) and passed
down; nothing else reads the environment. Each field is documented in
`.env.example`. Unset vendor settings mean "use the embedded default".
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET_BYTES = 32

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Process configuration from the environment (and an optional `.env`)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # --- serving -------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 3000
    log_level: str = "INFO"
    # Public https base URL Twilio reaches us at (signatures are computed over it).
    public_base_url: str = ""
    # Reverse proxies whose X-Forwarded-For / -Proto we believe (comma-separated IPs); none by default,
    # so a client cannot forge its address past the sign-in throttle.
    trusted_proxies: str = ""
    # Live calls one process carries; the next caller hears "all lines busy" (benchmarks/bench_calls.py sizes it).
    max_concurrent_calls: int = 20
    # HTTP processes on one port (`execora serve --workers`); `execora up` defaults to one per core.
    http_workers: int = 1
    # Bearer token for GET /metrics. Empty: /metrics answers only when HOST is loopback and no proxy is trusted.
    metrics_token: SecretStr = SecretStr("")
    # prometheus-client's multiprocess files (empty: DATA_DIR/metrics); one per host, emptied at start.
    metrics_dir: str = ""
    # Local state (embedded Postgres/Redis data, recordings, outbox): survives restarts.
    data_dir: Path = Field(default=PROJECT_ROOT / ".execora")

    # --- storage -------------------------------------------------------------
    database_url: str = ""
    redis_url: str = ""
    db_pool_min: int = 1
    db_pool_max: int = 10

    # --- secrets of our own --------------------------------------------------
    # Key for HMAC stream tokens and signed local recording links.
    app_secret: SecretStr = SecretStr("")

    @field_validator("app_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        """A short key makes every token and link guessable offline: refuse it at start."""
        raw = value.get_secret_value()
        if raw and len(raw.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"APP_SECRET must be at least {MIN_SECRET_BYTES} bytes (e.g. `openssl rand -hex 32`)")
        return value

    # --- Twilio --------------------------------------------------------------
    twilio_account_sid: str = ""
    twilio_auth_token: SecretStr = SecretStr("")
    twilio_api_base_url: str = "https://api.twilio.com"

    # --- Exotel (Voicebot applet stream; unset: /exotel/stream is off) -------
    exotel_stream_user: str = ""
    exotel_stream_password: SecretStr = SecretStr("")

    # --- Plivo (answer webhook + Audio Stream; unset: /plivo/* is off) -------
    plivo_auth_id: str = ""
    plivo_auth_token: SecretStr = SecretStr("")
    plivo_api_base_url: str = "https://api.plivo.com"

    # --- Direct SIP (a PBX / SIP trunk; unset SIP_LISTEN: off) --------------
    sip_listen: str = ""  # udp:0.0.0.0:5060
    sip_trusted_peers: str = ""  # CIDRs of the trunk/PBX, comma-separated
    sip_username: str = ""  # digest auth for peers not in SIP_TRUSTED_PEERS
    sip_password: SecretStr = SecretStr("")
    sip_rtp_ports: str = "40000-40999"
    sip_public_address: str = ""  # the address in SDP/Contact behind NAT

    # --- speech --------------------------------------------------------------
    deepgram_api_key: SecretStr = SecretStr("")
    deepgram_base_url: str = ""
    deepgram_language: str = "multi"
    elevenlabs_api_key: SecretStr = SecretStr("")
    elevenlabs_base_url: str = ""
    elevenlabs_voice_id: str = ""
    elevenlabs_model: str = "eleven_flash_v2_5"
    # Embedded engines (no keys): espeak-ng voices for Roman-script and Devanagari replies, speed (wpm).
    embedded_voice_en: str = "en-us"
    embedded_voice_hi: str = "hi"
    embedded_voice_rate: int = 165
    # Where per-shop recognition models are cached (empty: DATA_DIR/voice-cache).
    voice_cache_dir: str = ""
    # Embedded recognition below this confidence (0..1) is treated as weak: read back, do not book.
    stt_min_confidence: float = 0.6
    # Reply language by default: hinglish, hi or en.
    reply_language: str = "hinglish"

    # --- LLM fallback --------------------------------------------------------
    openai_api_key: SecretStr = SecretStr("")
    openai_base_url: str = ""
    openai_model: str = "gpt-4o-mini"
    openai_timeout_s: float = 2.0

    # --- WhatsApp Cloud API --------------------------------------------------
    whatsapp_api_base_url: str = "https://graph.facebook.com"
    whatsapp_api_version: str = "v21.0"
    whatsapp_access_token: SecretStr = SecretStr("")
    whatsapp_phone_number_id: str = ""
    whatsapp_verify_token: SecretStr = SecretStr("")
    whatsapp_app_secret: SecretStr = SecretStr("")
    # Seconds to wait for the Cloud API's answer; after that a reminder is `unknown`, never resent.
    whatsapp_timeout_s: float = 10.0

    # --- background work (RQ) -------------------------------------------------
    # RQ queue name shared by the app (enqueue) and `execora worker` (consume).
    rq_queue: str = "execora"
    # When reminders may go out, Asia/Kolkata; outside it they move to REMINDER_RESUME_AT.
    reminder_send_window: str = "09:00-21:00"
    reminder_resume_at: str = "10:00"
    # A reminder still `sending` after this many seconds: its worker died; marked unknown.
    reminder_sending_stale_s: float = 120.0
    # How often the worker sweeps for due reminders whose RQ job vanished.
    reminder_sweep_interval_s: float = 60.0
    # Send attempts per reminder when nothing could have been sent (refused, 429, 5xx).
    reminder_max_attempts: int = 5

    # --- recordings on S3 ----------------------------------------------------
    s3_endpoint_url: str = ""
    s3_bucket: str = ""
    aws_access_key_id: str = ""
    aws_secret_access_key: SecretStr = SecretStr("")
    aws_region: str = "ap-south-1"
    # Lifetime of operators' recording links (S3 presigned or signed local URLs).
    recording_link_ttl_s: int = 900
    # Lifetime of signed document links (invoice PDFs, reports the worker built).
    document_link_ttl_s: int = 900

    @property
    def uses_embedded_postgres(self) -> bool:
        return not self.database_url

    @property
    def uses_embedded_redis(self) -> bool:
        return not self.redis_url

    @property
    def recordings_dir(self) -> Path:
        return self.data_dir / "recordings"

    @property
    def documents_dir(self) -> Path:
        """Built documents (invoice PDFs, reports) when no S3 bucket is set."""
        return self.data_dir / "documents"


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment; keyword overrides win (tests, CLI flags)."""
    return Settings(**overrides)  # type: ignore[arg-type]
