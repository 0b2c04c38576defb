"""Business errors as speakable reply parameters and JSON-able results."""

from __future__ import annotations

from typing import Any

from business.errors import ExecoraError


def qty(value: Any) -> str:
    """"1.5" for Decimal("1.500"), "2" for 2."""
    text = format(value, "f") if hasattr(value, "as_tuple") else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def error_params(exc: ExecoraError) -> dict[str, Any]:
    """Flat, speakable fields for an error's reply (names, not ids)."""
    params: dict[str, Any] = {}
    query = getattr(exc, "query", None)
    if query is not None:
        params["name"] = str(query)
        params["customer"] = str(query)
        params["product"] = str(query)
    shortfalls = getattr(exc, "shortfalls", None)
    if shortfalls:
        params["product"] = shortfalls[0].product_name
        params["available"] = qty(shortfalls[0].available)
        params["unit"] = shortfalls[0].unit
    return params


def jsonable(details: dict[str, Any]) -> dict[str, Any]:
    """Error details that JSON can hold (anything else as text)."""
    out: dict[str, Any] = {}
    for k, v in details.items():
        out[k] = v if isinstance(v, str | int | float | bool | list | dict) or v is None else str(v)
    return out
