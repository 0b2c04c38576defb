"""`execora operator add` and the demo owner operator `seed`/`up` keep in the demo file."""

from __future__ import annotations

import asyncio
import json
import secrets
from pathlib import Path

import pytest

from app.cli import main as cli
from dashboard import passwords
from db import operators as operator_rows
from db.pool import create_pool


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> Path:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)  # no stray .env
    return tmp_path


def _password_ok(dsn: str, email: str, password: str) -> bool:
    async def check() -> bool:
        pool = await create_pool(dsn)
        try:
            async with pool.acquire() as conn:
                creds = await operator_rows.credentials_of(conn, email)
        finally:
            await pool.close()
        return creds is not None and passwords.verify_password(creds.password_hash, password)

    return asyncio.run(check())


def test_operator_add(env: Path, database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["shop", "add", "--name", "Cli Store", "--phone", "+9198" + str(secrets.randbelow(10**8)).zfill(8)]) == 0
    shop_id = json.loads(capsys.readouterr().out)["shop_id"]
    email = f"Owner-{secrets.token_hex(3)}@Shop.Example"
    assert cli(["operator", "add", "--email", email, "--role", "owner", "--shop", str(shop_id)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1  # one JSON line
    made = json.loads(out[0])
    assert made["email"] == email.lower() and made["role"] == "owner" and made["shop_id"] == shop_id
    assert len(made["password"]) >= passwords.MIN_PASSWORD_LEN
    assert _password_ok(database_url, email.lower(), made["password"])

    admin = f"admin-{secrets.token_hex(3)}@shop.example"
    assert cli(["operator", "add", "--email", admin, "--role", "admin", "--password", "a chosen long pw", "--totp"]) == 0
    made = json.loads(capsys.readouterr().out)
    assert "password" not in made and made["totp_uri"].startswith("otpauth://totp/")
    assert _password_ok(database_url, admin, "a chosen long pw")

    for bad in (["--email", email, "--role", "owner", "--shop", str(shop_id)],  # taken
                ["--email", "x@y.example", "--role", "admin", "--shop", str(shop_id)],  # admin with a shop
                ["--email", "x@y.example", "--role", "staff"],  # staff without one
                ["--email", "x@y.example", "--role", "staff", "--shop", "999999999"],  # no such shop
                ["--email", "not-an-email", "--role", "admin"],
                ["--email", "x@y.example", "--role", "admin", "--password", "short"]):
        assert cli(["operator", "add", *bad]) == 1, bad
        assert json.loads(capsys.readouterr().err)["error"]["code"] == "validation_error"


def test_seed_keeps_the_demo_owner_operator(env: Path, database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["seed", "--demo"]) == 0
    demo = json.loads(capsys.readouterr().out)
    assert demo["operator_email"] and demo["operator_password"]
    assert _password_ok(database_url, demo["operator_email"], demo["operator_password"])
    kept = json.loads((env / "demo_shop.json").read_text())
    assert kept["operator_password"] == demo["operator_password"] and kept["pin"] == demo["pin"]
    assert (env / "demo_shop.json").stat().st_mode & 0o077 == 0
    assert cli(["seed", "--demo"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["operator_password"] == demo["operator_password"]  # printed again, not changed
    (env / "demo_shop.json").unlink()
    assert cli(["seed", "--demo"]) == 0
    fresh = json.loads(capsys.readouterr().out)
    assert fresh["operator_password"] != demo["operator_password"]
    assert _password_ok(database_url, demo["operator_email"], fresh["operator_password"])
    assert not _password_ok(database_url, demo["operator_email"], demo["operator_password"])
