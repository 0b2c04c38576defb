"""Fixtures for the dashboard tests: the real app (lifespan run) over httpx's ASGI
transport, shops made per test, calls and turns written through `db.calls`."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.main import create_app
from business.turns import CallTurn
from db import calls as call_rows


def random_phone() -> str:
    return "+9198" + "".join(secrets.choice("0123456789") for _ in range(8))


@dataclass
class DashShop:
    shop_id: int
    api_key: str
    name: str


async def new_shop(app: FastAPI, name: str = "Sharma Test Store") -> DashShop:
    shop, api_key = await app.state.books.create_shop(name, random_phone())
    return DashShop(shop_id=shop.id, api_key=api_key, name=shop.name)


def turn(turn_no: int, **fields: Any) -> CallTurn:
    """A spoken turn with everything not given left empty."""
    base: dict[str, Any] = {"heard": "", "source": "speech", "intent": None, "entities": {}, "action": None,
                            "result": {}, "reply": ""}
    return CallTurn(turn_no=turn_no, **{**base, **fields})


async def add_call(
    app: FastAPI, shop_id: int, *, from_phone: str = "+919876543210", turns: list[CallTurn] | None = None,
    finish: bool = True,
) -> str:
    """A call row and its turns, written the way the live call writes them."""
    sid = "CA" + secrets.token_hex(16)
    async with app.state.pool.acquire() as conn:
        await call_rows.create_call(
            conn, call_sid=sid, shop_id=shop_id, from_phone=from_phone, to_phone="+918000000000",
            caller_role="owner", status="in-progress", language="hinglish",
        )
        for t in turns or []:
            await call_rows.record_turn(conn, sid, t)
        if finish:
            await call_rows.finish_call(conn, call_sid=sid, status="completed", ended_reason="caller_hung_up")
    return sid


def write_wav(recordings_dir: Path, call_sid: str) -> Path:
    """A tiny stand-in recording file (blocking: call in a thread)."""
    recordings_dir.mkdir(parents=True, exist_ok=True)
    wav = recordings_dir / f"{call_sid}.wav"
    wav.write_bytes(b"RIFF" + b"\0" * 40)
    return wav


async def sign_in(http: httpx.AsyncClient, api_key: str) -> httpx.Response:
    return await http.post("/dashboard/login", data={"api_key": api_key})


@pytest.fixture
def dash_settings(settings: Any) -> Any:
    return settings.model_copy(update={"rq_queue": f"dash-{secrets.token_hex(4)}"})


@pytest.fixture
async def app(dash_settings: Any) -> AsyncIterator[FastAPI]:
    application = create_app(dash_settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://execora.test") as c:
        yield c


@pytest.fixture
async def shop(app: FastAPI) -> DashShop:
    return await new_shop(app)
