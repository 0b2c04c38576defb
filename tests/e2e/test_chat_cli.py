"""`execora chat --jsonl`: the typed channel on the same conversation and books as a call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.call_harness import create_demo_shop, unique_phone
from tests.e2e.chat_harness import chat, chat_env, says

pytestmark = pytest.mark.slow


@pytest.fixture
def env(database_url: str, redis_url: str, data_dir: Path) -> dict[str, str]:
    return chat_env(database_url, redis_url, data_dir)


async def test_one_json_line_per_input_and_the_books_change(pool: Any, env: dict[str, str]) -> None:
    shop = await create_demo_shop(pool)
    lines: list[dict[str, Any] | str] = [
        *says("Suresh ne bees rupaye diye", "Suresh ka balance batao"),
        "not json",
        {"dtmf": "1"},
        {"hello": "x"},
        *says("bas"),
    ]
    out = await chat(shop.owner_phone, lines, env=env)
    paid, balance, bad, key, odd, bye = out
    assert paid["intent"] == "record_payment" and paid["action"] == "record_payment"
    assert paid["result"]["amount_paise"] == 2000 and paid["reply"]
    assert balance["intent"] == "check_balance" and balance["result"]["customer_id"] == shop.customers["Suresh"]
    assert bad["reply"] == "" and "error" in bad and key["result"] is None and "error" in odd
    assert bye["intent"] == "goodbye" and bye.get("end") is True
    rows = await pool.fetch("SELECT amount_paise FROM payments WHERE customer_id = $1", shop.customers["Suresh"])
    assert [r["amount_paise"] for r in rows] == [2000]
    call = await pool.fetchrow(
        "SELECT id, channel, status FROM calls WHERE shop_id = $1 AND channel = 'chat'", shop.shop_id
    )
    assert call is not None and call["status"] == "completed"
    turns = await pool.fetch("SELECT source, heard FROM call_turns WHERE call_id = $1 ORDER BY turn_no", call["id"])
    assert [t["heard"] for t in turns if t["source"] == "text"][:2] == ["Suresh ne bees rupaye diye",
                                                                          "Suresh ka balance batao"]


async def test_an_unknown_phone_is_refused(env: dict[str, str]) -> None:
    import asyncio

    from tests.e2e.chat_harness import _command

    proc = await asyncio.create_subprocess_exec(
        *_command(), "--phone", unique_phone(), "--jsonl", stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
    )
    out, err = await asyncio.wait_for(proc.communicate(b'{"say": "Rahul ka balance"}\n'), timeout=60)
    assert proc.returncode == 2 and out == b"" and b"no shop has the phone" in err
