"""`execora shop add --name NAME --phone +91XXXXXXXXXX [--pin 1234]`: create a shop.

Prints `{"shop_id": ..., "api_key": ..., "pin": ...}` (plus `login_code` with
--allow-dtmf-login); the key and a generated PIN are shown only here (hashes are
stored), so keep them. Every shop gets an owner PIN: without --pin one is
generated. Bad input exits 1 with the business error's code.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sys

import asyncpg

from app.commands.common import configure_logging, database_url_for
from app.resources import books_scope
from app.settings import load_settings
from business.errors import ExecoraError
from db import call_logins


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="execora shop", description="Shop administration.")
    sub = parser.add_subparsers(dest="action", required=True)
    add = sub.add_parser("add", help="create a shop and its owner phone; prints its API key")
    add.add_argument("--name", required=True, help="shop name, e.g. 'Sharma Kirana Store'")
    add.add_argument("--phone", required=True, help="owner's phone, E.164 (+91XXXXXXXXXX)")
    add.add_argument("--pin", default=None, help="the owner's PIN for calls (4-8 digits; default: a generated one)")
    add.add_argument("--address", default="", help="shop address")
    add.add_argument("--state", default="", help="Indian state (for GST place of supply)")
    add.add_argument("--gstin", default=None, help="GSTIN, if registered")
    add.add_argument(
        "--allow-dtmf-login", action="store_true",
        help="callers from other phones may key the shop's login code and the owner's PIN",
    )
    return parser


async def _add(dsn: str, args: argparse.Namespace) -> dict[str, object]:
    pin = args.pin or "".join(secrets.choice("0123456789") for _ in range(6))
    async with books_scope(dsn) as books:
        shop, api_key = await books.create_shop(
            args.name, args.phone, pin, address=args.address, state=args.state, gstin=args.gstin,
            settings={"allow_dtmf_login": True} if args.allow_dtmf_login else None,
        )
    out: dict[str, object] = {"shop_id": shop.id, "api_key": api_key}
    if not args.pin:
        out["pin"] = pin
    if args.allow_dtmf_login:
        conn = await asyncpg.connect(dsn)
        try:
            out["login_code"] = await call_logins.login_code_of(conn, shop.id)
        finally:
            await conn.close()
    return out


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    settings = load_settings()
    configure_logging(settings.log_level)
    try:
        with database_url_for(settings) as dsn:
            result = asyncio.run(_add(dsn, args))
    except ExecoraError as exc:
        print(json.dumps({"error": {**exc.details(), "code": exc.code, "message": exc.message}}), file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0
