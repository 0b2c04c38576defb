"""Deliveries: documents asked for (invoice PDF to the customer, GST CSV / P&L to the owner) and
the note a customer gets for each khata entry.

A document request writes its row (`requested`) and, after the commit, asks the
job queue to build and deliver it. Entry notes are written by the action that
posts the entry (`note_entry`, same transaction) and delivered after the commit.
"""

from __future__ import annotations

import logging

from business.actions.runner import ActionRunner, AfterCommit
from business.actions.shops import load_shop
from business.deliveries import GST_CSV, INVOICE_PDF, PNL_PDF, DocumentRequest, entry_note
from business.documents.period import Month
from business.errors import InvoiceNotFound, ValidationError
from business.models import Invoice, LedgerEntry
from business.ports import JobQueue, UnitOfWork

log = logging.getLogger(__name__)


class NoPhoneToSendTo(ValidationError):
    """The customer (or shop owner) has no phone number to send the document to."""

    code = "no_phone_to_send_to"

    def __init__(self, who: str) -> None:
        super().__init__(f"{who} has no phone number to send to", "phone")
        self.who = who


async def note_entry(
    uow: UnitOfWork, after: AfterCommit, jobs: JobQueue, shop_id: int, entry: LedgerEntry, balance_paise: int
) -> int | None:
    """Write the customer's note for `entry` in the entry's own transaction (when the customer
    opted in and the shop did not switch notes off); enqueue its delivery after the commit."""
    shop = await uow.shops.get(shop_id)
    customer = await uow.customers.get(shop_id, entry.customer_id)
    if shop is None or customer is None:
        return None
    note = entry_note(shop, customer, entry, balance_paise)
    if note is None:
        return None
    note_id = await uow.entry_notes.add(note, entry.created_at)
    if note_id is not None:
        after.append(lambda: jobs.enqueue_entry_note(note_id))
    return note_id


class DeliveryActions(ActionRunner):
    async def send_invoice_document(
        self, shop_id: int, *, invoice_id: int | None = None, customer_id: int | None = None,
        idempotency_key: str | None = None,
    ) -> DocumentRequest:
        """The invoice's PDF, to its customer's WhatsApp: `invoice_id`, or the customer's latest
        issued bill. Raises InvoiceNotFound, NoPhoneToSendTo (walk-in or no phone)."""

        async def body(uow: UnitOfWork, after: AfterCommit) -> DocumentRequest:
            await load_shop(uow, shop_id)
            inv: Invoice | None
            if invoice_id is not None:
                inv = await uow.invoices.get(shop_id, invoice_id)
            elif customer_id is not None:
                inv = await uow.invoices.last_for_customer(shop_id, customer_id)
            else:
                raise ValidationError("an invoice or a customer is needed", "invoice_id")
            if inv is None:
                raise InvoiceNotFound(invoice_id or 0)
            customer = await uow.customers.get(shop_id, inv.customer_id) if inv.customer_id else None
            if customer is None or not customer.phone:
                raise NoPhoneToSendTo(inv.customer_name or "walk-in")
            doc_id = await uow.documents.add(
                shop_id=shop_id, kind=INVOICE_PDF, invoice_id=inv.id, month=None, to_phone=customer.phone,
                created_at=self._clock.now(),
            )
            after.append(lambda: self._jobs.enqueue_document(doc_id))
            return DocumentRequest(doc_id, INVOICE_PDF, customer.phone, invoice_id=inv.id,
                                   invoice_no=inv.invoice_no, customer_name=customer.name)

        req = await self._action(shop_id, idempotency_key, "send_invoice_document", DocumentRequest, body)
        log.info("document %s requested shop_id=%s invoice_id=%s", req.document_id, shop_id, req.invoice_id)
        return req

    async def send_report_document(
        self, shop_id: int, kind: str, month: Month, *, idempotency_key: str | None = None
    ) -> DocumentRequest:
        """The month's GST CSV (`gst_csv`) or P&L PDF (`pnl_pdf`) to the shop owner's WhatsApp.
        Raises ValidationError (kind), NoPhoneToSendTo (no owner phone)."""
        if kind not in (GST_CSV, PNL_PDF):
            raise ValidationError(f"unknown report kind {kind!r}", "kind")

        async def body(uow: UnitOfWork, after: AfterCommit) -> DocumentRequest:
            await load_shop(uow, shop_id)
            owner = await uow.documents.owner_phone(shop_id)
            if owner is None:
                raise NoPhoneToSendTo("owner")
            doc_id = await uow.documents.add(
                shop_id=shop_id, kind=kind, invoice_id=None, month=month.label, to_phone=owner,
                created_at=self._clock.now(),
            )
            after.append(lambda: self._jobs.enqueue_document(doc_id))
            return DocumentRequest(doc_id, kind, owner, month=month.label)

        req = await self._action(shop_id, idempotency_key, "send_report_document", DocumentRequest, body)
        log.info("document %s (%s %s) requested shop_id=%s", req.document_id, kind, month, shop_id)
        return req
