"""Secrets the embedded setup makes for itself, so nothing is ever signed with an empty key.

Without APP_SECRET the data dir's own random secret keys stream tokens, signed
recording links and dashboard sessions. Without any Twilio account (no
TWILIO_ACCOUNT_SID and no TWILIO_AUTH_TOKEN) there is no real Twilio to sign
webhooks, only `execora call`: the server and the simulated caller then share
a random token kept in the data dir. With a real account, TWILIO_AUTH_TOKEN
must be set and is never invented.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import SecretStr

from app.settings import Settings
from dashboard.session import load_or_create_secret

LOCAL_TWILIO_TOKEN_FILE = "local_twilio_token"


def _load_or_create(path: Path) -> str:
    """Read the file's token, or create it once (O_EXCL: two processes end up with one)."""
    try:
        text = path.read_text(encoding="ascii").strip()
        if len(text) >= 32:
            return text
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(24)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value + "\n")
    return value


def with_local_secrets(settings: Settings) -> Settings:
    """Settings with APP_SECRET and (for a Twilio-less setup) a local webhook token filled in."""
    update: dict[str, SecretStr] = {}
    if not settings.app_secret.get_secret_value():
        update["app_secret"] = SecretStr(load_or_create_secret(settings.data_dir))
    if not settings.twilio_auth_token.get_secret_value() and not settings.twilio_account_sid:
        update["twilio_auth_token"] = SecretStr(_load_or_create(settings.data_dir / LOCAL_TWILIO_TOKEN_FILE))
    return settings.model_copy(update=update) if update else settings
