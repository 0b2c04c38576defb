"""`execora operator add --email E --role admin|owner|staff [--shop ID] [--password PW] [--totp]`.

Creates a dashboard operator. Prints one JSON line: `{"operator_id", "email", "role", "shop_id"}`
plus `password` when it was generated (shown only here: an argon2 hash is stored) and
`totp_uri` with --totp (scan it into an authenticator app). Refusals (bad email, role
without/with a shop, unknown shop, taken email, short password) exit 1 with a JSON error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

import asyncpg

from app.commands.common import configure_logging, database_url_for
from app.settings import load_settings
from business.errors import ExecoraError, ValidationError
from business.operators import ROLES, check_role, normalize_email
from dashboard import passwords
from db import operators as operator_rows
from db.pool import create_pool


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="execora operator", description="Dashboard operator accounts.")
    sub = parser.add_subparsers(dest="action", required=True)
    add = sub.add_parser("add", help="create an operator; prints a generated password once")
    add.add_argument("--email", required=True)
    add.add_argument("--role", required=True, choices=ROLES,
                     help="admin: every shop, read; owner: one shop, read and correct; staff: one shop, read")
    add.add_argument("--shop", type=int, default=None, help="the shop id (owner and staff)")
    add.add_argument("--password", default=None, help="default: a generated one, printed once")
    add.add_argument("--totp", action="store_true", help="also require an authenticator code at sign-in")
    return parser


async def add_operator(
    dsn: str, *, email: str, role: str, shop_id: int | None, password: str | None, totp: bool = False
) -> dict[str, Any]:
    """Create the operator; the printed result (raises ExecoraError on a refusal)."""
    email = normalize_email(email)
    check_role(role, shop_id)
    chosen = password is not None
    password = password if chosen else passwords.generate_password()
    assert password is not None
    problem = passwords.check_password_rules(password)
    if problem:
        raise ValidationError(problem, "password")
    password_hash = await asyncio.to_thread(passwords.hash_password, password)
    secret = passwords.new_totp_secret() if totp else None
    pool = await create_pool(dsn, min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn, conn.transaction():
            try:
                op = await operator_rows.add_operator(
                    conn, email=email, password_hash=password_hash, role=role, shop_id=shop_id, totp_secret=secret
                )
            except asyncpg.ForeignKeyViolationError:
                raise ValidationError(f"no shop with id {shop_id}", "shop_id") from None
            if op is None:
                raise ValidationError("an operator with that email exists", "email")
            await operator_rows.audit(conn, action="operator_added", operator_id=op.id, actor="cli",
                                      shop_id=shop_id, details={"email": email, "role": role})
    finally:
        await pool.close()
    out: dict[str, Any] = {"operator_id": op.id, "email": op.email, "role": op.role, "shop_id": op.shop_id}
    if not chosen:
        out["password"] = password
    if secret:
        out["totp_uri"] = passwords.totp_uri(secret, email)
    return out


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    settings = load_settings()
    configure_logging(settings.log_level)
    try:
        with database_url_for(settings) as dsn:
            result = asyncio.run(add_operator(
                dsn, email=args.email, role=args.role, shop_id=args.shop, password=args.password, totp=args.totp,
            ))
    except ExecoraError as exc:
        print(json.dumps({"error": {**exc.details(), "code": exc.code, "message": exc.message}}), file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0
