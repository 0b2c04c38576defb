"""Corrections from a call's turn: a shop owner reverses a bill the bot booked.

The reversal is the books' own `Books.cancel_invoice` (reversal ledger and stock
entries pointing at the originals; the number stays used), with an idempotency
key per invoice, so a resubmitted form reverses nothing twice. Which turn it came
from, who and why go to `turn_corrections` and the audit log in one transaction
after it. Admins and staff read only (403); another shop's call is a 404.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import Response

from business.errors import InvoiceAlreadyCancelled, InvoiceNotFound
from dashboard import call_view, web
from db import calls as call_rows
from db import corrections as correction_rows
from db import operators as operator_rows

log = logging.getLogger(__name__)

router = APIRouter()

MAX_REASON = 500


@router.post("/calls/{call_sid}/turns/{turn_no}/reverse")
async def reverse_booking(request: Request, call_sid: str, turn_no: int) -> Response:
    if web.cross_site(request):
        return web.html("cross-site correction refused", status=403)
    found = await call_view.viewer_and_call(request, call_sid, "call")
    if isinstance(found, Response):
        return found
    viewer, call = found
    op = viewer.operator
    if not op.can_correct(call.shop_id):
        return web.forbidden(request, viewer, "Only the shop's owner can correct its books.")
    assert call.shop_id is not None
    form = await request.form()
    raw_invoice, raw_reason = form.get("invoice_id"), form.get("reason")
    reason = raw_reason.strip() if isinstance(raw_reason, str) else ""
    async with request.app.state.pool.acquire() as conn:
        turns = {t.turn_no: t for t in await call_rows.list_turns(conn, call.id)}
    turn = turns.get(turn_no)
    booked = dict(call_view.booked_invoices(turn)) if turn else {}
    invoice_id = int(raw_invoice) if isinstance(raw_invoice, str) and raw_invoice.isdigit() else None
    if invoice_id is None or invoice_id not in booked:
        return web.not_found(request, viewer, "booking")
    if not reason or len(reason) > MAX_REASON or not reason.isprintable():
        return await call_view.render_call(request, viewer, call, status=422,
                                           error=f"Say why (1 to {MAX_REASON} characters).")
    try:
        cancelled = await request.app.state.books.cancel_invoice(
            call.shop_id, invoice_id, idempotency_key=f"dashboard-reverse:{invoice_id}"
        )
    except InvoiceAlreadyCancelled:
        return await call_view.render_call(request, viewer, call, status=409,
                                           error=f"Bill {booked[invoice_id]} was already cancelled.")
    except InvoiceNotFound:
        return web.not_found(request, viewer, "booking")
    details = {"call_sid": call.call_sid, "turn_no": turn_no, "invoice_id": invoice_id,
               "invoice_no": cancelled.invoice_no, "total_paise": cancelled.total_paise,
               "customer_id": cancelled.customer_id, "reason": reason}
    async with request.app.state.pool.acquire() as conn, conn.transaction():
        fresh = await correction_rows.record_correction(
            conn, shop_id=call.shop_id, call_id=call.id, turn_no=turn_no, target=f"invoice:{invoice_id}",
            kind="reverse_invoice", operator_id=op.id, operator_email=op.email, reason=reason, details=details,
        )
        if fresh:
            await operator_rows.audit(conn, action="correction", operator_id=op.id, actor=op.email,
                                      shop_id=call.shop_id, details={"kind": "reverse_invoice", **details})
    log.info("dashboard correction operator_id=%s shop_id=%s invoice_id=%s", op.id, call.shop_id, invoice_id)
    return web.redirect(viewer.link(f"/dashboard/calls/{call.call_sid}") + f"#turn-{turn_no}")
