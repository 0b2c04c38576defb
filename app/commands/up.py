"""`execora up`: everything on one machine with no settings at all.

1. Embedded PostgreSQL / Redis under DATA_DIR when DATABASE_URL / REDIS_URL
   are unset (set ones are used as they are; nothing of ours is started).
2. Migrations; the demo shop on an empty database (and its key every start).
3. HTTP on HOST:PORT (127.0.0.1:3000) with uvicorn, plus one `execora worker`
   child process with the same DATABASE_URL / REDIS_URL in its environment.
4. Ctrl-C / SIGTERM: stop HTTP, then the worker (SIGTERM, then SIGKILL), then
   the embedded servers; nothing is left running. The worker also gets
   SIGTERM if this process dies without cleaning up (Linux PR_SET_PDEATHSIG).

A lock file (DATA_DIR/up.lock) keeps a second `up` off the same data directory.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import importlib.util
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import IO

import uvicorn

from app.commands.common import (
    add_host_port_arguments,
    configure_logging,
    settings_from_args,
    uvicorn_options,
)
from app.commands.http_processes import add_workers_argument, cores, serve_processes
from app.commands.seed import DemoShop, prepare_database
from app.metrics_dir import prepare_metrics_dir
from app.parent_death import die_with_parent
from app.settings import Settings

log = logging.getLogger("execora.up")

_WORKER_STOP_S = 15.0


class _Stop:
    """Set by SIGINT/SIGTERM; tells uvicorn (once it runs) to shut down."""

    def __init__(self) -> None:
        self.requested = False
        self.server: uvicorn.Server | None = None

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.requested and self.server is not None and signum == signal.SIGINT:
            self.server.force_exit = True  # a second Ctrl-C: stop waiting for open connections
        self.requested = True
        if self.server is not None:
            self.server.should_exit = True


@contextlib.contextmanager
def _data_dir_lock(data_dir: Path) -> Iterator[bool]:
    """Hold DATA_DIR/up.lock for the process's life; yields False if another `up` holds it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    fh: IO[str] = open(data_dir / "up.lock", "a+")  # held for the whole block
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield True
    finally:
        fh.close()


def start_worker(settings: Settings) -> subprocess.Popen[bytes] | None:
    """`python -m app.cli worker` with our URLs in its environment, or None if there is no worker."""
    if importlib.util.find_spec("app.commands.worker") is None:
        log.warning("app.commands.worker is missing: no worker started (reminders will not be sent)")
        return None
    env = dict(os.environ)
    env.update(
        DATABASE_URL=settings.database_url,
        REDIS_URL=settings.redis_url,
        DATA_DIR=str(settings.data_dir),
        LOG_LEVEL=settings.log_level,
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker"],
        env=env,
        start_new_session=True,  # Ctrl-C reaches only us; we stop the worker in order
        preexec_fn=die_with_parent if sys.platform.startswith("linux") else None,
    )
    log.info("worker started (pid %s)", proc.pid)
    return proc


def stop_worker(proc: subprocess.Popen[bytes] | None) -> None:
    """SIGTERM (RQ's warm shutdown), then SIGKILL after a grace period."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(_WORKER_STOP_S)
    except subprocess.TimeoutExpired:
        log.warning("worker (pid %s) did not stop in %.0fs; killing it", proc.pid, _WORKER_STOP_S)
        proc.kill()
        proc.wait()
    log.info("worker stopped")


def _execora_command() -> str:
    """How the user ran us (`.venv/bin/execora` after `make run`), for copy-paste hints."""
    argv0 = sys.argv[0]
    if os.path.basename(argv0) == "execora":
        rel = os.path.relpath(argv0)
        return rel if not rel.startswith("..") else argv0
    return "execora"


def _banner(
    settings: Settings, demo: DemoShop | None, example_customer: int | None, started: list[str], worker: bool
) -> str:
    base = f"http://{settings.host}:{settings.port}"
    exe = _execora_command()
    cid = example_customer or 1
    key = demo.api_key if demo else "<your shop api key>"
    lines = [
        "",
        "Execora is running.",
        f"  HTTP:        {base}   (API docs: {base}/docs, health: {base}/health)",
        f"  dashboard:   {base}/dashboard   (sign in as the demo owner below; "
        f"`{exe} operator add` makes more operators)",
        f"  data dir:    {settings.data_dir}",
        f"  postgres:    {'embedded' if 'postgres' in started else 'DATABASE_URL'}",
        f"  redis:       {'embedded' if 'redis' in started else 'REDIS_URL'}",
        f"  worker:      {'running' if worker else 'not running'}",
    ]
    if demo is not None:
        lines += [
            f"  demo shop:   {demo.name} (id {demo.shop_id}){' - just loaded' if demo.created else ''}",
            f"  owner phone: {demo.owner_phone}",
            f"  api key:     {demo.api_key}",
            f"  owner PIN:   {demo.pin} (calls from the owner phone key it first, then #)",
        ]
        if demo.operator_email:
            lines.append(f"  dashboard:   {demo.operator_email} / {demo.operator_password}")
    else:
        lines.append(f"  demo shop:   not loaded (database was not empty); `{exe} shop add` makes a shop")
    lines += [
        "",
        "Try next:",
        f"  curl -H 'Authorization: Bearer {key}' '{base}/api/customers/search?q=rahul'",
        f"  curl -H 'Authorization: Bearer {key}' {base}/api/products/low-stock",
        f"  curl -H 'Authorization: Bearer {key}' -H 'Content-Type: application/json' \\",
        f"       -d '{{\"customer_id\": {cid}, \"amount_paise\": 50000, \"note\": \"udhaar\"}}' {base}/api/ledger/credit",
        f"  {exe} parse \"Rahul ko 2 packet doodh udhaar\"",
        f"  {exe} call --server {base} --from {demo.owner_phone if demo else '+91XXXXXXXXXX'} --api-key {key} \\",
        "       \"Rahul ka balance batao\" \"Rahul ko do packet doodh udhaar\"",
        "",
        "Press Ctrl-C to stop.",
        "",
    ]
    return "\n".join(lines)


async def _serve(
    settings: Settings, stop: _Stop, demo: DemoShop | None, example_customer: int | None, started: list[str]
) -> int:
    from app.main import create_app

    config = uvicorn.Config(
        create_app(settings), host=settings.host, port=settings.port, log_level=settings.log_level.lower(),
        lifespan="on", log_config=None,  # our logging (stderr); stdout carries only the banner
        **uvicorn_options(settings),  # type: ignore[arg-type]
    )
    server = uvicorn.Server(config)
    stop.server = server
    if stop.requested:
        return 0
    worker = start_worker(settings)
    task = asyncio.create_task(server.serve())
    try:
        announced = False
        watched = worker
        while not task.done():
            if server.started and not announced:
                print(_banner(settings, demo, example_customer, started, worker is not None), flush=True)
                announced = True
            if watched is not None and watched.poll() is not None:
                log.error("worker exited with code %s; HTTP keeps serving", watched.returncode)
                watched = None
            await asyncio.wait({task}, timeout=0.1)
        await task
        return 0 if server.started else 1
    finally:
        if not task.done():
            server.should_exit = True
            with contextlib.suppress(BaseException):
                await task
        await asyncio.to_thread(stop_worker, worker)


def _serve_processes(
    settings: Settings, demo: DemoShop | None, example_customer: int | None, started: list[str]
) -> int:
    """HTTP_WORKERS processes on one port (uvicorn's supervisor takes SIGINT/SIGTERM), plus the worker."""
    worker = start_worker(settings)
    banner = _banner(settings, demo, example_customer, started, worker is not None)
    # The supervisor binds the port inside serve_processes: announce only once a process answers.
    threading.Thread(target=_announce_when_serving, args=(settings, banner), daemon=True).start()
    try:
        serve_processes(settings, settings.http_workers)
        return 0
    finally:
        stop_worker(worker)


def _announce_when_serving(settings: Settings, banner: str, timeout_s: float = 120.0) -> None:
    """Print the banner when /health answers (the processes have run their lifespans)."""
    import httpx

    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{host}:{settings.port}/health", timeout=2).status_code == 200:
                print(banner, flush=True)
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    log.error("HTTP processes did not answer /health within %.0f s", timeout_s)


def _run(settings: Settings, stop: _Stop) -> int:
    from app.embedded import start_embedded

    t0 = time.monotonic()
    services = start_embedded(settings.data_dir, settings.database_url, settings.redis_url)
    try:
        if stop.requested:
            return 0
        settings = settings.model_copy(
            update={"database_url": services.database_url, "redis_url": services.redis_url}
        )
        demo, example_customer = asyncio.run(prepare_database(settings))
        log.info("ready to serve in %.1fs", time.monotonic() - t0)
        if stop.requested:
            return 0
        if settings.http_workers > 1:
            return _serve_processes(settings, demo, example_customer, services.started)
        try:
            return asyncio.run(_serve(settings, stop, demo, example_customer, services.started))
        except SystemExit as exc:  # uvicorn exits on a startup failure (e.g. the port got taken)
            log.error("HTTP server could not start (exit %s)", exc.code)
            return 1
    finally:
        services.stop()


def _port_free(host: str, port: int) -> bool:
    """Can we listen on host:port? Checked before starting anything, for a clear message."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="execora up",
        description="Run Execora: embedded PostgreSQL/Redis when DATABASE_URL/REDIS_URL are unset, "
        "migrations, the demo shop, HTTP and a worker. Ctrl-C stops everything.",
    )
    add_host_port_arguments(parser)
    add_workers_argument(parser, "default: one per core")
    args = parser.parse_args(argv)
    settings = settings_from_args(args)
    settings = settings.model_copy(update={"http_workers": max(1, args.workers or cores())})
    configure_logging(settings.log_level)
    prepare_metrics_dir(settings)  # before anything imports prometheus_client; the worker inherits it
    stop = _Stop()
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with _data_dir_lock(settings.data_dir) as locked:
            if not locked:
                print(f"execora up: another `execora up` is using {settings.data_dir}", file=sys.stderr)
                return 1
            if not _port_free(settings.host, settings.port):
                print(f"execora up: {settings.host}:{settings.port} is in use; set PORT to another port",
                      file=sys.stderr)
                return 1
            code = _run(settings, stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("Execora stopped.", flush=True)
    return code
