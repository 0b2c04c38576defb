"""Shuffled, duplicated WhatsApp status callbacks for many reminders, and the checks on the result.

Shared by tests/integration/hardening/test_status_webhook_order.py (60 events)
and benchmarks/bench_status_webhooks.py (1,000). Each reminder gets a delivery
story from the Cloud API's `statuses[]` vocabulary: sent -> delivered -> read,
or sent (-> delivered) -> failed (never both read and failed, whose final status
would depend on arrival order). Every callback is sent 2-3 times, all shuffled,
each body signed as Meta signs it (X-Hub-Signature-256). A quarter of the
reminders are still `sending` (the send's answer not back yet): their callbacks
find them by `biz_opaque_callback_data` = `reminder:<id>`.

The checks: each (wamid, status) stored once and linked to its reminder, every
reminder ends at its story's last status with delivered_at/read_at set as the
story says, and no reminder was ever seen moving backwards (`Watcher` samples
the statuses while the callbacks arrive).
"""

from __future__ import annotations

import asyncio
import json
import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

RANK = {"sending": 0, "unknown": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}
STORIES: tuple[tuple[str, ...], ...] = (
    ("sent", "delivered", "read"),
    ("sent", "delivered", "read"),
    ("sent", "delivered"),
    ("sent", "delivered", "failed"),
    ("sent", "failed"),
)


@dataclass(frozen=True)
class Story:
    reminder_id: int
    wamid: str
    statuses: tuple[str, ...]
    known_wamid: bool  # False: the reminder is still `sending` when its callbacks come

    @property
    def final(self) -> str:
        return self.statuses[-1]


@dataclass
class Plan:
    stories: list[Story]
    bodies: list[bytes]  # shuffled, duplicates included

    @property
    def distinct_events(self) -> int:
        return sum(len(s.statuses) for s in self.stories)


def status_body(story: Story, status: str, ts: int) -> bytes:
    entry: dict[str, Any] = {
        "id": story.wamid, "status": status, "timestamp": str(ts), "recipient_id": "919800000000",
        "biz_opaque_callback_data": f"reminder:{story.reminder_id}",
    }
    if status in ("sent", "delivered", "read"):
        entry["conversation"] = {"id": secrets.token_hex(8), "origin": {"type": "utility"}}
        entry["pricing"] = {"billable": True, "pricing_model": "CBP", "category": "utility"}
    if status == "failed":
        entry["errors"] = [{"code": 131026, "title": "Message undeliverable",
                            "message": "Message undeliverable", "error_data": {"details": "Receiver incapable"}}]
    payload = {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": "messages",
        "value": {"messaging_product": "whatsapp",
                  "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
                  "statuses": [entry]},
    }]}]}
    return json.dumps(payload).encode()


async def make_reminders(pool: Any, n: int, *, shop_name: str = "Status Kirana") -> list[Story]:
    """`n` reminders handed to WhatsApp, with a delivery story each (rows made in SQL)."""
    from db.reminder_sends import mark_sending, mark_sent

    rng = random.Random(n)
    stories: list[Story] = []
    async with pool.acquire() as conn:
        shop = await conn.fetchval(
            "INSERT INTO shops (name, api_key_hash, settings) VALUES ($1, $2, '{}') RETURNING id",
            shop_name, secrets.token_hex(16),
        )
        for i in range(n):
            cust = await conn.fetchval(
                """INSERT INTO customers (shop_id, name, phone, whatsapp_opt_in, phone_confirmed)
                   VALUES ($1, $2, $3, true, true) RETURNING id""",
                shop, f"Customer {i}", "+9198" + "".join(rng.choice("0123456789") for _ in range(8)),
            )
            rid = await conn.fetchval(
                "INSERT INTO reminders (shop_id, customer_id, due_at) VALUES ($1, $2, now()) RETURNING id",
                shop, cust,
            )
            wamid = "wamid.HBgM" + secrets.token_hex(12)
            known = i % 4 != 0
            async with conn.transaction():
                await mark_sending(conn, rid, 10_000, datetime.now(UTC))
                if known:
                    await mark_sent(conn, rid, wamid, datetime.now(UTC))
            stories.append(Story(rid, wamid, STORIES[i % len(STORIES)], known))
    return stories


def plan(stories: list[Story], *, seed: int = 10) -> Plan:
    """Every story's callbacks, each 2-3 times, shuffled."""
    rng = random.Random(seed)
    bodies: list[bytes] = []
    ts = 1_760_000_000
    for s in stories:
        for k, status in enumerate(s.statuses):
            body = status_body(s, status, ts + k)
            bodies.extend([body] * rng.choice((2, 3)))
    rng.shuffle(bodies)
    return Plan(stories, bodies)


@dataclass
class Watcher:
    """Samples reminder statuses while callbacks arrive; any step backwards is an anomaly."""

    pool: Any
    ids: list[int]
    interval_s: float = 0.02
    last: dict[int, str] = field(default_factory=dict)
    backwards: list[tuple[int, str, str]] = field(default_factory=list)
    samples: int = 0

    async def run(self, stop: asyncio.Event) -> None:
        while True:
            rows = await self.pool.fetch("SELECT id, status FROM reminders WHERE id = ANY($1::bigint[])", self.ids)
            self.samples += 1
            for r in rows:
                before = self.last.get(r["id"])
                if before is not None and RANK.get(r["status"], -1) < RANK.get(before, -1):
                    self.backwards.append((r["id"], before, r["status"]))
                if before in ("read", "failed") and r["status"] != before:
                    self.backwards.append((r["id"], before, r["status"]))
                self.last[r["id"]] = r["status"]
            if stop.is_set():
                return
            await asyncio.sleep(self.interval_s)


async def anomalies(pool: Any, p: Plan, watcher: Watcher | None = None) -> list[str]:
    """Everything that is not as the stories say (empty when all is well)."""
    out: list[str] = []
    ids = [s.reminder_id for s in p.stories]
    rows = {r["id"]: r for r in await pool.fetch(
        "SELECT id, status, whatsapp_message_id, delivered_at, read_at, error_code FROM reminders WHERE id = ANY($1::bigint[])",
        ids)}
    events = await pool.fetch(
        """SELECT wamid, status, reminder_id, count(*) OVER (PARTITION BY wamid, status) AS n
             FROM whatsapp_status_events WHERE wamid = ANY($1::text[])""",
        [s.wamid for s in p.stories],
    )
    if len(events) != p.distinct_events:
        out.append(f"{len(events)} events stored, expected {p.distinct_events}")
    stored = {(e["wamid"], e["status"]): e for e in events}
    for s in p.stories:
        r = rows[s.reminder_id]
        if r["status"] != s.final:
            out.append(f"reminder {s.reminder_id}: {r['status']}, expected {s.final} ({'/'.join(s.statuses)})")
        if r["whatsapp_message_id"] != s.wamid:
            out.append(f"reminder {s.reminder_id}: wamid {r['whatsapp_message_id']!r}")
        if ("delivered" in s.statuses) != (r["delivered_at"] is not None) and s.final != "failed":
            out.append(f"reminder {s.reminder_id}: delivered_at {r['delivered_at']}")
        if s.final == "failed" and r["error_code"] != "131026":
            out.append(f"reminder {s.reminder_id}: failed without the API's error code ({r['error_code']!r})")
        if (s.final == "read") != (r["read_at"] is not None):
            out.append(f"reminder {s.reminder_id}: read_at {r['read_at']}")
        for status in s.statuses:
            e = stored.get((s.wamid, status))
            if e is None:
                out.append(f"reminder {s.reminder_id}: {status} not stored")
            elif e["n"] != 1 or e["reminder_id"] != s.reminder_id:
                out.append(f"reminder {s.reminder_id}: {status} stored {e['n']}x, linked to {e['reminder_id']}")
    if watcher is not None:
        out.extend(f"reminder {rid} moved back {a} -> {b}" for rid, a, b in watcher.backwards)
    return out
