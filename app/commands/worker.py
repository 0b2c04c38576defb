"""`execora worker`: an RQ worker with its scheduler, plus the periodic reminder sweep.

Runs on REDIS_URL / DATABASE_URL. Standalone with either unset, it starts
(or adopts) the same embedded PostgreSQL / Redis as `execora up` under
DATA_DIR and applies migrations; as `execora up`'s child the environment
already carries the URLs. Jobs get their configuration through
`workers.context.configure` (forked work-horses inherit it). A daemon
thread enqueues one sweep job per REMINDER_SWEEP_INTERVAL_S across all
workers (a Redis lock decides which).
"""

from __future__ import annotations

import argparse
import logging
import threading
from typing import Any

from app.metrics_dir import prepare_metrics_dir
from app.s3 import s3_config
from app.settings import Settings, load_settings
from business.reminders import SendWindow
from telephony.whatsapp.sender import WhatsAppConfig
from workers.context import WorkerConfig, configure

log = logging.getLogger("execora.worker")

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def worker_config(settings: Settings, database_url: str, redis_url: str) -> WorkerConfig:
    """Everything jobs need, from Settings (secrets unwrapped here, once)."""
    return WorkerConfig(
        database_url=database_url,
        redis_url=redis_url,
        queue_name=settings.rq_queue,
        whatsapp=WhatsAppConfig(
            api_base_url=settings.whatsapp_api_base_url,
            api_version=settings.whatsapp_api_version,
            access_token=settings.whatsapp_access_token.get_secret_value(),
            phone_number_id=settings.whatsapp_phone_number_id,
            timeout_s=settings.whatsapp_timeout_s,
        ),
        s3=s3_config(settings),
        recordings_dir=settings.recordings_dir,
        documents_dir=settings.documents_dir,
        send_window=SendWindow.parse(settings.reminder_send_window, settings.reminder_resume_at),
        sending_stale_after_s=settings.reminder_sending_stale_s,
        sweep_interval_s=settings.reminder_sweep_interval_s,
        max_send_attempts=settings.reminder_max_attempts,
    )


def _preload() -> None:
    """Import what jobs use (and what httpx imports lazily on first request) and
    load the TLS CA bundle once, here, so forked work-horses inherit them instead
    of paying ~100 ms per job."""
    import importlib

    for name in (
        "workers.reminders",
        "workers.recordings",
        "workers.sweep",
        "workers.document_jobs",
        "workers.entry_notes",
        "httpcore",
        "anyio._backends._asyncio",
        "anyio.streams.tls",
        "anyio.to_thread",
    ):
        importlib.import_module(name)
    from telephony.whatsapp.sender import shared_ssl_context

    shared_ssl_context()


def _parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="execora worker", description=__doc__.splitlines()[0])
    p.add_argument("--burst", action="store_true", help="Run the jobs that are due, then exit")
    p.add_argument("--queue", default=None, help="RQ queue name (default: RQ_QUEUE)")
    p.add_argument("--no-sweep", action="store_true", help="Do not enqueue periodic sweeps")
    p.add_argument(
        "--simple", action="store_true", help="Run jobs in this process (no fork per job): faster, less isolated"
    )
    return p.parse_args(argv)


class _Sweeper(threading.Thread):
    """Enqueues the sweep job every interval (never touches the database itself)."""

    def __init__(self, redis_url: str, queue_name: str, interval_s: float) -> None:
        super().__init__(name="execora-sweeper", daemon=True)
        self._redis_url, self._queue_name, self._interval = redis_url, queue_name, interval_s
        self.stopping = threading.Event()

    def run(self) -> None:
        from workers.queue import RQJobQueue

        jobs = RQJobQueue(self._redis_url, queue_name=self._queue_name)
        try:
            while not self.stopping.is_set():
                try:
                    jobs.enqueue_sweep(self._interval)
                except Exception:
                    log.exception("could not enqueue the reminder sweep")
                self.stopping.wait(self._interval)
        finally:
            jobs.close()


def main(argv: list[str] | None = None) -> int:
    args = _parse(list(argv or []))
    settings = load_settings()
    prepare_metrics_dir(settings, clean=False)  # the app on this host sums our counters into its /metrics
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=settings.log_level.upper(), format=LOG_FORMAT)

    services: Any = None
    database_url, redis_url = settings.database_url, settings.redis_url
    if not database_url or not redis_url:
        from app.embedded import start_embedded
        from db.migrate import apply_migrations_sync

        services = start_embedded(settings.data_dir, database_url, redis_url)
        database_url, redis_url = services.database_url, services.redis_url
        apply_migrations_sync(database_url)
        log.info("worker on embedded services: %s", ", ".join(services.started) or "none")

    from redis import Redis
    from rq import Queue, SimpleWorker, Worker

    _preload()
    if args.queue:
        settings = settings.model_copy(update={"rq_queue": args.queue})
    cfg = worker_config(settings, database_url, redis_url)
    configure(cfg)
    connection = Redis.from_url(redis_url)
    queue = Queue(cfg.queue_name, connection=connection)
    worker_class = SimpleWorker if args.simple else Worker
    worker = worker_class([queue], connection=connection)
    sweeper = None if args.no_sweep else _Sweeper(redis_url, cfg.queue_name, cfg.sweep_interval_s)
    log.info(
        "worker %s on queue %r; whatsapp %s; recordings %s",
        worker.name,
        cfg.queue_name,
        "cloud api" if cfg.whatsapp.enabled else "local outbox",
        "s3" if cfg.s3.enabled else "local store",
    )
    try:
        if sweeper is not None:
            sweeper.start()
        worker.work(with_scheduler=True, burst=args.burst, logging_level=settings.log_level.upper())
    finally:
        if sweeper is not None:
            sweeper.stopping.set()
        connection.close()
        if services is not None:
            services.stop()
    return 0
