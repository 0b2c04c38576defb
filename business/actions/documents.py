"""Documents: the data behind an invoice PDF, a customer statement, the GST report and the P&L.

Each action reads in one unit of work and returns a `business.documents` model
with every figure computed; rendering (PDF, CSV bytes) happens outside business.
"""

from __future__ import annotations

from datetime import date

from business.actions.customers import load_customer
from business.actions.runner import ActionRunner
from business.actions.shops import load_shop
from business.documents.gst_report import GstReport, gst_report
from business.documents.invoice_doc import InvoiceDocument, invoice_document
from business.documents.period import Month
from business.documents.pnl import PnlSummary, pnl_summary
from business.documents.statement_doc import StatementDocument, statement_document
from business.errors import InvoiceNotFound
from business.models import Invoice, Statement, StatementLine
from business.ports import UnitOfWork

_ALL = 1_000_000  # a month's bills: no page limit


async def _month_invoices(uow: UnitOfWork, shop_id: int, month: Month) -> list[Invoice]:
    since, until = month.bounds
    return await uow.invoices.list_all(shop_id, since=since, until=until, limit=_ALL)


class DocumentActions(ActionRunner):
    async def invoice_document(self, shop_id: int, invoice_id: int) -> InvoiceDocument:
        """Raises InvoiceNotFound (also for another shop's invoice)."""

        async def run(uow: UnitOfWork) -> InvoiceDocument:
            shop = await load_shop(uow, shop_id)
            inv = await uow.invoices.get(shop_id, invoice_id)
            if inv is None:
                raise InvoiceNotFound(invoice_id)
            customer = await uow.customers.get(shop_id, inv.customer_id) if inv.customer_id else None
            return invoice_document(shop, inv, customer)

        return await self._read(run)

    async def statement_document(
        self, shop_id: int, customer_id: int, period_from: date | None = None, period_to: date | None = None
    ) -> StatementDocument:
        """Entries from `period_from` to `period_to` (Asia/Kolkata dates, both included) with the
        opening and closing balance. Raises CustomerNotFound, ValidationError."""

        async def run(uow: UnitOfWork) -> StatementDocument:
            shop = await load_shop(uow, shop_id)
            customer = await load_customer(uow, shop_id, customer_id)
            running, lines = 0, []
            for e in await uow.ledger.for_customer(shop_id, customer_id):
                running += e.amount_paise
                lines.append(StatementLine(e, running))
            invoices = await uow.invoices.list_all(shop_id, customer_id=customer_id, limit=_ALL)
            numbers = {i.id: i.invoice_no for i in invoices}
            statement = Statement(customer, tuple(lines), running)
            return statement_document(shop, statement, period_from, period_to, numbers)

        return await self._read(run)

    async def gst_report(self, shop_id: int, month: Month) -> GstReport:
        async def run(uow: UnitOfWork) -> GstReport:
            shop = await load_shop(uow, shop_id)
            return gst_report(shop, month, await _month_invoices(uow, shop_id, month))

        return await self._read(run)

    async def pnl_summary(self, shop_id: int, month: Month) -> PnlSummary:
        async def run(uow: UnitOfWork) -> PnlSummary:
            await load_shop(uow, shop_id)
            return pnl_summary(shop_id, month, await _month_invoices(uow, shop_id, month))

        return await self._read(run)
