"""Operator accounts and the audit log in PostgreSQL.

Rows leave as `business.operators.Operator` (the password hash and TOTP secret only
through `credentials_of`, for the sign-in check). Every function takes a connection (from `db.pool`, whose
jsonb codec takes and gives dicts): the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from business.operators import Operator

_COLUMNS = "id, email, role, shop_id, totp_secret IS NOT NULL AS has_totp, disabled, session_epoch"


@dataclass(frozen=True)
class Credentials:
    """What the sign-in check compares: never shown, never logged."""

    operator: Operator
    password_hash: str
    totp_secret: str | None


@dataclass(frozen=True)
class AuditEntry:
    id: int
    operator_id: int | None
    actor: str
    action: str
    shop_id: int | None
    details: dict[str, Any]
    created_at: datetime


def _operator(row: asyncpg.Record) -> Operator:
    return Operator(**{k: row[k] for k in ("id", "email", "role", "shop_id", "has_totp", "disabled",
                                           "session_epoch")})


async def add_operator(
    conn: asyncpg.Connection, *, email: str, password_hash: str, role: str, shop_id: int | None,
    totp_secret: str | None = None,
) -> Operator | None:
    """A new operator; None when the email is taken."""
    row = await conn.fetchrow(
        f"""INSERT INTO operators (email, password_hash, role, shop_id, totp_secret)
            VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO NOTHING RETURNING {_COLUMNS}""",
        email, password_hash, role, shop_id, totp_secret,
    )
    return _operator(row) if row else None


async def get_operator(conn: asyncpg.Connection, operator_id: int) -> Operator | None:
    row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM operators WHERE id = $1", operator_id)
    return _operator(row) if row else None


async def get_by_email(conn: asyncpg.Connection, email: str) -> Operator | None:
    row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM operators WHERE email = $1", email)
    return _operator(row) if row else None


async def credentials_of(conn: asyncpg.Connection, email: str) -> Credentials | None:
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS}, password_hash, totp_secret FROM operators WHERE email = $1", email
    )
    if row is None:
        return None
    return Credentials(_operator(row), str(row["password_hash"]), row["totp_secret"])


async def set_password(conn: asyncpg.Connection, operator_id: int, password_hash: str) -> None:
    """A new password ends every session signed in with the old one."""
    await conn.execute(
        "UPDATE operators SET password_hash = $2, session_epoch = session_epoch + 1 WHERE id = $1",
        operator_id, password_hash,
    )


async def set_disabled(conn: asyncpg.Connection, operator_id: int, disabled: bool) -> None:
    await conn.execute(
        "UPDATE operators SET disabled = $2, session_epoch = session_epoch + 1 WHERE id = $1",
        operator_id, disabled,
    )


async def audit(
    conn: asyncpg.Connection, *, action: str, operator_id: int | None, actor: str, shop_id: int | None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one audit entry (sign-in accepted/refused, correction, ...)."""
    await conn.execute(
        """INSERT INTO audit_log (operator_id, actor, action, shop_id, details)
           VALUES ($1, $2, $3, $4, $5)""",
        operator_id, actor[:254], action, shop_id, details or {},
    )


async def list_audit(
    conn: asyncpg.Connection, *, shop_id: int | None = None, action: str | None = None, limit: int = 100,
    offset: int = 0,
) -> list[AuditEntry]:
    """Newest first, optionally one shop's or one kind of action."""
    rows = await conn.fetch(
        """SELECT id, operator_id, actor, action, shop_id, details, created_at FROM audit_log
           WHERE ($1::bigint IS NULL OR shop_id = $1) AND ($2::text IS NULL OR action = $2)
           ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4""",
        shop_id, action, limit, offset,
    )
    return [
        AuditEntry(
            id=r["id"], operator_id=r["operator_id"], actor=r["actor"], action=r["action"], shop_id=r["shop_id"],
            details=dict(r["details"] or {}),
            created_at=r["created_at"],
        )
        for r in rows
    ]


async def assign_shop(conn: asyncpg.Connection, operator_id: int, role: str, shop_id: int | None) -> None:
    await conn.execute("UPDATE operators SET role = $2, shop_id = $3 WHERE id = $1", operator_id, role, shop_id)
