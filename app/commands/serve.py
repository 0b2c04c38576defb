"""`execora serve`: the HTTP app on HOST:PORT against DATABASE_URL / REDIS_URL.

The production entry point (docker-compose runs it); it starts nothing
embedded. Migrations are a separate step (`execora migrate`).
"""

from __future__ import annotations

import argparse
import sys

import uvicorn

from app.commands.common import configure_logging
from app.settings import load_settings


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="execora serve", description="Serve HTTP (uses DATABASE_URL, REDIS_URL).")
    parser.add_argument("--host", default=None, help="default: HOST setting")
    parser.add_argument("--port", type=int, default=None, help="default: PORT setting")
    args = parser.parse_args(argv)
    overrides: dict[str, object] = {}
    if args.host:
        overrides["host"] = args.host
    if args.port:
        overrides["port"] = args.port
    settings = load_settings(**overrides)
    configure_logging(settings.log_level)
    if not settings.database_url or not settings.redis_url:
        print("execora serve: set DATABASE_URL and REDIS_URL (or run `execora up` for embedded ones)", file=sys.stderr)
        return 2
    from app.main import create_app  # heavy (routers, pipecat): only once we know we can serve

    uvicorn.run(
        create_app(settings), host=settings.host, port=settings.port, log_level=settings.log_level.lower(),
        log_config=None, proxy_headers=True, forwarded_allow_ips="*" if settings.public_base_url else None,
    )
    return 0
