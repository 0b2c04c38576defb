"""The S3 settings as `db.recording_store.S3Config` (one place for the app's commands and routes)."""

from __future__ import annotations

from app.settings import Settings
from db.recording_store import S3Config


def s3_config(settings: Settings) -> S3Config:
    return S3Config(
        endpoint_url=settings.s3_endpoint_url,
        bucket=settings.s3_bucket,
        access_key_id=settings.aws_access_key_id,
        secret_access_key=settings.aws_secret_access_key.get_secret_value(),
        region=settings.aws_region,
    )
