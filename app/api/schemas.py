"""What every resource's request bodies and response models share (pydantic only at this edge).

Each resource module (`customers`, `products`, ...) holds its own bodies
(`*In`, built on `Body`) and response models (`*Out`, built on `Out` from the
business dataclasses with `Model.model_validate(obj)`), beside its routes.

Money is integer paise in fields named `*_paise` (strict integers: "500" or
500.5 are rejected); quantities are decimals in the product's unit
(1.5 kg), written as JSON numbers. Datetimes are ISO 8601 with an offset.
Unknown body fields are rejected, so a typo (`amount` for `amount_paise`)
is a 422, not a silently ignored value.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)

MAX_ID = 2**63 - 1  # bigint ids: larger numbers are 422, not a database error
Id = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]
# Dates a shop's books can mean; outside this a date is a typo (and year 1/9999 overflow day maths).
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2100, 12, 31)
MAX_PAISE = 10**12  # ₹1,000 crore: far above any shop's single action, far below bigint
Paise = Annotated[int, Field(strict=True, ge=-MAX_PAISE, le=MAX_PAISE, examples=[50000])]
Quantity = Annotated[Decimal, Field(max_digits=15, decimal_places=3, examples=[1.5])]


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


# "UPI" and " Cash " are the same modes as "upi" and "cash".
PaymentModeField = Annotated[Literal["cash", "upi", "card", "cheque", "bank"], BeforeValidator(_lower)]
InvoiceModeField = Annotated[Literal["credit", "cash", "upi", "card", "cheque", "bank"], BeforeValidator(_lower)]


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class Body(BaseModel):
    """A request body: stripped strings, unknown fields and NUL characters refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nul_characters(cls, data: Any) -> Any:
        """PostgreSQL text cannot hold NUL: refuse it here as bad input, not a 500 later."""
        if _has_nul(data):
            raise ValueError("text must not contain NUL characters")
        return data


class Out(BaseModel):
    """A response model, read off a business dataclass's attributes (`Model.model_validate(obj)`)."""

    model_config = ConfigDict(from_attributes=True)


def quantity_json(value: Decimal) -> int | float:
    """1.500 -> 1.5, 2.000 -> 2: JSON numbers without trailing zeros."""
    return int(value) if value == value.to_integral_value() else float(value)


# `datetime.isoformat()` exactly ("+00:00", not pydantic's "Z"), so answers stay what clients parse today.
Timestamp = Annotated[
    datetime,
    PlainSerializer(datetime.isoformat, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]
# A quantity as a JSON number without trailing zeros.
JsonQuantity = Annotated[Decimal, PlainSerializer(quantity_json, return_type=int | float)]


def attributes(obj: Any, **extra: Any) -> dict[str, Any]:
    """A dataclass's fields plus what a response adds that the dataclass does not hold."""
    return {**{f.name: getattr(obj, f.name) for f in fields(obj)}, **extra}
