"""`RQJobQueue`: the business JobQueue port on python-rq.

Redis is only the timer. A reminder's job is `reminder-<id>` when Books
schedules it (RQ allows only letters, digits, `_` and `-` in ids); a job
re-enqueued by the job itself (quiet hours) or by the sweep gets a fresh id
`reminder-<id>-<epoch ms>` (re-using the id of the job
that is running would let RQ's end-of-job bookkeeping overwrite the new one).
A small Redis key remembers each reminder's current job id so `cancel`
finds it. Delivery is at-least-once; the reminder row decides whether a
message goes out.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from redis import Redis
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from business.shoptime import IST
from workers.context import DEFAULT_QUEUE

log = logging.getLogger(__name__)

SEND_REMINDER = "workers.reminders.send_reminder"
UPLOAD_RECORDING = "workers.recordings.upload_recording"
SWEEP = "workers.sweep.sweep"
SEND_OWNER_NOTICE = "workers.owner_notices.send_owner_notice"
DELIVER_DOCUMENT = "workers.document_jobs.deliver_document"
SEND_ENTRY_NOTE = "workers.entry_notes.send_entry_note"

# Sends where nothing went out are retried by RQ (the row also counts attempts).
REMINDER_RETRY_INTERVALS = [10, 30, 120, 600]
UPLOAD_RETRY_INTERVALS = [10, 30, 120, 600, 1800]
JOB_TIMEOUT_S = 120
UPLOAD_TIMEOUT_S = 600  # an upload running longer than this is killed by RQ
RESULT_TTL_S = 24 * 3600
FAILURE_TTL_S = 7 * 24 * 3600
_ALIVE = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.STARTED, JobStatus.DEFERRED}


def _abandoned(job: Job, stale_after_s: float | None) -> bool:
    """Started longer ago than any run may last (its worker died without telling Redis)."""
    if stale_after_s is None or job.get_status(refresh=False) != JobStatus.STARTED or job.started_at is None:
        return False
    started = job.started_at if job.started_at.tzinfo else job.started_at.replace(tzinfo=UTC)
    return (datetime.now(UTC) - started).total_seconds() > stale_after_s


def reminder_job_id(reminder_id: int) -> str:
    return f"reminder-{reminder_id}"


def recording_job_id(call_id: int) -> str:
    return f"recording-{call_id}"


class RQJobQueue:
    """JobQueue port: schedule/cancel reminders, enqueue recording uploads."""

    def __init__(
        self, redis_url: str = "", *, queue_name: str = DEFAULT_QUEUE, connection: Redis | None = None
    ) -> None:
        if connection is None and not redis_url:
            raise ValueError("RQJobQueue needs a redis_url or a connection")
        self._own = connection is None
        self.connection = connection if connection is not None else Redis.from_url(redis_url)
        self.queue = Queue(queue_name, connection=self.connection)

    def close(self) -> None:
        if self._own:
            self.connection.close()

    # --- reminders -----------------------------------------------------------
    def _pointer_key(self, reminder_id: int) -> str:
        return f"execora:{self.queue.name}:reminder-job:{reminder_id}"

    def _job(self, job_id: str) -> Job | None:
        try:
            return Job.fetch(job_id, connection=self.connection)
        except NoSuchJobError:
            return None

    def schedule_reminder(self, reminder_id: int, due_at: datetime, *, fresh_id: bool = False) -> str:
        """Enqueue the reminder's job at `due_at` (aware; handed to RQ in Asia/Kolkata)."""
        if due_at.tzinfo is None:
            raise ValueError("due_at must be timezone-aware")
        job_id = reminder_job_id(reminder_id)
        existing = None if fresh_id else self._job(job_id)
        if fresh_id or (existing is not None and existing.get_status(refresh=False) == JobStatus.STARTED):
            job_id = f"{job_id}-{int(time.time() * 1000)}"
        options = {
            "job_id": job_id,
            "retry": Retry(max=len(REMINDER_RETRY_INTERVALS), interval=REMINDER_RETRY_INTERVALS),
            "job_timeout": JOB_TIMEOUT_S,
            "result_ttl": RESULT_TTL_S,
            "failure_ttl": FAILURE_TTL_S,
        }
        if due_at <= datetime.now(UTC):
            self.queue.enqueue(SEND_REMINDER, reminder_id, **options)  # type: ignore[arg-type]
        else:
            self.queue.enqueue_at(due_at.astimezone(IST), SEND_REMINDER, reminder_id, **options)
        ttl = max(int((due_at - datetime.now(UTC)).total_seconds()), 0) + 7 * 24 * 3600
        self.connection.set(self._pointer_key(reminder_id), job_id, ex=ttl)
        log.info("reminder %s scheduled at %s (job %s)", reminder_id, due_at.astimezone(IST).isoformat(), job_id)
        return job_id

    def _reminder_job_ids(self, reminder_id: int) -> list[str]:
        ids = [reminder_job_id(reminder_id)]
        pointed = self.connection.get(self._pointer_key(reminder_id))
        if pointed:
            text = pointed.decode() if isinstance(pointed, bytes) else str(pointed)
            if text not in ids:
                ids.append(text)
        return ids

    def cancel_reminder(self, reminder_id: int) -> None:
        """Remove the reminder's pending job(s); a running one is left to see the row."""
        for job_id in self._reminder_job_ids(reminder_id):
            job = self._job(job_id)
            if job is None:
                continue
            if job.get_status(refresh=False) == JobStatus.STARTED:
                continue
            job.delete()
        self.connection.delete(self._pointer_key(reminder_id))
        log.info("reminder %s: job cancelled", reminder_id)

    def reminder_job_alive(self, reminder_id: int) -> bool:
        """True when some job for the reminder is queued, scheduled, retrying or running."""
        for job_id in self._reminder_job_ids(reminder_id):
            job = self._job(job_id)
            if job is not None and job.get_status(refresh=False) in _ALIVE:
                return True
        return False

    # --- recordings ----------------------------------------------------------
    def enqueue_recording_upload(self, call_id: int, *, stale_after_s: float | None = None) -> None:
        """Upload a finished call's recording (retried with backoff; idempotent).

        A job still "started" for longer than `stale_after_s` belongs to a worker that was
        killed mid-upload (RQ keeps it "started" until it expires it): a fresh job replaces it;
        the call row decides, so a second upload of the same recording does nothing."""
        job_id = recording_job_id(call_id)
        existing = self._job(job_id)
        if existing is not None and existing.get_status(refresh=False) in _ALIVE:
            if not _abandoned(existing, stale_after_s):
                return
            job_id = f"{job_id}-{int(time.time() * 1000)}"
            log.warning("call %s: upload job %s abandoned by a dead worker; enqueued again", call_id, existing.id)
        self.queue.enqueue(
            UPLOAD_RECORDING,
            call_id,
            job_id=job_id,
            retry=Retry(max=len(UPLOAD_RETRY_INTERVALS), interval=UPLOAD_RETRY_INTERVALS),
            job_timeout=UPLOAD_TIMEOUT_S,
            result_ttl=RESULT_TTL_S,
            failure_ttl=FAILURE_TTL_S,
        )
        log.info("call %s: recording upload enqueued", call_id)

    # --- owner notices -------------------------------------------------------
    def enqueue_owner_notice(self, notice_id: int) -> None:
        """Deliver an owner notice now (the row decides; a second job finds it sent)."""
        self.queue.enqueue(
            SEND_OWNER_NOTICE,
            notice_id,
            job_id=f"owner-notice-{notice_id}-{int(time.time() * 1000)}",
            retry=Retry(max=len(REMINDER_RETRY_INTERVALS), interval=REMINDER_RETRY_INTERVALS),
            job_timeout=JOB_TIMEOUT_S,
            result_ttl=RESULT_TTL_S,
            failure_ttl=FAILURE_TTL_S,
        )
        log.info("owner notice %s enqueued", notice_id)

    # --- documents and entry notes (the row decides; a second job finds it done) ----
    def enqueue_document(self, document_id: int) -> None:
        """Build and deliver a requested document now."""
        self.queue.enqueue(
            DELIVER_DOCUMENT,
            document_id,
            job_id=f"document-{document_id}-{int(time.time() * 1000)}",
            retry=Retry(max=len(REMINDER_RETRY_INTERVALS), interval=REMINDER_RETRY_INTERVALS),
            job_timeout=300,
            result_ttl=RESULT_TTL_S,
            failure_ttl=FAILURE_TTL_S,
        )
        log.info("document %s enqueued", document_id)

    def enqueue_entry_note(self, note_id: int) -> None:
        """Deliver a khata entry's note to the customer now."""
        self.queue.enqueue(
            SEND_ENTRY_NOTE,
            note_id,
            job_id=f"entry-note-{note_id}-{int(time.time() * 1000)}",
            retry=Retry(max=len(REMINDER_RETRY_INTERVALS), interval=REMINDER_RETRY_INTERVALS),
            job_timeout=JOB_TIMEOUT_S,
            result_ttl=RESULT_TTL_S,
            failure_ttl=FAILURE_TTL_S,
        )
        log.info("entry note %s enqueued", note_id)

    # --- sweep ---------------------------------------------------------------
    def enqueue_sweep(self, interval_s: float) -> bool:
        """Enqueue one sweep per interval across all workers (a Redis lock decides)."""
        lock = f"execora:{self.queue.name}:sweep-lock"
        if not self.connection.set(lock, "1", nx=True, ex=max(int(interval_s) - 1, 1)):
            return False
        self.queue.enqueue(SWEEP, job_id=f"sweep-{int(time.time() * 1000)}", result_ttl=600, job_timeout=300)
        return True
