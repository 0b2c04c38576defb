"""Log lines that say which call they are about: `[call=CA…1a2b shop=7]`.

The root log format prints only the message, so the context goes into it (and
into `extra` for structured handlers). CallSids are shortened; phone numbers,
transcripts and secrets never go into INFO lines.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any


def short_sid(call_sid: str) -> str:
    return f"{call_sid[:2]}…{call_sid[-6:]}" if len(call_sid) > 10 else call_sid


class CallLog(logging.LoggerAdapter):  # type: ignore[type-arg]
    """A logger bound to one call (and shop)."""

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        extra = dict(self.extra or {})
        kwargs["extra"] = {**extra, **kwargs.get("extra", {})}
        shop = f" shop={extra['shop_id']}" if extra.get("shop_id") is not None else ""
        return f"[call={short_sid(str(extra.get('call_sid', '')))}{shop}] {msg}", kwargs


def call_log(name: str, call_sid: str, shop_id: int | None = None) -> CallLog:
    return CallLog(logging.getLogger(name), {"call_sid": call_sid, "shop_id": shop_id})
