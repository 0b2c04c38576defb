"""Recording uploads to a local S3-compatible server (moto in server mode), verified and idempotent."""

from __future__ import annotations

import asyncio
import socket
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.recording_store import S3Config, local_signature_ok, s3_client, signed_local_path
from db.recordings import recording_link
from workers.context import WorkerConfig
from workers.recordings import run_upload


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


async def _call_with_wav(pool, path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"RIFF" + bytes(range(256)) * 400)  # noqa: ASYNC240
    call_id: int = await pool.fetchval(
        """INSERT INTO calls (call_sid, recording_path, recording_status)
           VALUES ('CA' || md5(random()::text), $1, 'local') RETURNING id""",
        str(path),
    )
    return call_id


async def test_upload_verifies_marks_and_removes_then_is_idempotent(pool, database_url, redis_url, tmp_path, s3_endpoint):
    s3 = S3Config(endpoint_url=s3_endpoint, bucket="execora-rec", access_key_id="test", secret_access_key="test")
    cfg = WorkerConfig(database_url=database_url, redis_url=redis_url, s3=s3, recordings_dir=tmp_path / "recordings")
    wav = tmp_path / "recordings" / "call.wav"
    call_id = await _call_with_wav(pool, wav)
    size = wav.stat().st_size
    async with pool.acquire() as conn:
        assert await run_upload(conn, cfg, call_id) == "uploaded"
        row = await conn.fetchrow("SELECT * FROM calls WHERE id = $1", call_id)
        assert row["recording_status"] == "uploaded"
        assert row["recording_size_bytes"] == size
        assert len(row["recording_sha256"]) == 64
        assert not wav.exists()
        head = s3_client(s3).head_object(Bucket="execora-rec", Key=row["recording_object_key"])
        assert head["ContentLength"] == size and head["Metadata"]["sha256"] == row["recording_sha256"]
        # Re-run after success: nothing harmful, nothing re-uploaded.
        assert await run_upload(conn, cfg, call_id) == "already_uploaded"
        again = await conn.fetchrow("SELECT * FROM calls WHERE id = $1", call_id)
        assert again["recording_uploaded_at"] == row["recording_uploaded_at"]
        # A presigned link that really serves the object.
        link = await recording_link(conn, call_id, s3=s3, app_secret="x", expires_in_s=60)
    assert link is not None and "X-Amz-Signature" in link
    body = await asyncio.to_thread(lambda: urllib.request.urlopen(link).read())
    assert len(body) == size


async def test_crash_before_local_delete_is_finished_by_the_rerun(pool, database_url, redis_url, tmp_path, s3_endpoint):
    s3 = S3Config(endpoint_url=s3_endpoint, bucket="execora-rec2", access_key_id="test", secret_access_key="test")
    cfg = WorkerConfig(database_url=database_url, redis_url=redis_url, s3=s3, recordings_dir=tmp_path)
    wav = tmp_path / "c2.wav"
    call_id = await _call_with_wav(pool, wav)
    backup = wav.read_bytes()
    async with pool.acquire() as conn:
        assert await run_upload(conn, cfg, call_id) == "uploaded"
        wav.write_bytes(backup)  # as if the worker died between marking and deleting
        assert await run_upload(conn, cfg, call_id) == "already_uploaded"
    assert not wav.exists()


async def test_without_s3_the_local_store_is_the_store(pool, database_url, redis_url, tmp_path):
    cfg = WorkerConfig(database_url=database_url, redis_url=redis_url, recordings_dir=tmp_path)
    wav = tmp_path / "c3.wav"
    call_id = await _call_with_wav(pool, wav)
    async with pool.acquire() as conn:
        assert await run_upload(conn, cfg, call_id) == "local"
        assert await run_upload(conn, cfg, call_id) == "local"
        row = await conn.fetchrow("SELECT * FROM calls WHERE id = $1", call_id)
        link = await recording_link(conn, call_id, s3=S3Config(), app_secret="k", expires_in_s=60)
    assert wav.exists() and row["recording_status"] == "local" and row["recording_size_bytes"] == wav.stat().st_size
    assert link is not None and link.startswith(f"/recordings/{call_id}?expires=")


def test_signed_local_links_expire_and_resist_tampering():
    path = signed_local_path(7, "secret", 60, now=1000.0)
    query = dict(p.split("=") for p in path.split("?")[1].split("&"))
    expires, sig = int(query["expires"]), query["sig"]
    assert local_signature_ok(7, expires, sig, "secret", now=1000.0)
    assert not local_signature_ok(8, expires, sig, "secret", now=1000.0)
    assert not local_signature_ok(7, expires + 1, sig, "secret", now=1000.0)
    assert not local_signature_ok(7, expires, sig, "other", now=1000.0)
    assert not local_signature_ok(7, expires, sig, "secret", now=time.time() + 10**9)


async def test_sweep_enqueues_lost_uploads(pool, database_url, redis_url, queue_name, tmp_path, s3_endpoint):
    from rq.job import Job

    from workers.queue import RQJobQueue, recording_job_id
    from workers.sweep import run_sweep

    s3 = S3Config(endpoint_url=s3_endpoint, bucket="execora-rec3", access_key_id="test", secret_access_key="test")
    cfg = WorkerConfig(database_url=database_url, redis_url=redis_url, queue_name=queue_name, s3=s3)
    call_id = await _call_with_wav(pool, tmp_path / "lost.wav")
    await pool.execute("UPDATE calls SET ended_at = now() - interval '10 minutes' WHERE id = $1", call_id)
    jobs = RQJobQueue(redis_url, queue_name=queue_name)
    async with pool.acquire() as conn:
        result = await run_sweep(conn, cfg, jobs)
    assert result["uploads"] >= 1
    job = Job.fetch(recording_job_id(call_id), connection=jobs.connection)
    assert job.args == (call_id,)
    job.delete()
    jobs.close()
