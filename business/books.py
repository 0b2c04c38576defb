"""`Books`: the one facade the rest of Execora calls for the shop's books.

One method per business action; each runs in one unit of work (one database
transaction) and accepts `idempotency_key`: a replay with the same key returns
the first result and posts nothing. Errors are `business.errors` subclasses.
Job-queue calls (reminder timers) happen only after the commit.

The use cases live by aggregate in `business.actions` (shops, customers,
products and stock, invoices, ledger and payments, reminders, reports); the
shared runner (unit of work, idempotency, after-commit hooks) is
`business.actions.runner`. New actions go into their aggregate's module.
"""

from __future__ import annotations

from business.actions.customers import CustomerActions
from business.actions.deliveries import DeliveryActions
from business.actions.disputes import DisputeActions
from business.actions.documents import DocumentActions
from business.actions.invoices import InvoiceActions, ItemLike
from business.actions.ledger import LedgerActions
from business.actions.products import ProductActions, QuantityLike
from business.actions.reminders import ReminderActions
from business.actions.reports import ReportActions
from business.actions.shops import ShopActions

__all__ = ["Books", "ItemLike", "QuantityLike"]


class Books(
    ShopActions, CustomerActions, ProductActions, InvoiceActions, LedgerActions, ReminderActions, ReportActions,
    DocumentActions, DeliveryActions, DisputeActions,
):
    """The shop's books. Build once per process: `Books(PostgresUnitOfWorkFactory(pool), jobs=...)`."""
