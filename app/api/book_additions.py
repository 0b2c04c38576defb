"""/api: tier prices per product, moving and finding reminders, removing stock with a reason.

Beside the products and reminders routers (which keep their own routes).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import AwareDatetime, Field

from app.api.auth import IdempotencyKeyDep, ShopDep
from app.api.deps import BooksDep
from app.api.reminders import ReminderOut
from app.api.schemas import MAX_ID, Body, Paise, Quantity

router = APIRouter(tags=["products", "reminders"])

Ident = Annotated[int, Path(ge=1, le=MAX_ID)]


class TierPriceIn(Body):
    tier: Literal["retail", "wholesale", "dealer"]
    price_paise: Annotated[Paise, Field(ge=0)]


class RescheduleIn(Body):
    due_at: AwareDatetime = Field(examples=["2026-12-01T17:00:00+05:30"])


class StockRemoveIn(Body):
    quantity: Quantity
    unit: str | None = Field(default=None, max_length=20)
    reason: Literal["damaged", "returned", "own_use", "other"] = "other"
    note: str = Field(default="", max_length=500)


@router.post("/products/{product_id}/prices", summary="Set a product's price for a tier; every tier's price back")
async def set_product_price(
    books: BooksDep, shop: ShopDep, product_id: Ident, body: TierPriceIn, idempotency_key: IdempotencyKeyDep
) -> dict[str, int]:
    return await books.set_product_price(
        shop.id, product_id, body.tier, body.price_paise, idempotency_key=idempotency_key
    )


@router.get("/products/{product_id}/prices", summary="Every tier's price (missing tiers at retail)")
async def product_prices(books: BooksDep, shop: ShopDep, product_id: Ident) -> dict[str, int]:
    return await books.product_prices(shop.id, product_id)


@router.post("/products/{product_id}/stock/remove", summary="Stock out other than by sale, with a reason")
async def remove_stock(
    books: BooksDep, shop: ShopDep, product_id: Ident, body: StockRemoveIn, idempotency_key: IdempotencyKeyDep
) -> dict[str, object]:
    change = await books.remove_stock(
        shop.id, product_id, body.quantity, body.unit, note=body.note, reason=body.reason,
        idempotency_key=idempotency_key,
    )
    return {"product_id": change.product.id, "stock_milli": change.product.stock_milli,
            "move_id": change.move.id if change.move else None, "reason": body.reason}


@router.post("/reminders/{reminder_id}/reschedule", summary="Move a scheduled reminder")
async def reschedule_reminder(
    books: BooksDep, shop: ShopDep, reminder_id: Ident, body: RescheduleIn, idempotency_key: IdempotencyKeyDep
) -> ReminderOut:
    r = await books.reschedule_reminder(shop.id, reminder_id, body.due_at, idempotency_key=idempotency_key)
    return ReminderOut.model_validate(r)


@router.get("/reminders/find", summary="Reminders by customer and/or near a time, best first")
async def find_reminders(
    books: BooksDep, shop: ShopDep,
    customer_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    around: Annotated[AwareDatetime | None, Query()] = None,
    status: Annotated[str | None, Query(pattern="^[a-z_]{1,20}$")] = "scheduled",
) -> list[ReminderOut]:
    found = await books.find_reminders(shop.id, customer_id=customer_id, status=status, around=around)
    return [ReminderOut.model_validate(r) for r in found]
