"""/api/summary: the day's takings for an Asia/Kolkata date."""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field

from app.api.auth import ShopDep
from app.api.deps import BooksDep
from app.api.schemas import MAX_DATE, MIN_DATE, JsonQuantity, Out, attributes
from business.models import DailySummary

router = APIRouter(prefix="/summary", tags=["summary"])


class TopProductOut(Out):
    """A `business.models.TopProduct`."""

    product_id: int
    name: str
    unit: str
    quantity: JsonQuantity
    amount_paise: int


class SummaryOut(Out):
    """A `business.models.DailySummary` plus the shop's total dues, which the day's figures do not hold."""

    date: dt.date = Field(description="Asia/Kolkata date")
    sales_paise: int
    sales_by_mode_paise: dict[str, int] = Field(validation_alias="sales_by_mode")
    collections_paise: int
    collections_by_mode_paise: dict[str, int] = Field(validation_alias="collections_by_mode")
    udhaar_paise: int
    invoice_count: int
    cancelled_count: int
    top_products: list[TopProductOut]
    total_outstanding_paise: int

    @classmethod
    def of(cls, summary: DailySummary, total_outstanding_paise: int) -> SummaryOut:
        return cls.model_validate(attributes(summary, total_outstanding_paise=total_outstanding_paise))


@router.get("/daily", summary="Sales by mode, collections, udhaar, invoice count, top products")
async def daily_summary(
    books: BooksDep, shop: ShopDep,
    date_: Annotated[date | None, Query(alias="date", ge=MIN_DATE, le=MAX_DATE, description="YYYY-MM-DD; default: today in India")] = None,
) -> SummaryOut:
    summary = await books.daily_summary(shop.id, date_)
    return SummaryOut.of(summary, await books.total_outstanding(shop.id))
