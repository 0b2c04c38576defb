"""Drive `execora chat --jsonl` as an operator would: a real process, real Postgres and Redis.

Each input line is `{"say": ...}` or `{"dtmf": ...}`; the CLI answers exactly
one JSON line per input line. The books are then checked through Postgres.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
EXECORA = ROOT / ".venv" / "bin" / "execora"


def chat_env(database_url: str, redis_url: str, data_dir: Path) -> dict[str, str]:
    """The process environment: test services, no vendor keys, a private data dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "DEEPGRAM", "ELEVENLABS", "TWILIO"))}
    env.update(DATABASE_URL=database_url, REDIS_URL=redis_url, DATA_DIR=str(data_dir), LOG_LEVEL="WARNING")
    return env


def _command() -> list[str]:
    if EXECORA.exists():
        return [str(EXECORA), "chat"]
    return [sys.executable, "-m", "app.cli", "chat"]


async def chat(
    phone: str, lines: list[dict[str, Any] | str], *, env: dict[str, str], timeout_s: float = 60.0
) -> list[dict[str, Any]]:
    """Send `lines` (dicts become JSON; strings go as they are) and return one parsed answer per line."""
    raw = "".join((json.dumps(x) if isinstance(x, dict) else x) + "\n" for x in lines)
    proc = await asyncio.create_subprocess_exec(
        *_command(), "--phone", phone, "--jsonl", stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env, cwd=str(ROOT),
    )
    out, err = await asyncio.wait_for(proc.communicate(raw.encode()), timeout=timeout_s)
    assert proc.returncode == 0, err.decode()[-2000:]
    answers = [json.loads(line) for line in out.decode().splitlines() if line.strip()]
    assert len(answers) == len(lines), (answers, err.decode()[-2000:])
    return answers


def says(*sentences: str) -> list[dict[str, Any] | str]:
    """Input lines for spoken sentences."""
    return [{"say": s} for s in sentences]
