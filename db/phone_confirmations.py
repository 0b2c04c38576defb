"""SQL for confirming a customer's WhatsApp number (business.phone_confirmation).

Functions take a connection and never commit: the reminder job and the
inbound-message webhook own the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from business import phone_confirmation as rules
from business import reminders as reminder_rules


@dataclass(frozen=True)
class Confirmed:
    """A customer whose number a YES just confirmed, and the reminders that now go."""

    shop_id: int
    customer_id: int
    request_id: int
    reminder_ids: tuple[int, ...]


async def last_request(conn: asyncpg.Connection, customer_id: int, phone: str) -> rules.LastRequest | None:
    """The newest confirmation message to this customer's current number."""
    r = await conn.fetchrow(
        """SELECT status, requested_at FROM phone_confirmations
            WHERE customer_id = $1 AND phone = $2 ORDER BY requested_at DESC, id DESC LIMIT 1""",
        customer_id, phone,
    )
    return None if r is None else rules.LastRequest(status=r["status"], requested_at=r["requested_at"])


async def start_request(conn: asyncpg.Connection, shop_id: int, customer_id: int, phone: str, at: datetime) -> int:
    """A confirmation message about to go out (status `sending`, committed before the send)."""
    return int(await conn.fetchval(
        """INSERT INTO phone_confirmations (shop_id, customer_id, phone, status, requested_at)
           VALUES ($1, $2, $3, 'sending', $4) RETURNING id""",
        shop_id, customer_id, phone, at,
    ))


async def finish_request(
    conn: asyncpg.Connection, request_id: int, status: str, *, wamid: str | None = None, error: str | None = None
) -> None:
    """The send's outcome: sent (with the wamid), failed, unknown or not_sent. A YES that came
    before the send's answer (status already `confirmed`) is kept."""
    await conn.execute(
        """UPDATE phone_confirmations SET status = $2, wamid = COALESCE($3, wamid), error = $4
            WHERE id = $1 AND status <> 'confirmed'""",
        request_id, status, wamid, error,
    )


async def customer_phone_confirmed(conn: asyncpg.Connection, customer_id: int, phone: str) -> bool:
    """True when the customer's number is confirmed and is still `phone`."""
    return bool(await conn.fetchval(
        "SELECT phone_confirmed AND phone = $2 FROM customers WHERE id = $1", customer_id, phone
    ))


async def confirm_from_reply(
    conn: asyncpg.Connection, *, phone: str, reply_wamid: str, context_wamid: str | None, now: datetime
) -> Confirmed | None:
    """A YES from `phone`: confirm the request it answers (the one it quotes, else the newest
    open one to that number within REPLY_VALID_FOR) when the customer's number is still
    that phone. The customer's scheduled reminders that waited for it become due now.
    None when nothing matched or this reply was already handled."""
    if await conn.fetchval("SELECT 1 FROM phone_confirmations WHERE reply_wamid = $1", reply_wamid):
        return None
    req = None
    if context_wamid:
        req = await conn.fetchrow(
            """SELECT id, shop_id, customer_id FROM phone_confirmations
                WHERE wamid = $1 AND phone = $2 FOR UPDATE""",
            context_wamid, phone,
        )
    if req is None:
        req = await conn.fetchrow(
            """SELECT id, shop_id, customer_id FROM phone_confirmations
                WHERE phone = $1 AND requested_at >= $2
                  AND status IN ('sending', 'sent', 'unknown', 'failed')
                ORDER BY requested_at DESC, id DESC LIMIT 1 FOR UPDATE""",
            phone, now - rules.REPLY_VALID_FOR,
        )
    if req is None:
        return None
    customer = await conn.fetchrow(
        "SELECT phone, phone_confirmed FROM customers WHERE id = $1 FOR NO KEY UPDATE", req["customer_id"]
    )
    await conn.execute(
        """UPDATE phone_confirmations SET status = 'confirmed', answered_at = $2, reply_wamid = $3
            WHERE id = $1""",
        req["id"], now, reply_wamid,
    )
    if customer is None or customer["phone"] != phone:
        return None  # the shop changed the number since: the answer is about an old one
    if not customer["phone_confirmed"]:
        await conn.execute(
            """UPDATE customers SET phone_confirmed = true, phone_confirmed_via = 'customer',
                      phone_confirmed_at = $2, updated_at = now()
                WHERE id = $1""",
            req["customer_id"], now,
        )
        await conn.execute(
            """INSERT INTO customer_changes (shop_id, customer_id, field, old_value, new_value, via, changed_at)
               VALUES ($1, $2, 'phone_confirmed', 'false'::jsonb, 'true'::jsonb, 'whatsapp', $3)""",
            req["shop_id"], req["customer_id"], now,
        )
    rows = await conn.fetch(
        """UPDATE reminders SET due_at = $2, last_error = NULL, updated_at = now()
            WHERE customer_id = $1 AND status = $3 AND last_error = $4
            RETURNING id""",
        req["customer_id"], now, reminder_rules.POSTPONE.to, rules.WAITING_REASON,
    )
    return Confirmed(
        shop_id=req["shop_id"], customer_id=req["customer_id"], request_id=req["id"],
        reminder_ids=tuple(r["id"] for r in rows),
    )


async def confirmation_failed(
    conn: asyncpg.Connection, *, request_id: int | None, wamid: str, error: str | None
) -> tuple[int, ...]:
    """WhatsApp reports the confirmation message `failed` (not on WhatsApp, blocked, ...): the
    request is failed, and the reminders waiting for its answer become due now, so they fail
    with that reason today instead of after a day. Returns those reminders."""
    req = await conn.fetchrow(
        """UPDATE phone_confirmations SET status = 'failed', error = COALESCE($3, error)
            WHERE (id = $1 OR wamid = $2) AND status IN ('sending', 'sent', 'unknown')
        RETURNING customer_id""",
        request_id, wamid, error,
    )
    if req is None:
        return ()
    rows = await conn.fetch(
        """UPDATE reminders SET due_at = now(), updated_at = now()
            WHERE customer_id = $1 AND status = $2 AND last_error = $3 RETURNING id""",
        req["customer_id"], reminder_rules.POSTPONE.to, rules.WAITING_REASON,
    )
    return tuple(r["id"] for r in rows)
