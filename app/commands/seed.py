"""`execora seed --demo`: load the demo shop ("Sharma Kirana Store") if it is absent.

Idempotent: the demo shop is recognised by its owner phone and never
duplicated. Only a hash of an API key is stored in the database, so the demo
key is kept in `DATA_DIR/demo_shop.json` (mode 0600) to be printed again on
every start; if that file is lost the key is re-issued (`Books.reissue_api_key`).
`execora up` calls `ensure_demo_shop` on an empty database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import secrets
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from app.commands.common import configure_logging, database_url_for
from app.resources import books_scope
from app.settings import Settings, load_settings
from business.books import Books
from business.demo_shop import SHOP, load_demo_shop

log = logging.getLogger(__name__)

DEMO_FILE = "demo_shop.json"


@dataclass(frozen=True)
class DemoShop:
    """What `up` and `seed` print about the demo shop."""

    shop_id: int
    name: str
    owner_phone: str
    api_key: str
    created: bool
    pin: str  # the owner's PIN for calls (generated, kept beside the key)
    operator_email: str = ""  # the owner's dashboard sign-in (app.commands.demo_operator)
    operator_password: str = ""


def demo_owner_phone() -> str:
    return str(SHOP["owner_phone"])


def _read_key_file(data_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((data_dir / DEMO_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_key_file(data_dir: Path, shop_id: int, api_key: str, pin: str) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / DEMO_FILE
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        # other keys kept: the dashboard operator's password lives here too (app.commands.demo_operator)
        json.dump({**_read_key_file(data_dir), "shop_id": shop_id, "api_key": api_key, "pin": pin}, fh)
    os.replace(tmp, path)


def new_pin() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(6))


def demo_pin(data_dir: Path) -> str | None:
    """The demo owner's PIN as `up`/`seed` kept it (for `execora call` from the demo phone)."""
    pin = _read_key_file(data_dir).get("pin")
    return pin if isinstance(pin, str) and pin.isdigit() else None


def demo_key_file_exists(data_dir: Path) -> bool:
    return (data_dir / DEMO_FILE).exists()


async def _known_key(books: Books, data_dir: Path, shop_id: int) -> str | None:
    """The stored demo key, if it still opens the demo shop."""
    key = _read_key_file(data_dir).get("api_key")
    if not isinstance(key, str) or not key:
        return None
    shop = await books.shop_by_api_key(key)
    return key if shop is not None and shop.id == shop_id else None


async def ensure_demo_shop(books: Books, data_dir: Path, *, create: bool = True) -> DemoShop | None:
    """The demo shop with a working API key; created when absent and `create` is set."""
    phone = demo_owner_phone()
    caller = await books.shop_by_phone(phone)
    if caller is None:
        if not create:
            return None
        pin = new_pin()
        shop, api_key = await load_demo_shop(books, pin)
        _write_key_file(data_dir, shop.id, api_key, pin)
        log.info("demo shop loaded (shop_id %s)", shop.id)
        return DemoShop(shop.id, shop.name, phone, api_key, True, pin)
    shop = caller.shop
    key = await _known_key(books, data_dir, shop.id)
    known_pin = demo_pin(data_dir)
    if key is None:  # the key file was lost: a fresh key (the old one stops working)
        key = await books.reissue_api_key(shop.id)
        log.info("demo shop api key re-issued (shop_id %s)", shop.id)
    if known_pin is None or not caller.has_pin:  # a PIN only the hash remembers: set a fresh one
        known_pin = new_pin()
        await books.set_phone_pin(shop.id, phone, known_pin)
        log.info("demo shop owner PIN reset (shop_id %s)", shop.id)
    _write_key_file(data_dir, shop.id, key, known_pin)
    return DemoShop(shop.id, shop.name, phone, key, False, known_pin)


async def _seed(dsn: str, data_dir: Path) -> DemoShop | None:
    async with books_scope(dsn) as books:
        demo = await ensure_demo_shop(books, data_dir)
    return await _with_operator(dsn, data_dir, demo)


async def _with_operator(dsn: str, data_dir: Path, demo: DemoShop | None) -> DemoShop | None:
    """The demo shop plus its owner's dashboard sign-in."""
    from dataclasses import replace

    from app.commands.demo_operator import ensure_demo_operator

    if demo is None:
        return None
    email, password = await ensure_demo_operator(dsn, data_dir, demo.shop_id)
    return replace(demo, operator_email=email, operator_password=password)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="execora seed", description="Load sample data.")
    parser.add_argument("--demo", action="store_true", help="the demo shop 'Sharma Kirana Store' (idempotent)")
    args = parser.parse_args(argv)
    if not args.demo:
        parser.print_usage(sys.stderr)
        print("execora seed: nothing to do; pass --demo", file=sys.stderr)
        return 2
    settings = load_settings()
    configure_logging(settings.log_level)
    with database_url_for(settings) as dsn:
        demo = asyncio.run(_seed(dsn, settings.data_dir))
    assert demo is not None
    print(json.dumps(asdict(demo)))
    return 0


async def prepare_database(settings: Settings) -> tuple[DemoShop | None, int | None]:
    """Migrate; load the demo shop on an empty database; find its key (and an example customer)."""
    from db.migrate import apply_migrations

    applied = await apply_migrations(settings.database_url)
    if applied:
        log.info("migrations applied: %s", ", ".join(applied))
    fresh = any(name.startswith("0001") for name in applied)
    async with books_scope(settings.database_url) as books:
        demo = await ensure_demo_shop(books, settings.data_dir, create=fresh or demo_key_file_exists(settings.data_dir))
        example = await books.search_customers(demo.shop_id, "Rahul", limit=1) if demo else []
    demo = await _with_operator(settings.database_url, settings.data_dir, demo)
    return demo, (example[0].customer.id if example else None)
