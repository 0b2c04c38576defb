"""What the dashboard needs from Settings, as a plain dataclass.

`dashboard` sits below `app`, so it cannot import `app.settings`; it reads the
few attributes it needs off the settings object on `app.state` once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from db.recording_store import S3Config

SESSION_TTL_S = 8 * 3600


@dataclass(frozen=True)
class DashboardConfig:
    """Secrets unwrapped once; the session key is resolved separately (see `dashboard.session`)."""

    app_secret: str
    data_dir: Path
    s3: S3Config
    recording_link_ttl_s: int = 900
    session_ttl_s: int = SESSION_TTL_S
    # host[:port] of PUBLIC_BASE_URL: a sign-in form posted from there is same-site behind a proxy.
    public_host: str = ""


def _secret(value: Any) -> str:
    if value is None:
        return ""
    getter = getattr(value, "get_secret_value", None)
    return str(getter() if getter else value)


def config_from_settings(settings: Any) -> DashboardConfig:
    """Build from an `app.settings.Settings` (duck-typed: only attribute reads)."""
    return DashboardConfig(
        app_secret=_secret(getattr(settings, "app_secret", "")),
        data_dir=Path(settings.data_dir),
        s3=S3Config(
            endpoint_url=str(getattr(settings, "s3_endpoint_url", "") or ""),
            bucket=str(getattr(settings, "s3_bucket", "") or ""),
            access_key_id=str(getattr(settings, "aws_access_key_id", "") or ""),
            secret_access_key=_secret(getattr(settings, "aws_secret_access_key", "")),
            region=str(getattr(settings, "aws_region", "") or ""),
        ),
        public_host=urlsplit(str(getattr(settings, "public_base_url", "") or "")).netloc.lower(),
        recording_link_ttl_s=int(getattr(settings, "recording_link_ttl_s", 900) or 900),
    )
