"""What one client can exhaust, tried over real sockets against a running server: request bodies
are refused (413) before they are read, stream frames above the protocol's need close the socket,
forwarded headers are not believed, and a short APP_SECRET stops the server at start."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets

from app.commands.common import WS_MAX_MESSAGE_BYTES, uvicorn_options
from app.settings import Settings
from tests.e2e.call_harness import RunningServer, call_settings, running_server

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def server(database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(call_settings(database_url, redis_url, tmp_path_factory.mktemp("limits"))) as srv:
        yield srv


async def raw_request(server: RunningServer, head: str, body_chunks: list[bytes] = (), pause_s: float = 0.0) -> bytes:  # type: ignore[assignment]
    """Send a hand-written HTTP/1.1 request and return whatever the server answered."""
    host, port = server.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(head.encode())
        await writer.drain()
        for chunk in body_chunks:
            await asyncio.sleep(pause_s)
            if reader.at_eof():
                break
            try:
                writer.write(chunk)
                await writer.drain()
            except ConnectionError:
                break
        answer = b""
        with contextlib.suppress(ConnectionResetError):  # it may close with our unsent body still queued
            while chunk := await asyncio.wait_for(reader.read(65536), timeout=10):
                answer += chunk
        return answer
    finally:
        writer.close()


async def test_a_declared_huge_body_is_refused_without_being_sent(server: RunningServer) -> None:
    head = ("POST /whatsapp/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Content-Length: 52428800\r\n\r\n")
    answer = await raw_request(server, head)  # 50 MB announced, not one byte sent
    assert answer.startswith(b"HTTP/1.1 413") and b"body_too_large" in answer


async def test_a_chunked_body_is_cut_off_at_the_cap(server: RunningServer) -> None:
    head = ("POST /api/customers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "X-API-Key: nope\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"%x\r\n%s\r\n" % (64 * 1024, b"x" * 64 * 1024)
    answer = await raw_request(server, head, [chunk] * 16)  # 1 MiB offered, the cap is 256 KiB
    assert answer.startswith(b"HTTP/1.1 413")


async def test_small_bodies_still_pass(server: RunningServer) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=server.url) as http:
        r = await http.post("/api/customers", json={"name": "Asha"}, headers={"X-API-Key": "nope"})
    assert r.status_code == 401


async def test_a_stream_frame_above_the_protocol_need_closes_the_socket(server: RunningServer) -> None:
    from telephony import stream_tokens as tokens

    token = tokens.mint(server.settings.app_secret.get_secret_value(), "CA" + "0" * 32)  # well-formed, no call
    url = server.url.replace("http://", "ws://") + f"/twilio/stream/{token}"
    ws = await websockets.connect(url, max_size=None)
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await ws.send("x" * (WS_MAX_MESSAGE_BYTES + 1))
        await asyncio.wait_for(ws.recv(), timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009  # message too big


def test_forwarded_headers_are_trusted_only_from_configured_proxies() -> None:
    assert uvicorn_options(Settings())["proxy_headers"] is False
    opts = uvicorn_options(Settings(trusted_proxies=" 10.0.0.2, 10.0.0.3 "))
    assert opts["proxy_headers"] is True and opts["forwarded_allow_ips"] == "10.0.0.2,10.0.0.3"


def test_a_short_app_secret_stops_the_server_at_start(tmp_path: Path) -> None:
    env = {**os.environ, "APP_SECRET": "short", "DATABASE_URL": "postgresql://127.0.0.1:1/x",
           "REDIS_URL": "redis://127.0.0.1:1", "DATA_DIR": str(tmp_path)}
    exe = ROOT / ".venv" / "bin" / "execora"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "app.cli"]
    done = subprocess.run([*cmd, "serve"], env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode != 0 and "APP_SECRET must be at least 32 bytes" in done.stderr
