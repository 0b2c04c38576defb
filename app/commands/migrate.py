"""`execora migrate`: apply the SQL migrations not yet recorded, in order."""

from __future__ import annotations

import argparse
import asyncio
import logging

from app.commands.common import configure_logging, database_url_for
from app.settings import load_settings
from db.migrate import apply_migrations

log = logging.getLogger(__name__)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="execora migrate",
        description="Apply db/migrations/*.sql in order to DATABASE_URL (embedded PostgreSQL when unset).",
    )
    parser.parse_args(argv)
    settings = load_settings()
    configure_logging(settings.log_level)
    with database_url_for(settings) as dsn:
        applied = asyncio.run(apply_migrations(dsn))
    if applied:
        print("applied: " + ", ".join(applied))
    else:
        print("database is up to date")
    return 0
