"""Fixtures for the dashboard tests: the real app (lifespan run) over httpx's ASGI
transport, shops and their owner operators made per test (the way `execora operator add`
makes them), calls and turns written through `db.calls`."""

from __future__ import annotations

import asyncio
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
from dashboard import passwords
from db import calls as call_rows
from db import operators as operator_rows


def random_phone() -> str:
    return "+9198" + "".join(secrets.choice("0123456789") for _ in range(8))


PASSWORD = "correct horse battery"


@dataclass
class Op:
    """An operator the tests sign in as."""

    operator_id: int
    email: str
    password: str
    role: str
    shop_id: int | None
    totp_secret: str | None = None


@dataclass
class DashShop:
    shop_id: int
    api_key: str
    name: str
    owner: Op

    @property
    def email(self) -> str:
        return self.owner.email

    @property
    def password(self) -> str:
        return self.owner.password


async def new_operator(
    app: FastAPI, role: str, shop_id: int | None, *, password: str = PASSWORD, totp: bool = False
) -> Op:
    email = f"{role}-{secrets.token_hex(4)}@shop.example"
    secret = passwords.new_totp_secret() if totp else None
    password_hash = await asyncio.to_thread(passwords.hash_password, password)
    async with app.state.pool.acquire() as conn:
        op = await operator_rows.add_operator(conn, email=email, password_hash=password_hash, role=role,
                                              shop_id=shop_id, totp_secret=secret)
    assert op is not None
    return Op(op.id, email, password, role, shop_id, secret)


async def new_shop(app: FastAPI, name: str = "Sharma Test Store") -> DashShop:
    shop, api_key = await app.state.books.create_shop(name, random_phone())
    owner = await new_operator(app, "owner", shop.id)
    return DashShop(shop_id=shop.id, api_key=api_key, name=shop.name, owner=owner)


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


async def sign_in(
    http: httpx.AsyncClient, who: Op | DashShop, *, password: str | None = None, code: str = ""
) -> httpx.Response:
    """The sign-in form posted as a browser would (same-origin)."""
    data = {"email": who.email, "password": who.password if password is None else password, "code": code}
    return await http.post("/dashboard/login", data=data)


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
