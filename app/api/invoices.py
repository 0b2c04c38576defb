"""/api/invoices: bill a customer (or a walk-in), list bills, cancel one."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from app.api.auth import IdempotencyKeyDep, ShopDep
from app.api.schemas import MAX_DATE, MAX_ID, MIN_DATE, InvoiceIn, InvoiceOut, invoice_view
from business.models import ItemRequest

router = APIRouter(prefix="/invoices", tags=["invoices"])


@router.get("", response_model=list[InvoiceOut], summary="Invoices, newest first")
async def list_invoices(
    request: Request, shop: ShopDep,
    customer_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    date_: Annotated[date | None, Query(alias="date", ge=MIN_DATE, le=MAX_DATE, description="An Asia/Kolkata date, YYYY-MM-DD")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[dict[str, Any]]:
    invoices = await request.app.state.books.list_invoices(shop.id, customer_id=customer_id, day=date_, limit=limit)
    return [invoice_view(inv) for inv in invoices]


@router.get("/{invoice_id}", response_model=InvoiceOut, summary="One invoice with its lines")
async def get_invoice(request: Request, shop: ShopDep, invoice_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> dict[str, Any]:
    return invoice_view(await request.app.state.books.get_invoice(shop.id, invoice_id))


@router.post("", response_model=InvoiceOut, status_code=201, summary="Create an invoice: stock checked and decremented, GST optional")
async def create_invoice(
    request: Request, shop: ShopDep, body: InvoiceIn, idempotency_key: IdempotencyKeyDep
) -> dict[str, Any]:
    items = [ItemRequest(product=item.ref, quantity=item.quantity, unit=item.unit or None) for item in body.items]
    invoice = await request.app.state.books.create_invoice(
        shop.id, body.customer_id, items, payment_mode=body.payment_mode, with_gst=body.with_gst,
        supply_type=body.supply_type, idempotency_key=idempotency_key,
    )
    return invoice_view(invoice)


@router.post("/{invoice_id}/cancel", response_model=InvoiceOut, summary="Cancel: reversal entries, the number stays used")
async def cancel_invoice(
    request: Request, shop: ShopDep, invoice_id: Annotated[int, Path(ge=1, le=MAX_ID)], idempotency_key: IdempotencyKeyDep
) -> dict[str, Any]:
    invoice = await request.app.state.books.cancel_invoice(shop.id, invoice_id, idempotency_key=idempotency_key)
    return invoice_view(invoice)
