"""`execora serve`: the HTTP app on HOST:PORT against DATABASE_URL / REDIS_URL.

The production entry point (docker-compose runs it); it starts nothing
embedded. Migrations are a separate step (`execora migrate`).
"""

from __future__ import annotations

import argparse
import sys

import uvicorn

from app.commands.common import (
    add_host_port_arguments,
    configure_logging,
    settings_from_args,
    uvicorn_options,
)
from app.commands.http_processes import add_workers_argument, serve_processes
from app.metrics_dir import prepare_metrics_dir


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="execora serve", description="Serve HTTP (uses DATABASE_URL, REDIS_URL).")
    add_host_port_arguments(parser)
    add_workers_argument(parser, "default: HTTP_WORKERS (1)")
    args = parser.parse_args(argv)
    settings = settings_from_args(args)
    configure_logging(settings.log_level)
    prepare_metrics_dir(settings)  # before anything imports prometheus_client
    if not settings.database_url or not settings.redis_url:
        print("execora serve: set DATABASE_URL and REDIS_URL (or run `execora up` for embedded ones)", file=sys.stderr)
        return 2
    workers = args.workers or settings.http_workers
    if workers > 1:
        serve_processes(settings, workers)
        return 0
    from app.main import create_app  # heavy (routers, pipecat): only once we know we can serve

    uvicorn.run(
        create_app(settings), host=settings.host, port=settings.port, log_level=settings.log_level.lower(),
        log_config=None, **uvicorn_options(settings),  # type: ignore[arg-type]
    )
    return 0
