"""A customer's change history (append-only rows in `customer_changes`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import asyncpg

from business.customer_history import CustomerChange, FieldChange


class PgCustomerChangeRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._c = conn

    async def add(
        self, *, shop_id: int, customer_id: int, changes: Sequence[FieldChange], via: str, at: datetime
    ) -> None:
        if not changes:
            return
        await self._c.execute(
            """INSERT INTO customer_changes (shop_id, customer_id, field, old_value, new_value, via, changed_at)
               SELECT $1, $2, f, o::jsonb, n::jsonb, $6, $7
               FROM unnest($3::text[], $4::text[], $5::text[]) AS u(f, o, n)""",
            shop_id, customer_id, [c.field for c in changes], [json.dumps(c.old_value) for c in changes],
            [json.dumps(c.new_value) for c in changes], via, at,
        )

    async def for_customer(self, shop_id: int, customer_id: int) -> list[CustomerChange]:
        found = await self._c.fetch(
            """SELECT id, customer_id, field, old_value::text AS old_value, new_value::text AS new_value, via,
                      changed_at
               FROM customer_changes WHERE shop_id = $1 AND customer_id = $2 ORDER BY id""",
            shop_id, customer_id,
        )
        return [
            CustomerChange(
                id=r["id"], customer_id=r["customer_id"], field=r["field"], old_value=json.loads(r["old_value"]),
                new_value=json.loads(r["new_value"]), via=r["via"], changed_at=r["changed_at"],
            )
            for r in found
        ]
