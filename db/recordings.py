"""SQL for a call's recording: where it is, its size/sha256, and its upload state.

recording_status values written here: 'uploaded' (verified on S3, local file
removed), 'local' (no S3: the local file is the store, digest recorded),
'missing' (no file and no object). Functions never commit.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from db.recording_store import S3Config, presigned_url, s3_client, signed_local_path

UPLOADED = "uploaded"
LOCAL = "local"
MISSING = "missing"


@dataclass(frozen=True)
class Recording:
    call_id: int
    shop_id: int | None
    path: str | None
    status: str | None
    size_bytes: int | None
    sha256: str | None
    bucket: str | None
    object_key: str | None
    uploaded_at: datetime | None
    ended_at: datetime | None = None  # the call's end: upload lag is measured from it


_COLUMNS = """id, shop_id, recording_path, recording_status, recording_size_bytes, recording_sha256,
              recording_bucket, recording_object_key, recording_uploaded_at, ended_at"""


def _recording(row: asyncpg.Record) -> Recording:
    return Recording(
        call_id=row["id"],
        shop_id=row["shop_id"],
        path=row["recording_path"],
        status=row["recording_status"],
        size_bytes=row["recording_size_bytes"],
        sha256=row["recording_sha256"],
        bucket=row["recording_bucket"],
        object_key=row["recording_object_key"],
        uploaded_at=row["recording_uploaded_at"],
        ended_at=row["ended_at"],
    )


async def get_recording(conn: asyncpg.Connection, call_id: int, *, lock: bool = False) -> Recording | None:
    sql = f"SELECT {_COLUMNS} FROM calls WHERE id = $1" + (" FOR UPDATE" if lock else "")
    row = await conn.fetchrow(sql, call_id)
    return None if row is None else _recording(row)


async def note_attempt(conn: asyncpg.Connection, call_id: int, error: str | None) -> None:
    await conn.execute(
        """UPDATE calls SET recording_upload_attempts = recording_upload_attempts + 1, recording_error = $2
            WHERE id = $1""",
        call_id,
        error,
    )


async def mark_uploaded(
    conn: asyncpg.Connection, call_id: int, *, bucket: str, key: str, size: int, sha256: str, now: datetime
) -> None:
    await conn.execute(
        """UPDATE calls
              SET recording_status = 'uploaded', recording_bucket = $2, recording_object_key = $3,
                  recording_size_bytes = $4, recording_sha256 = $5, recording_uploaded_at = $6,
                  recording_error = NULL
            WHERE id = $1""",
        call_id,
        bucket,
        key,
        size,
        sha256,
        now,
    )


async def mark_local(conn: asyncpg.Connection, call_id: int, *, size: int, sha256: str) -> None:
    await conn.execute(
        """UPDATE calls SET recording_status = 'local', recording_size_bytes = $2, recording_sha256 = $3,
                  recording_error = NULL
            WHERE id = $1""",
        call_id,
        size,
        sha256,
    )


async def mark_missing(conn: asyncpg.Connection, call_id: int, error: str) -> None:
    await conn.execute(
        "UPDATE calls SET recording_status = 'missing', recording_error = $2 WHERE id = $1", call_id, error
    )


async def recording_link(
    conn: asyncpg.Connection, call_id: int, *, s3: S3Config, app_secret: str, expires_in_s: int = 900
) -> str | None:
    """A time-limited link for operators: S3 presigned once uploaded, else a signed
    local path (`/recordings/<id>?expires=&sig=`, relative to the public base URL).
    None when the call has no recording."""
    rec = await get_recording(conn, call_id)
    if rec is None:
        return None
    if rec.status == UPLOADED and rec.object_key:
        client = await asyncio.to_thread(s3_client, s3)
        return await asyncio.to_thread(
            presigned_url, client, rec.bucket or s3.bucket, rec.object_key, expires_in_s
        )
    if not rec.path or rec.status == MISSING:
        return None
    return signed_local_path(call_id, app_secret, expires_in_s)


async def pending_uploads(conn: asyncpg.Connection, ended_before: datetime, limit: int = 100) -> list[int]:
    """Finished calls whose recording is still only local (upload job lost, or S3
    configured after the fact): candidates for the sweep to enqueue again."""
    rows = await conn.fetch(
        """SELECT id FROM calls
            WHERE recording_status = 'local' AND recording_path IS NOT NULL
              AND ended_at IS NOT NULL AND ended_at < $1
              AND recording_upload_attempts < 20
            ORDER BY ended_at LIMIT $2""",
        ended_before,
        limit,
    )
    return [r["id"] for r in rows]
