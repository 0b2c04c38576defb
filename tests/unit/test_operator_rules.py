"""Operator roles, email checks and the password/TOTP helpers (pure; no I/O)."""

from __future__ import annotations

import pyotp
import pytest

from business.errors import ValidationError
from business.operators import Operator, check_role, normalize_email
from dashboard import passwords


def _op(role: str, shop_id: int | None, disabled: bool = False) -> Operator:
    return Operator(id=1, email="a@b.example", role=role, shop_id=shop_id, has_totp=False, disabled=disabled,
                    session_epoch=0)


def test_roles() -> None:
    admin, owner, staff = _op("admin", None), _op("owner", 7), _op("staff", 7)
    assert admin.can_read(7) and admin.can_read(8) and not admin.can_correct(7)
    assert owner.can_read(7) and not owner.can_read(8) and owner.can_correct(7) and not owner.can_correct(8)
    assert staff.can_read(7) and not staff.can_correct(7)
    assert not owner.can_read(None) and admin.can_read(None)
    assert not _op("owner", 7, disabled=True).can_read(7) and not _op("owner", 7, disabled=True).can_correct(7)


def test_emails_and_role_checks() -> None:
    assert normalize_email("  Owner@Shop.Example ") == "owner@shop.example"
    for bad in ("", "no-at", "a@b", "a b@c.example", "@c.example", "a@c.example" + "x" * 300):
        with pytest.raises(ValidationError):
            normalize_email(bad)
    assert check_role("admin", None) == "admin" and check_role("staff", 3) == "staff"
    for role, shop in (("admin", 3), ("owner", None), ("root", None)):
        with pytest.raises(ValidationError):
            check_role(role, shop)


def test_passwords_and_totp() -> None:
    h = passwords.hash_password("a long enough password")
    assert h.startswith("$argon2id$")
    assert passwords.verify_password(h, "a long enough password")
    assert not passwords.verify_password(h, "another password")
    assert not passwords.verify_password(None, "a long enough password")  # unknown email: dummy hash, False
    assert not passwords.verify_password(h, "x" * 5000)
    assert passwords.check_password_rules("short") and passwords.check_password_rules("x" * 12) is None
    secret = passwords.new_totp_secret()
    now = 1_700_000_000.0
    code = pyotp.TOTP(secret).at(now)
    step = passwords.totp_step(secret, code, at=now)
    assert step == int(now // 30)
    assert passwords.totp_step(secret, code, at=now + 30) == step  # one step of drift
    assert passwords.totp_step(secret, code, at=now + 120) is None
    assert passwords.totp_step(secret, "12345", at=now) is None and passwords.totp_step(secret, "abcdef") is None
    assert passwords.totp_uri(secret, "a@b.example").startswith("otpauth://totp/Execora:a%40b.example")
