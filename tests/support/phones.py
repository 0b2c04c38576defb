"""Random Indian mobile numbers, so every test's shop and customers are its own."""

from __future__ import annotations

import secrets


def random_phone() -> str:
    return "+9198" + "".join(secrets.choice("0123456789") for _ in range(8))
