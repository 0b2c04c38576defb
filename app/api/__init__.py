"""The REST API under /api: every route needs `Authorization: Bearer <shop api key>`.

Routers per resource; `api_router` bundles them for `app.main`.
"""

from __future__ import annotations

from fastapi import APIRouter

from app.api import customers, invoices, ledger, products, reminders, summary
from app.api.schemas import ERROR_RESPONSES

api_router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)
for _module in (customers, products, invoices, ledger, reminders, summary):
    api_router.include_router(_module.router)

__all__ = ["api_router"]
