"""The REST API under /api: every route needs `Authorization: Bearer <shop api key>`.

One module per resource (`customers`, `products`, `invoices`, `ledger`,
`reminders`, `summary`, `calls`, `outbox`), each holding its request bodies
(`*In`), its response models (`*Out`, read off the business dataclasses with
`Model.model_validate(obj)`) and its routes; `schemas` has what they share,
`deps` the typed dependencies (`BooksDep`, `PoolDep`, ...) for what the
lifespan put on `app.state`. `api_router` bundles the /api routers for `app.main`.
"""

from __future__ import annotations

from fastapi import APIRouter

from app.api import (
    book_additions,
    customer_changes,
    customers,
    documents,
    invoices,
    ledger,
    products,
    reminders,
    summary,
)
from app.api.errors import ERROR_RESPONSES

api_router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)
for _module in (
    customers, customer_changes, products, invoices, ledger, reminders, book_additions, summary, documents
):
    api_router.include_router(_module.router)

__all__ = ["api_router"]
