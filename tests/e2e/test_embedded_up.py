"""`execora up` with no DATABASE_URL / REDIS_URL: embedded PostgreSQL and Redis
start, migrations run, the demo shop loads, HTTP serves, a worker runs; Ctrl-C
(SIGINT) and SIGTERM stop everything; a restart on the same data directory
finds the same books and the same demo shop (not a second one)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil
import pytest

from tests.support.polling import wait_until_blocking

pytestmark = pytest.mark.slow

START_TIMEOUT_S = 90
STOP_TIMEOUT_S = 60


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


class Up:
    """One `execora up` subprocess and what it printed."""

    def __init__(self, data_dir: Path, port: int, workdir: Path) -> None:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        env.update(DATA_DIR=str(data_dir), PORT=str(port), HOST="127.0.0.1", LOG_LEVEL="INFO")
        self.base = f"http://127.0.0.1:{port}"
        self.data_dir = data_dir
        self.lines: list[str] = []
        self.stderr = open(workdir / f"up-{time.monotonic_ns()}.log", "w+")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "up"], cwd=workdir, env=env,
            stdout=subprocess.PIPE, stderr=self.stderr, text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def log(self) -> str:
        self.stderr.flush()
        self.stderr.seek(0)
        return "\n".join(self.lines) + "\n--- stderr ---\n" + self.stderr.read()[-4000:]

    def wait_ready(self) -> str:
        """Wait for the banner and /health; return the printed demo api key."""
        def banner() -> bool:
            assert self.proc.poll() is None, f"execora up exited early:\n{self.log()}"
            return any("Press Ctrl-C" in line for line in self.lines)

        if not wait_until_blocking(banner, START_TIMEOUT_S, 0.2):
            pytest.fail(f"no banner in {START_TIMEOUT_S}s:\n{self.log()}")
        assert httpx.get(f"{self.base}/health", timeout=5).json()["status"] == "ok"
        key = next((m.group(1) for line in self.lines if (m := re.search(r"api key:\s+(\S+)", line))), None)
        assert key and key.startswith("exk_"), self.log()
        return key

    def our_processes(self) -> list[psutil.Process]:
        """The worker (and its children) plus the embedded servers of this data dir."""
        procs = psutil.Process(self.proc.pid).children(recursive=True)
        marker = str(self.data_dir)
        for p in psutil.process_iter(["cmdline"]):
            if any(marker in part for part in (p.info["cmdline"] or [])) and p.pid != self.proc.pid:
                procs.append(p)
        return procs

    def stop(self, sig: int) -> None:
        procs = self.our_processes()
        names = " ".join(" ".join(p.cmdline()) for p in procs if _alive(p.pid))
        assert "postgres" in names and "redis-server" in names and "app.cli worker" in names, names
        self.proc.send_signal(sig)
        try:
            code = self.proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            pytest.fail(f"execora up did not stop on {sig}:\n{self.log()}")
        assert code == 0, self.log()
        wait_until_blocking(lambda: not any(_alive(p.pid) for p in procs), 10)
        left = [p.pid for p in procs if _alive(p.pid)]
        assert not left, f"left running: {left}\n{self.log()}"
        assert any("Execora stopped." in line for line in self.lines)
        self.stderr.close()


def test_up_serves_stops_cleanly_and_keeps_the_books(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    port = _free_port()

    first = Up(data_dir, port, tmp_path)
    try:
        key = first.wait_ready()
        assert any("just loaded" in line for line in first.lines)
        assert any("+919800000001" in line for line in first.lines)
        auth = {"Authorization": f"Bearer {key}"}
        found = httpx.get(f"{first.base}/api/customers/search", params={"q": "rahul"}, headers=auth, timeout=10)
        assert found.status_code == 200 and found.json(), found.text
        customer_id = found.json()[0]["id"]
        before = httpx.get(f"{first.base}/api/customers/{customer_id}", headers=auth, timeout=10).json()
        credit = httpx.post(f"{first.base}/api/ledger/credit", headers=auth, timeout=10,
                            json={"customer_id": customer_id, "amount_paise": 12345, "note": "e2e"})
        assert credit.status_code == 201, credit.text
        customers_before = len(httpx.get(f"{first.base}/api/customers", headers=auth, timeout=10).json())
        first.stop(signal.SIGINT)
    finally:
        if first.proc.poll() is None:
            first.proc.kill()

    second = Up(data_dir, port, tmp_path)
    try:
        assert second.wait_ready() == key  # the same demo shop, its key printed again
        assert not any("just loaded" in line for line in second.lines)
        auth = {"Authorization": f"Bearer {key}"}
        after = httpx.get(f"{second.base}/api/customers/{customer_id}", headers=auth, timeout=10).json()
        assert after["balance_paise"] == before["balance_paise"] + 12345
        customers = httpx.get(f"{second.base}/api/customers", headers=auth, timeout=10).json()
        assert len(customers) == customers_before
        second.stop(signal.SIGTERM)
    finally:
        if second.proc.poll() is None:
            second.proc.kill()


def test_a_killed_up_is_cleaned_up_by_the_next_one(tmp_path: Path) -> None:
    """SIGKILL leaves no chance to clean up: the worker dies with its parent
    (PDEATHSIG); the next `up` adopts the orphaned servers and stops them."""
    data_dir = tmp_path / "data"
    port = _free_port()
    first = Up(data_dir, port, tmp_path)
    try:
        key = first.wait_ready()
        orphans = first.our_processes()
        worker_pids = [p.pid for p in psutil.Process(first.proc.pid).children()]
        first.proc.kill()
        first.proc.wait(10)
        wait_until_blocking(lambda: not any(_alive(pid) for pid in worker_pids), 15)
        assert not [pid for pid in worker_pids if _alive(pid)], "worker outlived a killed `up`"
    finally:
        if first.proc.poll() is None:
            first.proc.kill()

    second = Up(data_dir, port, tmp_path)
    try:
        assert second.wait_ready() == key
        second.stop(signal.SIGINT)
    finally:
        if second.proc.poll() is None:
            second.proc.kill()
    left = [p.pid for p in orphans if _alive(p.pid)]
    assert not left, f"orphans of the killed run still alive: {left}"


def test_serve_uses_the_configured_services_and_stops_on_sigterm(
    tmp_path: Path, database_url: str, redis_url: str
) -> None:
    """`execora serve` is the production entry point: no embedded anything."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "PORT": str(port),
           "DATA_DIR": str(tmp_path / "data")}
    with open(tmp_path / "serve.log", "w+") as log:
        proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve"], cwd=tmp_path, env=env,
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            def health() -> httpx.Response | None:
                assert proc.poll() is None, (tmp_path / "serve.log").read_text()
                try:
                    return httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                except httpx.TransportError:
                    return None

            r = wait_until_blocking(health, START_TIMEOUT_S, 0.2)
            assert r is not None, "serve did not answer"
            assert r.json()["status"] == "ok"
            assert httpx.get(f"http://127.0.0.1:{port}/api/customers", timeout=5).status_code == 401
            assert not (tmp_path / "data" / "pgdata").exists()
            proc.send_signal(signal.SIGTERM)
            # uvicorn shuts down gracefully, then re-raises SIGTERM (exit by signal, like any server).
            assert proc.wait(STOP_TIMEOUT_S) in (0, -signal.SIGTERM)
            log.flush()
            assert "app resources closed" in (tmp_path / "serve.log").read_text()
        finally:
            if proc.poll() is None:
                proc.kill()

    no_db = {k: v for k, v in env.items() if k != "DATABASE_URL"}
    done = subprocess.run([sys.executable, "-m", "app.cli", "serve"], cwd=tmp_path, env=no_db,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "DATABASE_URL" in done.stderr
