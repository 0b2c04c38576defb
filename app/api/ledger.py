"""/api/ledger: payments received, udhaar given, a customer's statement."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from app.api.auth import IdempotencyKeyDep, ShopDep
from app.api.schemas import (
    MAX_ID,
    CreditIn,
    PaymentIn,
    PaymentResultOut,
    PostingOut,
    StatementOut,
    payment_view,
    posting_view,
    statement_view,
)
from business.models import PaymentSplit

router = APIRouter(prefix="/ledger", tags=["ledger"])


@router.post("/payment", response_model=PaymentResultOut, status_code=201, summary="Money received: one mode, split across modes, or settle in full")
async def record_payment(
    request: Request, shop: ShopDep, body: PaymentIn, idempotency_key: IdempotencyKeyDep
) -> dict[str, Any]:
    splits = [PaymentSplit(amount_paise=s.amount_paise, mode=s.payment_mode) for s in body.splits or ()]
    result = await request.app.state.books.record_payment(
        shop.id, body.customer_id, body.amount_paise, body.payment_mode, splits=splits or None,
        settle_full=body.settle_full, note=body.note, idempotency_key=idempotency_key,
    )
    return payment_view(result)


@router.post("/credit", response_model=PostingOut, status_code=201, summary="Udhaar given outside an invoice")
async def add_credit(
    request: Request, shop: ShopDep, body: CreditIn, idempotency_key: IdempotencyKeyDep
) -> dict[str, Any]:
    posting = await request.app.state.books.add_udhaar(
        shop.id, body.customer_id, body.amount_paise, note=body.note, idempotency_key=idempotency_key
    )
    return posting_view(posting)


@router.get("/{customer_id}", response_model=StatementOut, summary="Balance and every entry with its running balance, oldest first")
async def statement(request: Request, shop: ShopDep, customer_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> dict[str, Any]:
    return statement_view(await request.app.state.books.statement(shop.id, customer_id))
