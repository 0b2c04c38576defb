"""Free-text input checks every aggregate shares (names, notes, landmarks, aliases)."""

from __future__ import annotations

from collections.abc import Sequence

from business.errors import ValidationError


def text(value: object, field: str, *, required: bool = False, max_len: int = 500) -> str:
    """Whitespace-collapsed text; ValidationError when not text, missing (if required) or too long."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be text", field)
    cleaned = " ".join(value.split())
    if required and not cleaned:
        raise ValidationError(f"{field} is required", field)
    if len(cleaned) > max_len:
        raise ValidationError(f"{field} is too long", field)
    return cleaned


def names(values: Sequence[str] | None) -> list[str]:
    """Nicknames/aliases: cleaned, de-duplicated in order, at most 20 (a lone string is one name)."""
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for v in values or ():
        t = text(v, "nicknames", max_len=200)
        if t and t not in out:
            out.append(t)
    return out[:20]
