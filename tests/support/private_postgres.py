"""A PostgreSQL server of the test's own (initdb + pg_ctl from the machine's PostgreSQL 15), so a
fault test can restart it under a running app without touching the shared server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

BIN = Path("/usr/lib/postgresql/15/bin")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivatePostgres:
    """initdb in a directory of its own, then start / restart / stop; `dsn` reaches `execora`.

    The directory is made under /tmp directly (pytest's tmp_path is private to root, and the
    server runs as the `postgres` user when the tests run as root) and removed by `stop`."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="execora-pg-"))
        self.data = self.root / "pgdata"
        self.port = _free_port()
        self.dsn = f"postgresql://postgres@127.0.0.1:{self.port}/execora"
        self._as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @staticmethod
    def available() -> bool:
        return (BIN / "initdb").exists() and (os.geteuid() != 0 or shutil.which("runuser") is not None)

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as_user, *args], check=True, capture_output=True, timeout=120)

    def init(self) -> PrivatePostgres:
        if self._as_user:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(str(BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        self.start()
        self._run(str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "execora")
        return self

    def start(self) -> None:
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l", str(self.root / "pg.log"), "-w", "start")

    def restart(self) -> None:
        """A fast restart: every open connection is cut, as when the database server restarts."""
        self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        self.start()

    def stop(self) -> None:
        subprocess.run([*self._as_user, str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)
