"""The recording upload job: a finished call's WAV to S3, verified, then removed locally.

`upload_recording(call_id)` is what RQ runs (retried with backoff by the
queue's Retry). Idempotent: the object key is fixed per call, an object that
already matches (size + sha256 metadata) is not uploaded again, and the row
is marked `uploaded` before the local file is removed, so a crash anywhere
leaves a state the next run finishes. Without S3 settings the local file
store is the store: the job records size and sha256 and keeps the file.
boto3 and hashing run in threads.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from bot import metrics
from db.pool import create_pool
from db.recording_store import (
    FileDigest,
    digest_file,
    object_key,
    put_verified,
    remote_matches,
    s3_client,
)
from db.recordings import UPLOADED, get_recording, mark_local, mark_missing, mark_uploaded, note_attempt
from workers.context import WorkerConfig, current

log = logging.getLogger(__name__)


def resolve_path(recordings_dir: Path, stored: str | None) -> Path | None:
    """A stored recording path: absolute, or relative to the recordings dir (or the data dir)."""
    if not stored:
        return None
    path = Path(stored)
    if path.is_absolute():
        return path
    for base in (recordings_dir, recordings_dir.parent):
        if (base / path).exists():
            return base / path
    return recordings_dir / path


async def upload_recording(call_id: int) -> str:
    """RQ entry point."""
    cfg = current()
    pool = await create_pool(cfg.database_url, min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn:
            try:
                return await run_upload(conn, cfg, call_id)
            except Exception as exc:
                await note_attempt(conn, call_id, f"{type(exc).__name__}: {exc}"[:500])
                log.warning("call %s: recording upload failed (%s), will retry", call_id, type(exc).__name__)
                raise
    finally:
        await pool.close()


def _ensure_bucket_and_put(
    client: Any, bucket: str, region: str, key: str, path: Path, digest: FileDigest
) -> None:
    from botocore.exceptions import ClientError

    try:
        put_verified(client, bucket, key, path, digest)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "NoSuchBucket":
            raise
        if region and region != "us-east-1":
            client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
        else:
            client.create_bucket(Bucket=bucket)
        put_verified(client, bucket, key, path, digest)


async def run_upload(conn: asyncpg.Connection, cfg: WorkerConfig, call_id: int) -> str:
    """Upload one call's recording; returns what happened."""
    rec = await get_recording(conn, call_id)
    if rec is None:
        return "no_call"
    path = resolve_path(cfg.recordings_dir, rec.path)
    exists = path is not None and await asyncio.to_thread(path.is_file)

    if rec.status == UPLOADED:
        # Done before; a crash may have left the local copy: remove it once S3 still matches.
        if exists and path is not None and cfg.s3.enabled and rec.object_key and rec.sha256:
            client = await asyncio.to_thread(s3_client, cfg.s3)
            bucket = rec.bucket or cfg.s3.bucket
            if await asyncio.to_thread(
                remote_matches, client, bucket, rec.object_key, rec.size_bytes or 0, rec.sha256
            ):
                await asyncio.to_thread(path.unlink, True)
        return "already_uploaded"

    if not exists or path is None:
        async with conn.transaction():
            await mark_missing(conn, call_id, "recording file not found")
        log.warning("call %s: recording file missing", call_id)
        return "missing"

    digest = await asyncio.to_thread(digest_file, path)
    if not cfg.s3.enabled:
        async with conn.transaction():
            await mark_local(conn, call_id, size=digest.size, sha256=digest.sha256)
        log.info("call %s: recording kept in the local store (%d bytes)", call_id, digest.size)
        _stored_lag(rec.ended_at)
        return "local"

    client = await asyncio.to_thread(s3_client, cfg.s3)
    bucket = cfg.s3.bucket
    key = object_key(rec.shop_id, call_id)
    if not await asyncio.to_thread(remote_matches, client, bucket, key, digest.size, digest.sha256):
        await asyncio.to_thread(_ensure_bucket_and_put, client, bucket, cfg.s3.region, key, path, digest)
    async with conn.transaction():
        await mark_uploaded(
            conn, call_id, bucket=bucket, key=key, size=digest.size, sha256=digest.sha256, now=datetime.now(UTC)
        )
    await asyncio.to_thread(path.unlink, True)
    log.info("call %s shop %s: recording uploaded (%d bytes)", call_id, rec.shop_id, digest.size)
    _stored_lag(rec.ended_at)
    return "uploaded"


def _stored_lag(ended_at: datetime | None) -> None:
    """execora_recording_upload_lag_seconds: from the call's end to its recording stored."""
    if ended_at is not None:
        metrics.recording_stored((datetime.now(UTC) - ended_at).total_seconds())
