"""Apply `db/migrations/*.sql` in lexical order, each in its own transaction.

Applied names are recorded in `schema_migrations`. A session-level advisory
lock makes concurrent runs (two app processes starting at once) safe: the
second waits, then finds nothing left to do.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import asyncpg

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_LOCK_KEY = 0x0E7EC08A  # arbitrary, fixed: "execora migrations"


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[Path]:
    """The migration files in the order they are applied."""
    return sorted(p for p in directory.glob("*.sql") if p.is_file())


async def apply_migrations(dsn: str, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply every migration not yet recorded; return the names newly applied."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
        try:
            await conn.execute(
                """CREATE TABLE IF NOT EXISTS schema_migrations (
                       name text PRIMARY KEY,
                       applied_at timestamptz NOT NULL DEFAULT now())"""
            )
            done = {r["name"] for r in await conn.fetch("SELECT name FROM schema_migrations")}
            applied: list[str] = []
            for path in migration_files(directory):
                if path.name in done:
                    continue
                sql = path.read_text(encoding="utf-8")
                async with conn.transaction():
                    await conn.execute(sql)
                    await conn.execute("INSERT INTO schema_migrations (name) VALUES ($1)", path.name)
                log.info("applied migration %s", path.name)
                applied.append(path.name)
            return applied
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)
    finally:
        await conn.close()


def apply_migrations_sync(dsn: str, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Blocking wrapper for CLI commands that have no event loop of their own."""
    return asyncio.run(apply_migrations(dsn, directory))
