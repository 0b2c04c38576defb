"""The configuration jobs run with, set once by the worker's entry point.

Jobs receive only ids (they are pickled into Redis); everything else they need
(database URL, vendor settings) comes from here. `execora worker` builds it
from Settings and calls `configure` before the RQ worker starts, so forked
work-horses inherit it. No I/O here: each job opens and closes its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from business.reminders import DEFAULT_WINDOW, SendWindow
from db.recording_store import S3Config
from telephony.whatsapp.sender import WhatsAppConfig

DEFAULT_QUEUE = "execora"


@dataclass(frozen=True)
class WorkerConfig:
    database_url: str
    redis_url: str
    queue_name: str = DEFAULT_QUEUE
    whatsapp: WhatsAppConfig = field(default_factory=WhatsAppConfig)
    s3: S3Config = field(default_factory=S3Config)
    recordings_dir: Path = Path(".execora/recordings")
    # Built documents (invoice PDFs, GST CSVs, P&L PDFs) when no S3 bucket is set.
    documents_dir: Path = Path(".execora/documents")
    send_window: SendWindow = DEFAULT_WINDOW
    # A reminder still `sending` this long after it started: its worker died mid-send.
    sending_stale_after_s: float = 120.0
    # How often the sweep looks for due reminders whose job vanished.
    sweep_interval_s: float = 60.0
    # Ignore reminders due less than this long ago in the sweep (their job is on its way).
    sweep_grace_s: float = 30.0
    # Send attempts per reminder when nothing could be sent (connection refused, 429, 5xx).
    max_send_attempts: int = 5
    # An upload job "started" this long ago was left by a killed worker (longer than RQ lets one run).
    upload_stale_after_s: float = 660.0


_config: WorkerConfig | None = None


def configure(config: WorkerConfig) -> None:
    """Set the process-wide job configuration (entry points and tests only)."""
    global _config
    _config = config


def current() -> WorkerConfig:
    if _config is None:
        raise RuntimeError("workers.context.configure() was not called: start jobs with `execora worker`")
    return _config
