"""prometheus-client's multiprocess directory: set up by the entry point, before any import of it.

prometheus-client decides at import time whether values live in this process
or in per-process files under PROMETHEUS_MULTIPROC_DIR. `execora serve` and
`execora up` call `prepare_metrics_dir` first thing, so every uvicorn worker
and the RQ worker they start (which inherit the environment) write there and
GET /metrics sums them; the directory is emptied at start so counters from a
previous run are not summed in. Without it (tests, an app built in-process)
metrics stay in the process's own registry, which serves one process well.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from app.settings import Settings

log = logging.getLogger(__name__)

ENV = "PROMETHEUS_MULTIPROC_DIR"


def metrics_dir(settings: Settings) -> Path:
    return Path(settings.metrics_dir) if settings.metrics_dir else settings.data_dir / "metrics"


def prepare_metrics_dir(settings: Settings, *, clean: bool = True) -> Path | None:
    """Point prometheus-client at METRICS_DIR (emptied when `clean`); None if it was imported too early."""
    path = metrics_dir(settings)
    if "prometheus_client" in sys.modules and os.environ.get(ENV) != str(path):
        log.warning("prometheus_client imported before its multiprocess directory was set: per-process metrics")
        return None
    path.mkdir(parents=True, exist_ok=True)
    if clean:
        for stale in path.glob("*.db"):
            stale.unlink(missing_ok=True)
    os.environ[ENV] = str(path)  # inherited by uvicorn's worker processes and the RQ worker
    return path


def multiprocess_active() -> bool:
    """Are this process's metrics in the multiprocess files (rather than its own registry)?"""
    if not os.environ.get(ENV):
        return False
    from prometheus_client import values

    return values.ValueClass is not values.MutexValue
