"""`execora migrate`, `execora shop add`, `execora seed --demo` against a fresh database."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import main as cli
from tests.conftest import _create_database, _drop_database, _dsn_for


@pytest.fixture
def fresh_db(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> Iterator[str]:
    """An empty database (no migrations) named by DATABASE_URL for the commands."""
    name = f"execora_cli_{secrets.token_hex(4)}"
    asyncio.run(_create_database(name))
    dsn = _dsn_for(name)
    monkeypatch.setenv("DATABASE_URL", dsn)
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.chdir(data_dir)  # no stray .env
    try:
        yield dsn
    finally:
        asyncio.run(_drop_database(name))


def test_migrate_shop_add_and_seed(fresh_db: str, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["migrate"]) == 0
    assert "applied: 0001" in capsys.readouterr().out
    assert cli(["migrate"]) == 0
    assert "up to date" in capsys.readouterr().out

    assert cli(["shop", "add", "--name", "Gupta General Store", "--phone", "+919811122233", "--pin", "4321"]) == 0
    created = json.loads(capsys.readouterr().out)
    assert isinstance(created["shop_id"], int) and created["api_key"].startswith("exk_")
    assert "pin" not in created  # given, so not printed

    # Without --pin the owner gets a generated PIN, printed once; with DTMF logins, the random login code.
    assert cli(["shop", "add", "--name", "Pin Store", "--phone", "+919811122244", "--allow-dtmf-login"]) == 0
    generated = json.loads(capsys.readouterr().out)
    assert len(generated["pin"]) == 6 and generated["pin"].isdigit()
    assert len(generated["login_code"]) == 9 and generated["login_code"] != str(generated["shop_id"])

    assert cli(["shop", "add", "--name", "Another", "--phone", "12"]) == 1
    err = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert err["error"]["code"] == "validation_error"

    assert cli(["seed", "--demo"]) == 0
    demo = json.loads(capsys.readouterr().out)
    assert demo["created"] is True and demo["name"] == "Sharma Kirana Store"
    assert demo["owner_phone"] == "+919800000001" and demo["api_key"].startswith("exk_")
    assert (data_dir / "demo_shop.json").stat().st_mode & 0o077 == 0  # the key file is private

    assert cli(["seed", "--demo"]) == 0  # idempotent: same shop, same key
    again = json.loads(capsys.readouterr().out)
    assert again["created"] is False
    assert (again["shop_id"], again["api_key"]) == (demo["shop_id"], demo["api_key"])

    # The key file lost: the key is re-issued (the old one stops working), the shop stays the same.
    (data_dir / "demo_shop.json").unlink()
    assert cli(["seed", "--demo"]) == 0
    reissued = json.loads(capsys.readouterr().out)
    assert reissued["created"] is False and reissued["shop_id"] == demo["shop_id"]
    assert reissued["api_key"].startswith("exk_") and reissued["api_key"] != demo["api_key"]
    assert json.loads((data_dir / "demo_shop.json").read_text())["api_key"] == reissued["api_key"]

    assert cli(["seed"]) == 2
