"""/api/customers: add, fetch and search a shop's customers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from app.api.auth import IdempotencyKeyDep, ShopDep
from app.api.errors import ApiError
from app.api.schemas import MAX_ID, CustomerIn, CustomerMatchOut, CustomerOut, customer_view, match_view

router = APIRouter(prefix="/customers", tags=["customers"])


@router.get("/search", response_model=list[CustomerMatchOut], summary="Ranked candidates for a name, nickname, landmark, phone or Devanagari")
async def search_customers(
    request: Request, shop: ShopDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="What the shopkeeper said or typed")],
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> list[dict[str, Any]]:
    if "\x00" in q:
        raise ApiError(422, "validation_error", "q: text must not contain NUL characters")
    matches = await request.app.state.books.search_customers(shop.id, q.strip(), limit=limit)
    return [match_view(m) for m in matches]


@router.get("", response_model=list[CustomerOut], summary="Every customer of the shop")
async def list_customers(request: Request, shop: ShopDep) -> list[dict[str, Any]]:
    return [customer_view(c) for c in await request.app.state.books.list_customers(shop.id)]


@router.get("/{customer_id}", response_model=CustomerOut, summary="One customer with their balance")
async def get_customer(request: Request, shop: ShopDep, customer_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> dict[str, Any]:
    return customer_view(await request.app.state.books.get_customer(shop.id, customer_id))


@router.post("", response_model=CustomerOut, status_code=201, summary="Add a customer (optional opening balance)")
async def add_customer(
    request: Request, shop: ShopDep, body: CustomerIn, idempotency_key: IdempotencyKeyDep
) -> dict[str, Any]:
    customer = await request.app.state.books.add_customer(
        shop.id, body.name, phone=body.phone or None, nicknames=body.nicknames, landmark=body.landmark,
        name_devanagari=body.name_devanagari, whatsapp_opt_in=body.whatsapp_opt_in,
        opening_balance_paise=body.opening_balance_paise, idempotency_key=idempotency_key,
    )
    return customer_view(customer)
