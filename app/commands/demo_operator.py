"""The demo shop's owner operator, so a first `execora up` can sign in to the dashboard.

Made the first time (a generated password), kept beside the demo key and PIN in
`DATA_DIR/demo_shop.json` (0600) and printed on every start, like the PIN. A lost or
stale file means a fresh password (the old one stops working, its sessions end).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from pathlib import Path

from dashboard import passwords
from db import operators as operator_rows
from db.pool import create_pool

log = logging.getLogger(__name__)

DEMO_OWNER_EMAIL = "owner@sharma-kirana.example"
DEMO_FILE = "demo_shop.json"  # the same file `app.commands.seed` keeps the key and PIN in


def _read(data_dir: Path) -> dict[str, object]:
    try:
        data = json.loads((data_dir / DEMO_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _keep(data_dir: Path, password: str) -> None:
    """Add the password to the demo file, keeping what `seed` wrote there."""
    data = {**_read(data_dir), "operator_email": DEMO_OWNER_EMAIL, "operator_password": password}
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / DEMO_FILE
    tmp = path.with_suffix(".op.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh)
    os.replace(tmp, path)


async def ensure_demo_operator(dsn: str, data_dir: Path, shop_id: int) -> tuple[str, str]:
    """(email, password) of the demo shop's owner operator, creating or resetting it as needed."""
    known = (await asyncio.to_thread(_read, data_dir)).get("operator_password")
    pool = await create_pool(dsn, min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn:
            creds = await operator_rows.credentials_of(conn, DEMO_OWNER_EMAIL)
            if creds is not None and creds.operator.shop_id == shop_id and isinstance(known, str) and \
                    await asyncio.to_thread(passwords.verify_password, creds.password_hash, known):
                return DEMO_OWNER_EMAIL, known
            password = passwords.generate_password()
            password_hash = await asyncio.to_thread(passwords.hash_password, password)
            async with conn.transaction():
                if creds is None:
                    op = await operator_rows.add_operator(conn, email=DEMO_OWNER_EMAIL, password_hash=password_hash,
                                                          role="owner", shop_id=shop_id)
                    assert op is not None
                    log.info("demo owner operator created (operator_id %s)", op.id)
                else:
                    await operator_rows.assign_shop(conn, creds.operator.id, "owner", shop_id)
                    await operator_rows.set_password(conn, creds.operator.id, password_hash)
                    log.info("demo owner operator password reset (operator_id %s)", creds.operator.id)
    finally:
        await pool.close()
    await asyncio.to_thread(_keep, data_dir, password)
    return DEMO_OWNER_EMAIL, password
