"""Without APP_SECRET (the embedded `execora up` defaults) the app signs sessions and
recording links with a per-data-dir secret; the session-checked audio route still guards files."""

from __future__ import annotations

import asyncio
import re
import stat
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from app.main import create_app
from dashboard.session import SECRET_FILE
from db import calls as call_rows
from tests.integration.dashboard.conftest import add_call, new_shop, sign_in, write_wav


@pytest.fixture
async def bare_app(dash_settings: Any) -> AsyncIterator[FastAPI]:
    application = create_app(dash_settings.model_copy(update={"app_secret": SecretStr("")}))
    async with application.router.lifespan_context(application):
        yield application


def _client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://execora.test")


async def test_sessions_use_a_data_dir_secret_that_survives_restarts(bare_app: FastAPI, dash_settings: Any) -> None:
    shop = await new_shop(bare_app)
    async with _client(bare_app) as http:
        assert (await sign_in(http, shop)).status_code == 303
        cookie = http.cookies.get("execora_dashboard")
        secret_file = dash_settings.data_dir / SECRET_FILE
        mode = (await asyncio.to_thread(secret_file.stat)).st_mode
        assert stat.S_IMODE(mode) == 0o600

    restarted = create_app(dash_settings.model_copy(update={"app_secret": SecretStr("")}))
    async with restarted.router.lifespan_context(restarted), _client(restarted) as http2:
        http2.cookies.set("execora_dashboard", cookie or "", path="/dashboard", domain="execora.test")
        assert (await http2.get("/dashboard/calls")).status_code == 200


async def test_local_recording_plays_through_the_session(bare_app: FastAPI) -> None:
    shop = await new_shop(bare_app)
    other = await new_shop(bare_app, "Other Store")
    sid = await add_call(bare_app, shop.shop_id)
    theirs = await add_call(bare_app, other.shop_id)
    for call_sid in (sid, theirs):
        wav = await asyncio.to_thread(write_wav, bare_app.state.settings.recordings_dir, call_sid)
        async with bare_app.state.pool.acquire() as conn:
            await call_rows.register_recording(conn, call_sid=call_sid, path=str(wav), duration_s=3.0, size_bytes=44)
    async with _client(bare_app) as http:
        await sign_in(http, shop)
        page = await http.get(f"/dashboard/calls/{sid}")
        m = re.search(r'<audio controls preload="none" src="([^"]+)"', page.text)
        # The app signs with the data dir's own secret, so the page links a signed recording URL.
        assert m and m.group(1).startswith("/recordings/")
        audio = await http.get(m.group(1).replace("&amp;", "&"))
        assert audio.status_code == 200 and audio.content.startswith(b"RIFF")
        assert audio.headers["content-type"] == "audio/wav"
        assert (await http.get(f"/dashboard/calls/{theirs}/recording")).status_code == 404
    async with _client(bare_app) as anonymous:
        assert (await anonymous.get(f"/dashboard/calls/{sid}/recording")).status_code == 303
