"""/api/summary: the day's takings for an Asia/Kolkata date."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from app.api.auth import ShopDep
from app.api.schemas import MAX_DATE, MIN_DATE, SummaryOut, summary_view

router = APIRouter(prefix="/summary", tags=["summary"])


@router.get("/daily", response_model=SummaryOut, summary="Sales by mode, collections, udhaar, invoice count, top products")
async def daily_summary(
    request: Request, shop: ShopDep,
    date_: Annotated[date | None, Query(alias="date", ge=MIN_DATE, le=MAX_DATE, description="YYYY-MM-DD; default: today in India")] = None,
) -> dict[str, Any]:
    books = request.app.state.books
    summary = await books.daily_summary(shop.id, date_)
    return summary_view(summary, await books.total_outstanding(shop.id))
