"""/api/customers/{id}: change a customer (with history), add a nickname, set the price tier, read the history.

Beside `app.api.customers` (add, fetch, search); every change here appends history rows.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from pydantic import Field

from app.api.auth import IdempotencyKeyDep, ShopDep
from app.api.customers import CustomerOut
from app.api.deps import BooksDep
from app.api.schemas import MAX_ID, Body, Out, Timestamp

router = APIRouter(prefix="/customers", tags=["customers"])

CustomerId = Annotated[int, Path(ge=1, le=MAX_ID)]


class CustomerChangeIn(Body):
    """Only the fields given change; "" clears a phone or email."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=32)
    nicknames: list[Annotated[str, Field(min_length=1, max_length=100)]] | None = Field(default=None, max_length=20)
    landmark: str | None = Field(default=None, max_length=200)
    name_devanagari: str | None = Field(default=None, max_length=200)
    whatsapp_opt_in: bool | None = None
    email: str | None = Field(default=None, max_length=254)
    phone_confirmed: bool | None = Field(
        default=None, description="the owner confirms (true) or withdraws (false) the customer's number; "
        "a changed phone is unconfirmed again",
    )


class NicknameIn(Body):
    nickname: str = Field(min_length=1, max_length=100, examples=["Pappu"])


class TierIn(Body):
    tier: Literal["retail", "wholesale", "dealer"]


class CustomerChangeOut(Out):
    """A `business.customer_history.CustomerChange`."""

    id: int
    customer_id: int
    field: str
    old_value: Any
    new_value: Any
    via: str
    changed_at: Timestamp


class CustomerTierOut(CustomerOut):
    price_tier: str
    email: str | None


@router.post("/{customer_id}/update", summary="Change a customer's fields (each change is kept in the history)")
async def update_customer(
    books: BooksDep, shop: ShopDep, customer_id: CustomerId, body: CustomerChangeIn,
    idempotency_key: IdempotencyKeyDep,
) -> CustomerTierOut:
    c = await books.update_customer(
        shop.id, customer_id, **body.model_dump(exclude_none=True), via="api", idempotency_key=idempotency_key
    )
    return CustomerTierOut.model_validate(c)


@router.post("/{customer_id}/nicknames", summary="Add a nickname beside the others")
async def add_nickname(
    books: BooksDep, shop: ShopDep, customer_id: CustomerId, body: NicknameIn, idempotency_key: IdempotencyKeyDep
) -> CustomerTierOut:
    c = await books.add_customer_nickname(shop.id, customer_id, body.nickname, idempotency_key=idempotency_key)
    return CustomerTierOut.model_validate(c)


@router.post("/{customer_id}/tier", summary="The price tier the customer's bills use by default")
async def set_tier(
    books: BooksDep, shop: ShopDep, customer_id: CustomerId, body: TierIn, idempotency_key: IdempotencyKeyDep
) -> CustomerTierOut:
    c = await books.set_customer_tier(shop.id, customer_id, body.tier, idempotency_key=idempotency_key)
    return CustomerTierOut.model_validate(c)


@router.get("/{customer_id}/history", summary="Every change to the customer, oldest first")
async def history(books: BooksDep, shop: ShopDep, customer_id: CustomerId) -> list[CustomerChangeOut]:
    return [CustomerChangeOut.model_validate(h) for h in await books.customer_history(shop.id, customer_id)]
