"""The periodic sweep: repair what Redis lost or a dead worker left behind.

- `scheduled` reminders already due whose job vanished (Redis flushed or
  restarted, retries exhausted): re-enqueued now. Safe even if the job did
  exist: the row decides, so a second job finds nothing to do.
- reminders stuck in `sending` longer than `sending_stale_after_s` (the
  worker died between committing `sending` and recording the answer): marked
  `unknown`, never resent; the status webhook reconciles them.
- owner notices still pending after a couple of minutes (their job lost): enqueued again.
- calls still in progress long past the longest call (their app process died): closed, and
  the recording heard up to then kept (workers.lost_calls).
- with S3 configured: finished calls whose recording is still only local
  (upload job lost) get their upload enqueued again.

`execora worker` enqueues one sweep per interval across all workers.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import asyncpg

from db.calls import close_unstreamed
from db.pool import create_pool
from db.recordings import pending_uploads
from db.reminder_sends import due_scheduled, expire_stale_sending
from db.repos.deliveries import expire_stale_sending_notes, open_before
from db.repos.owner_notices import pending_before
from workers.context import WorkerConfig, current
from workers.lost_calls import close_lost_calls
from workers.queue import RQJobQueue

log = logging.getLogger(__name__)

# A call's own upload job normally runs right after it ends; the sweep waits this long.
UPLOAD_GRACE_MIN = 5
# A stream arrives seconds after the voice webhook (a DTMF login takes a minute or two):
# a call still 'ringing' after this never streamed and is closed.
UNSTREAMED_AFTER_MIN = 10
# An owner notice is delivered within seconds; one still pending after this lost its job.
NOTICE_GRACE_MIN = 2


async def sweep() -> dict[str, int]:
    """RQ entry point."""
    cfg = current()
    pool = await create_pool(cfg.database_url, min_size=1, max_size=1)
    jobs = RQJobQueue(cfg.redis_url, queue_name=cfg.queue_name)
    try:
        async with pool.acquire() as conn:
            return await run_sweep(conn, cfg, jobs)
    finally:
        jobs.close()
        await pool.close()


async def run_sweep(
    conn: asyncpg.Connection, cfg: WorkerConfig, jobs: RQJobQueue, now: datetime | None = None
) -> dict[str, int]:
    now = now or datetime.now(UTC)
    async with conn.transaction():
        stale = await expire_stale_sending(conn, now - timedelta(seconds=cfg.sending_stale_after_s))
    for reminder_id in stale:
        log.warning("reminder %s: worker died while sending; marked unknown (not resent)", reminder_id)
    requeued = 0
    for reminder_id, due_at in await due_scheduled(conn, now - timedelta(seconds=cfg.sweep_grace_s)):
        if jobs.reminder_job_alive(reminder_id):
            continue
        jobs.schedule_reminder(reminder_id, due_at, fresh_id=True)
        requeued += 1
        log.info("reminder %s: job had vanished, re-enqueued", reminder_id)
    uploads = 0
    if cfg.s3.enabled:
        for call_id in await pending_uploads(conn, now - timedelta(minutes=UPLOAD_GRACE_MIN)):
            jobs.enqueue_recording_upload(call_id, stale_after_s=cfg.upload_stale_after_s)
            uploads += 1
    notices = await pending_before(conn, now - timedelta(minutes=NOTICE_GRACE_MIN))
    for notice_id in notices:
        jobs.enqueue_owner_notice(notice_id)  # its job was lost (Redis flushed); the row decides
    async with conn.transaction():
        stale_notes = await expire_stale_sending_notes(conn, now - timedelta(seconds=cfg.sending_stale_after_s))
    documents, notes = await open_before(conn, now - timedelta(minutes=NOTICE_GRACE_MIN))
    for document_id in documents:
        jobs.enqueue_document(document_id)  # the row decides; a job still retrying meets it under the row lock
    for note_id in notes:
        jobs.enqueue_entry_note(note_id)
    async with conn.transaction():
        unstreamed = await close_unstreamed(conn, started_before=now - timedelta(minutes=UNSTREAMED_AFTER_MIN))
    for call_sid in unstreamed:
        log.info("call %s never streamed; closed", call_sid)
    lost = await close_lost_calls(conn, cfg, jobs, now)
    return {
        "unknown": len(stale), "requeued": requeued, "uploads": uploads, "unstreamed": len(unstreamed),
        "owner_notices": len(notices), "lost_calls": len(lost),
        "documents": len(documents), "entry_notes": len(notes), "entry_notes_unknown": len(stale_notes),
    }
