"""The worker SIGKILLed in the middle of a recording upload (S3 went silent under it): the sweep
sees the job its dead worker left "started", enqueues the upload again, and a new worker uploads
the recording once (one object, the same bytes, the local file removed, the row 'uploaded')."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest

from db.recording_store import S3Config
from tests.support.polling import wait_until
from tests.support.stall_proxy import StallProxy
from workers.context import WorkerConfig
from workers.queue import RQJobQueue
from workers.sweep import run_sweep

pytestmark = pytest.mark.slow
BUCKET = "execora-killed-upload"


async def test_a_worker_killed_mid_upload_leaves_one_upload(
    pool, database_url, redis_url, queue_name, start_worker, tmp_path: Path
):
    from moto.server import ThreadedMotoServer

    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    moto.start()
    host, port = moto.get_host_and_port()
    proxy = StallProxy(host, port)
    try:
        wav = tmp_path / "rec" / "killed.wav"
        wav.parent.mkdir(parents=True)
        audio = b"RIFF" + bytes(range(256)) * 300
        wav.write_bytes(audio)
        call_id = await pool.fetchval(
            """INSERT INTO calls (call_sid, recording_path, recording_status, ended_at)
               VALUES ('CA' || md5(random()::text), $1, 'local', now() - interval '10 minutes') RETURNING id""",
            str(wav),
        )
        s3_env = dict(S3_ENDPOINT_URL=proxy.url, S3_BUCKET=BUCKET, AWS_ACCESS_KEY_ID="test",
                      AWS_SECRET_ACCESS_KEY="test")
        proxy.stalled.set()  # S3 accepts the connection and then says nothing
        first = start_worker(None, **s3_env)
        jobs = RQJobQueue(redis_url, queue_name=queue_name)
        jobs.enqueue_recording_upload(call_id)
        assert await wait_until(lambda: bool(proxy.seen()), 30), first.output()[-2000:]
        first.kill()  # mid-upload: the job stays "started" in Redis, the row 'local'
        proxy.stalled.clear()
        assert await pool.fetchval("SELECT recording_status FROM calls WHERE id = $1", call_id) == "local"

        s3 = S3Config(endpoint_url=proxy.url, bucket=BUCKET, access_key_id="test", secret_access_key="test")
        cfg = WorkerConfig(database_url=database_url, redis_url=redis_url, queue_name=queue_name, s3=s3,
                           upload_stale_after_s=0)  # as the sweep sees it once RQ's time limit has passed
        async with pool.acquire() as conn:
            assert (await run_sweep(conn, cfg, jobs, now=datetime.now(UTC)))["uploads"] >= 1
        second = start_worker(None, **s3_env)

        async def uploaded() -> bool:
            return await pool.fetchval("SELECT recording_status FROM calls WHERE id = $1", call_id) == "uploaded"

        assert await wait_until(uploaded, 40), second.output()[-3000:]
        client = boto3.client("s3", endpoint_url=f"http://{host}:{port}", aws_access_key_id="test",
                              aws_secret_access_key="test", region_name="us-east-1")
        objects = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
        assert len(objects) == 1
        assert client.get_object(Bucket=BUCKET, Key=objects[0]["Key"])["Body"].read() == audio
        assert not wav.exists()
        jobs.close()
    finally:
        proxy.close()
        moto.stop()
