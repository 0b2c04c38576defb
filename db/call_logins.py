"""DTMF logins from unregistered phones: which shops allow them, and the attempts.

An attempt is recorded as failed *before* its PIN is checked and marked ok only
once it verifies, so parallel guesses cannot slip past the limits; the counts
live in Postgres, shared by every app process. Every function takes a
connection: the caller owns the transaction.
"""

from __future__ import annotations

import asyncpg

_ALLOWS = "(s.settings->>'allow_dtmf_login') = 'true'"


async def any_shop_allows(conn: asyncpg.Connection) -> bool:
    """True when at least one shop accepts DTMF logins (then strangers are offered one)."""
    value = await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM shops s WHERE {_ALLOWS})")
    return bool(value)


async def shop_for_code(conn: asyncpg.Connection, login_code: str) -> int | None:
    """The shop whose random login code this is (None: no such code)."""
    value = await conn.fetchval("SELECT id FROM shops WHERE login_code = $1", login_code)
    return int(value) if value is not None else None


async def login_code_of(conn: asyncpg.Connection, shop_id: int) -> str | None:
    value = await conn.fetchval("SELECT login_code FROM shops WHERE id = $1", shop_id)
    return str(value) if value is not None else None


async def login_pin_hashes(conn: asyncpg.Connection, shop_id: int) -> list[str]:
    """PIN hashes of the shop's owner phones, when the shop allows DTMF logins (else none).

    A DTMF login may use any of these PINs; a phone without a PIN never opens one.
    """
    rows = await conn.fetch(
        f"""SELECT p.pin_hash FROM shop_phones p JOIN shops s ON s.id = p.shop_id
            WHERE p.shop_id = $1 AND p.role = 'owner' AND p.pin_hash IS NOT NULL AND {_ALLOWS}
            ORDER BY p.id""",
        shop_id,
    )
    return [str(r["pin_hash"]) for r in rows]


async def begin_attempt(conn: asyncpg.Connection, *, call_sid: str, shop_code: str, from_phone: str = "") -> int:
    """Record an attempt (failed until `mark_ok`); returns its id."""
    value = await conn.fetchval(
        "INSERT INTO call_login_attempts (call_sid, shop_code, from_phone) VALUES ($1, $2, $3) RETURNING id",
        call_sid, shop_code, from_phone[:32],
    )
    return int(value)


async def earlier_failures(
    conn: asyncpg.Connection, *, attempt_id: int, call_sid: str, shop_code: str, window_s: int, from_phone: str = ""
) -> tuple[int, int, int]:
    """Failures before `attempt_id`: on this CallSid, and within `window_s` on this shop code and
    from this calling number."""
    row = await conn.fetchrow(
        """SELECT
               (SELECT count(*) FROM call_login_attempts
                 WHERE call_sid = $2 AND NOT ok AND id < $1) AS by_call,
               (SELECT count(*) FROM call_login_attempts
                 WHERE shop_code = $3 AND NOT ok AND id < $1
                   AND created_at > now() - make_interval(secs => $4)) AS by_code,
               (SELECT count(*) FROM call_login_attempts
                 WHERE from_phone = $5 AND $5 <> '' AND NOT ok AND id < $1
                   AND created_at > now() - make_interval(secs => $4)) AS by_number""",
        attempt_id, call_sid, shop_code, float(window_s), from_phone[:32],
    )
    assert row is not None
    return int(row["by_call"]), int(row["by_code"]), int(row["by_number"])


async def mark_ok(conn: asyncpg.Connection, attempt_id: int) -> None:
    await conn.execute("UPDATE call_login_attempts SET ok = true WHERE id = $1", attempt_id)


async def purge_attempts(conn: asyncpg.Connection, older_than_s: int = 86_400) -> int:
    """Drop attempts older than `older_than_s`; returns how many."""
    result = await conn.execute(
        "DELETE FROM call_login_attempts WHERE created_at < now() - make_interval(secs => $1)", float(older_than_s)
    )
    return int(result.split()[-1])
