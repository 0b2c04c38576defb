"""Several HTTP processes on one port: uvicorn's supervisor over `app.process_app`.

Every token, call row, idempotency key and reminder lives in Postgres or Redis
(ARCHITECTURE.md, convention 14), so any process may take any webhook or
stream; the kernel spreads new connections over the processes accepting on the
one socket. The parent binds the port, starts N children, restarts one that
dies, and on SIGINT/SIGTERM stops them all (each finishes its lifespan).
"""

from __future__ import annotations

import argparse
import os

import uvicorn

from app.commands.common import uvicorn_options
from app.settings import Settings

APP_FACTORY = "app.process_app:create_process_app"


def add_workers_argument(parser: argparse.ArgumentParser, default_help: str) -> None:
    parser.add_argument("--workers", type=int, default=None, metavar="N", help=f"HTTP processes ({default_help})")


def cores() -> int:
    """CPU cores this process may run on (a container's or taskset's limit, not the host's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def child_environment(settings: Settings) -> None:
    """What the parent decided beyond the environment (CLI flags, embedded URLs), for the children."""
    os.environ.update(
        HOST=settings.host,
        PORT=str(settings.port),
        DATABASE_URL=settings.database_url,
        REDIS_URL=settings.redis_url,
        DATA_DIR=str(settings.data_dir),
        LOG_LEVEL=settings.log_level,
    )


def serve_processes(settings: Settings, workers: int) -> None:
    """Serve HOST:PORT with `workers` processes until SIGINT/SIGTERM (blocks)."""
    child_environment(settings)
    uvicorn.run(
        APP_FACTORY, factory=True, workers=max(1, workers), host=settings.host, port=settings.port,
        log_level=settings.log_level.lower(), log_config=None, lifespan="on",
        **uvicorn_options(settings),  # type: ignore[arg-type]
    )
