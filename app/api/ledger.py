"""/api/ledger: payments received, udhaar given, a customer's statement."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import AliasPath, Field, model_validator

from app.api.auth import IdempotencyKeyDep, ShopDep
from app.api.customers import CustomerOut
from app.api.deps import BooksDep
from app.api.schemas import MAX_ID, Body, Id, Out, Paise, PaymentModeField, Timestamp
from business.models import PaymentSplit

router = APIRouter(prefix="/ledger", tags=["ledger"])


class PaymentSplitIn(Body):
    amount_paise: Paise
    payment_mode: PaymentModeField


class PaymentIn(Body):
    customer_id: Id
    amount_paise: Paise | None = None
    payment_mode: PaymentModeField = "cash"
    splits: list[PaymentSplitIn] | None = Field(default=None, min_length=1, max_length=10)
    settle_full: bool = False
    note: str = Field(default="", max_length=500)

    @model_validator(mode="after")
    def _one_amount(self) -> PaymentIn:
        given = sum(x is not None and x is not False for x in (self.amount_paise, self.splits, self.settle_full or None))
        if given != 1:
            raise ValueError("give exactly one of amount_paise, splits or settle_full")
        return self


class CreditIn(Body):
    customer_id: Id
    amount_paise: Paise
    note: str = Field(default="", max_length=500)


class PaymentOut(Out):
    """A `business.models.Payment` (its `mode` answered as `payment_mode`, as the body names it)."""

    id: int
    amount_paise: int
    payment_mode: str = Field(validation_alias="mode")
    note: str
    received_at: Timestamp


class PaymentResultOut(Out):
    """A `business.models.PaymentResult`."""

    customer_id: int
    total_paise: int
    balance_paise: int = Field(description="after the payment")
    payments: list[PaymentOut]
    reminders_skipped: list[int] = Field(description="reminders no longer needed (balance cleared)")


def _entry(name: str) -> AliasPath:
    """A field read off the ledger entry a posting or statement line wraps."""
    return AliasPath("entry", name)


class PostingOut(Out):
    """A `business.models.LedgerPosting`: the entry's fields, then the balance after it."""

    id: int = Field(validation_alias=_entry("id"))
    customer_id: int = Field(validation_alias=_entry("customer_id"))
    kind: str = Field(validation_alias=_entry("kind"))
    amount_paise: int = Field(validation_alias=_entry("amount_paise"))
    note: str = Field(validation_alias=_entry("note"))
    created_at: Timestamp = Field(validation_alias=_entry("created_at"))
    balance_paise: int = Field(description="after the entry")


class StatementEntryOut(Out):
    """A `business.models.StatementLine`: its entry's fields and the running balance."""

    id: int = Field(validation_alias=_entry("id"))
    kind: str = Field(
        validation_alias=_entry("kind"), description="sale_credit, payment, udhaar, opening_balance or reversal"
    )
    amount_paise: int = Field(
        validation_alias=_entry("amount_paise"), description="positive: owes more; negative: owes less"
    )
    running_balance_paise: int
    note: str = Field(validation_alias=_entry("note"))
    invoice_id: int | None = Field(validation_alias=_entry("invoice_id"))
    payment_id: int | None = Field(validation_alias=_entry("payment_id"))
    reversal_of: int | None = Field(validation_alias=_entry("reversal_of"))
    created_at: Timestamp = Field(validation_alias=_entry("created_at"))


class StatementOut(Out):
    """A `business.models.Statement`."""

    customer: CustomerOut
    customer_id: int = Field(validation_alias=AliasPath("customer", "id"))
    balance_paise: int
    entries: list[StatementEntryOut] = Field(validation_alias="lines", description="oldest first")


@router.post("/payment", status_code=201, summary="Money received: one mode, split across modes, or settle in full")
async def record_payment(
    books: BooksDep, shop: ShopDep, body: PaymentIn, idempotency_key: IdempotencyKeyDep
) -> PaymentResultOut:
    splits = [PaymentSplit(amount_paise=s.amount_paise, mode=s.payment_mode) for s in body.splits or ()]
    result = await books.record_payment(
        shop.id, body.customer_id, body.amount_paise, body.payment_mode, splits=splits or None,
        settle_full=body.settle_full, note=body.note, idempotency_key=idempotency_key,
    )
    return PaymentResultOut.model_validate(result)


@router.post("/credit", status_code=201, summary="Udhaar given outside an invoice")
async def add_credit(
    books: BooksDep, shop: ShopDep, body: CreditIn, idempotency_key: IdempotencyKeyDep
) -> PostingOut:
    posting = await books.add_udhaar(
        shop.id, body.customer_id, body.amount_paise, note=body.note, idempotency_key=idempotency_key
    )
    return PostingOut.model_validate(posting)


@router.get("/{customer_id}", summary="Balance and every entry with its running balance, oldest first")
async def statement(books: BooksDep, shop: ShopDep, customer_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> StatementOut:
    return StatementOut.model_validate(await books.statement(shop.id, customer_id))
