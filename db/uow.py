"""The Postgres unit of work: one pooled connection, one transaction, all repositories.

`async with PostgresUnitOfWorkFactory(pool)() as uow: ...; await uow.commit()`;
leaving without commit rolls back. Repositories share the connection and never
commit themselves.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from business.ports import UnitOfWorkFactory
from db.repos.customer_changes import PgCustomerChangeRepository
from db.repos.customers import PgCustomerRepository
from db.repos.deliveries import PgDocumentRepository, PgEntryNoteRepository
from db.repos.disputes import PgDisputeRepository
from db.repos.idempotency import PgIdempotencyRepository
from db.repos.invoices import PgInvoiceRepository
from db.repos.ledger import PgLedgerRepository, PgPaymentRepository
from db.repos.owner_notices import PgOwnerNoticeRepository
from db.repos.prices import PgProductPriceRepository
from db.repos.products import PgProductRepository, PgStockMoveRepository
from db.repos.reminders import PgReminderRepository
from db.repos.reports import PgReportRepository
from db.repos.shops import PgShopRepository


class PostgresUnitOfWork:
    shops: PgShopRepository
    customers: PgCustomerRepository
    customer_changes: PgCustomerChangeRepository
    products: PgProductRepository
    prices: PgProductPriceRepository
    stock_moves: PgStockMoveRepository
    invoices: PgInvoiceRepository
    ledger: PgLedgerRepository
    payments: PgPaymentRepository
    reminders: PgReminderRepository
    idempotency: PgIdempotencyRepository
    reports: PgReportRepository
    owner_notices: PgOwnerNoticeRepository
    documents: PgDocumentRepository
    entry_notes: PgEntryNoteRepository
    disputes: PgDisputeRepository

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._conn: asyncpg.Connection | PoolConnectionProxy | None = None
        self._tx: asyncpg.transaction.Transaction | None = None

    async def __aenter__(self) -> PostgresUnitOfWork:
        conn = await self._pool.acquire()
        try:
            tx = conn.transaction()
            await tx.start()
        except BaseException:
            await self._pool.release(conn)
            raise
        self._conn, self._tx = conn, tx
        c: asyncpg.Connection = conn  # type: ignore[assignment]
        self.shops = PgShopRepository(c)
        self.customers = PgCustomerRepository(c)
        self.customer_changes = PgCustomerChangeRepository(c)
        self.products = PgProductRepository(c)
        self.prices = PgProductPriceRepository(c)
        self.stock_moves = PgStockMoveRepository(c)
        self.invoices = PgInvoiceRepository(c)
        self.ledger = PgLedgerRepository(c)
        self.payments = PgPaymentRepository(c)
        self.reminders = PgReminderRepository(c)
        self.idempotency = PgIdempotencyRepository(c)
        self.reports = PgReportRepository(c)
        self.owner_notices = PgOwnerNoticeRepository(c)
        self.documents = PgDocumentRepository(c)
        self.entry_notes = PgEntryNoteRepository(c)
        self.disputes = PgDisputeRepository(c)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self._tx is not None:
                await self._tx.rollback()
        finally:
            self._tx = None
            if self._conn is not None:
                await self._pool.release(self._conn)
                self._conn = None

    async def commit(self) -> None:
        assert self._tx is not None, "commit outside the unit of work"
        await self._tx.commit()
        self._tx = None

    async def rollback(self) -> None:
        if self._tx is not None:
            await self._tx.rollback()
            self._tx = None


class PostgresUnitOfWorkFactory:
    """Callable that makes a unit of work on `pool` (what `Books` takes)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    def __call__(self) -> PostgresUnitOfWork:
        return PostgresUnitOfWork(self.pool)


if TYPE_CHECKING:  # mypy proves the adapter satisfies the business port

    def _satisfies_port(pool: asyncpg.Pool) -> UnitOfWorkFactory:
        return PostgresUnitOfWorkFactory(pool)
