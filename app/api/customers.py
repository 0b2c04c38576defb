"""/api/customers: add, fetch and search a shop's customers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import AfterValidator, Field

from app.api.auth import IdempotencyKeyDep, ShopDep
from app.api.deps import BooksDep
from app.api.errors import ApiError
from app.api.schemas import MAX_ID, Body, Out, Paise, Timestamp, attributes
from business.models import CustomerMatch

router = APIRouter(prefix="/customers", tags=["customers"])


class CustomerIn(Body):
    name: str = Field(min_length=1, max_length=200, examples=["Rahul Verma"])
    phone: str | None = Field(default=None, max_length=32, examples=["+919812345678"])
    nicknames: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(default_factory=list, max_length=20)
    landmark: str = Field(default="", max_length=200, examples=["station road"])
    name_devanagari: str = Field(default="", max_length=200)
    whatsapp_opt_in: bool = False
    phone_confirmed: bool = Field(
        default=False,
        description="the owner vouches that the phone is the customer's; otherwise the customer is asked "
        "on WhatsApp (Reply YES) before the first reminder",
    )
    opening_balance_paise: Paise = 0


class CustomerOut(Out):
    """A `business.models.Customer`."""

    id: int
    name: str
    phone: str | None
    nicknames: list[str]
    landmark: str
    name_devanagari: str
    whatsapp_opt_in: bool
    phone_confirmed: bool
    balance_paise: int
    created_at: Timestamp


class CustomerMatchOut(CustomerOut):
    """A `CustomerMatch`: the customer's fields flattened, then how well they matched."""

    score: Annotated[float, AfterValidator(lambda s: round(s, 1))] = Field(description="0..100, best first")
    matched_on: str = Field(description="which field carried the match: name, nickname, landmark, phone, ...")

    @classmethod
    def of(cls, match: CustomerMatch) -> CustomerMatchOut:
        return cls.model_validate(attributes(match.customer, score=match.score, matched_on=match.matched_on))


@router.get("/search", summary="Ranked candidates for a name, nickname, landmark, phone or Devanagari")
async def search_customers(
    books: BooksDep, shop: ShopDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="What the shopkeeper said or typed")],
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> list[CustomerMatchOut]:
    if "\x00" in q:
        raise ApiError(422, "validation_error", "q: text must not contain NUL characters")
    return [CustomerMatchOut.of(m) for m in await books.search_customers(shop.id, q.strip(), limit=limit)]


@router.get("", summary="Every customer of the shop")
async def list_customers(books: BooksDep, shop: ShopDep) -> list[CustomerOut]:
    return [CustomerOut.model_validate(c) for c in await books.list_customers(shop.id)]


@router.get("/{customer_id}", summary="One customer with their balance")
async def get_customer(books: BooksDep, shop: ShopDep, customer_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> CustomerOut:
    return CustomerOut.model_validate(await books.get_customer(shop.id, customer_id))


@router.post("", status_code=201, summary="Add a customer (optional opening balance)")
async def add_customer(
    books: BooksDep, shop: ShopDep, body: CustomerIn, idempotency_key: IdempotencyKeyDep
) -> CustomerOut:
    customer = await books.add_customer(
        shop.id, body.name, phone=body.phone or None, nicknames=body.nicknames, landmark=body.landmark,
        name_devanagari=body.name_devanagari, whatsapp_opt_in=body.whatsapp_opt_in,
        opening_balance_paise=body.opening_balance_paise, idempotency_key=idempotency_key,
        phone_confirmed=body.phone_confirmed,
    )
    return CustomerOut.model_validate(customer)
