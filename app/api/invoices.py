"""/api/invoices: bill a customer (or a walk-in), list bills, cancel one."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import Field, model_validator

from app.api.auth import IdempotencyKeyDep, ShopDep
from app.api.deps import BooksDep
from app.api.schemas import (
    MAX_DATE,
    MAX_ID,
    MIN_DATE,
    Body,
    Id,
    InvoiceModeField,
    JsonQuantity,
    Out,
    Quantity,
    Timestamp,
)
from business.models import ItemRequest

router = APIRouter(prefix="/invoices", tags=["invoices"])


class InvoiceItemIn(Body):
    product_id: Id | None = None
    product: str | None = Field(
        default=None, min_length=1, max_length=200, description="A product name or alias (fuzzy, Hindi too)"
    )
    product_name: str | None = Field(default=None, min_length=1, max_length=200, description="Same as `product`")
    quantity: Quantity
    unit: str | None = Field(default=None, max_length=20, description="Default: the product's own unit")

    @model_validator(mode="after")
    def _one_product(self) -> InvoiceItemIn:
        given = [x for x in (self.product_id, self.product, self.product_name) if x is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of product_id or product (a name)")
        return self

    @property
    def ref(self) -> int | str:
        if self.product_id is not None:
            return self.product_id
        return str(self.product if self.product is not None else self.product_name)


class InvoiceIn(Body):
    customer_id: Id | None = Field(
        default=None, description="Absent for a walk-in (then payment_mode cannot be credit)"
    )
    items: list[InvoiceItemIn] = Field(min_length=1, max_length=100)
    payment_mode: InvoiceModeField = "credit"
    with_gst: bool = False
    supply_type: Literal["intrastate", "interstate"] = "intrastate"


class InvoiceLineOut(Out):
    """A `business.models.InvoiceLine` (quantity as asked, in `unit`)."""

    line_no: int
    product_id: int
    description: str
    hsn: str
    quantity: JsonQuantity
    unit: str
    unit_price_paise: int
    taxable_paise: int
    gst_rate_bp: int
    cgst_paise: int
    sgst_paise: int
    igst_paise: int
    total_paise: int


class InvoiceOut(Out):
    """A `business.models.Invoice` with its lines."""

    id: int
    invoice_no: str = Field(description="unique and consecutive per shop and financial year, <= 16 characters")
    fy: str
    customer_id: int | None
    customer_name: str
    status: str = Field(description="issued or cancelled")
    payment_mode: str
    with_gst: bool
    supply_type: str
    subtotal_paise: int
    cgst_paise: int
    sgst_paise: int
    igst_paise: int
    round_off_paise: int
    total_paise: int
    issued_at: Timestamp
    cancelled_at: Timestamp | None
    lines: list[InvoiceLineOut]


@router.get("", summary="Invoices, newest first")
async def list_invoices(
    books: BooksDep, shop: ShopDep,
    customer_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    date_: Annotated[date | None, Query(alias="date", ge=MIN_DATE, le=MAX_DATE, description="An Asia/Kolkata date, YYYY-MM-DD")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[InvoiceOut]:
    invoices = await books.list_invoices(shop.id, customer_id=customer_id, day=date_, limit=limit)
    return [InvoiceOut.model_validate(inv) for inv in invoices]


@router.get("/{invoice_id}", summary="One invoice with its lines")
async def get_invoice(books: BooksDep, shop: ShopDep, invoice_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> InvoiceOut:
    return InvoiceOut.model_validate(await books.get_invoice(shop.id, invoice_id))


@router.post("", status_code=201, summary="Create an invoice: stock checked and decremented, GST optional")
async def create_invoice(
    books: BooksDep, shop: ShopDep, body: InvoiceIn, idempotency_key: IdempotencyKeyDep
) -> InvoiceOut:
    items = [ItemRequest(product=item.ref, quantity=item.quantity, unit=item.unit or None) for item in body.items]
    invoice = await books.create_invoice(
        shop.id, body.customer_id, items, payment_mode=body.payment_mode, with_gst=body.with_gst,
        supply_type=body.supply_type, idempotency_key=idempotency_key,
    )
    return InvoiceOut.model_validate(invoice)


@router.post("/{invoice_id}/cancel", summary="Cancel: reversal entries, the number stays used")
async def cancel_invoice(
    books: BooksDep, shop: ShopDep, invoice_id: Annotated[int, Path(ge=1, le=MAX_ID)], idempotency_key: IdempotencyKeyDep
) -> InvoiceOut:
    return InvoiceOut.model_validate(await books.cancel_invoice(shop.id, invoice_id, idempotency_key=idempotency_key))
