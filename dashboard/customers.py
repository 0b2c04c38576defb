"""Customers and their khata: every ledger entry with the running balance, each linked to
the call turn that booked it (sales by invoice, udhaar by entry, payments by payment id)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from business.errors import CustomerNotFound
from business.models import Statement
from dashboard import web
from db.dashboard_queries import turns_for_customer
from db.repos.disputes import disputes_for_customer

router = APIRouter()


def _refs(result: dict[str, Any]) -> list[tuple[str, int]]:
    """What a turn's result says it booked: ('invoice'|'entry'|'payment', id)."""
    commands = result.get("commands")
    out: list[tuple[str, int]] = []
    for e in commands if isinstance(commands, list) else [result]:
        if not isinstance(e, dict) or "error" in e:
            continue
        if isinstance(e.get("invoice_id"), int):
            out.append(("invoice", e["invoice_id"]))
        if isinstance(e.get("entry_id"), int):
            out.append(("entry", e["entry_id"]))
        for pid in e.get("payment_ids") or []:
            if isinstance(pid, int):
                out.append(("payment", pid))
    return out


def entry_links(statement: Statement, turns: list[tuple[str, int, dict[str, Any]]]) -> dict[int, tuple[str, int]]:
    """Ledger entry id -> (call_sid, turn_no) of the turn that made it (the first that names it)."""
    by_ref: dict[tuple[str, int], tuple[str, int]] = {}
    for sid, turn_no, result in turns:
        for ref in _refs(result):
            by_ref.setdefault(ref, (sid, turn_no))
    links: dict[int, tuple[str, int]] = {}
    for line in statement.lines:
        e = line.entry
        ref = (("invoice", e.invoice_id) if e.invoice_id is not None
               else ("payment", e.payment_id) if e.payment_id is not None else ("entry", e.id))
        if ref in by_ref:
            links[e.id] = by_ref[ref]
    return links


@router.get("/customers", response_class=HTMLResponse)
async def customers_page(request: Request) -> Response:
    viewer = await web.shop_viewer(request)
    if isinstance(viewer, Response):
        return viewer
    assert viewer.shop is not None
    rows = await request.app.state.books.list_customers(viewer.shop.id)
    rows.sort(key=lambda c: (-c.balance_paise, c.name.lower()))
    return web.page(request, "customers.html", viewer, rows=rows)


@router.get("/customers/{customer_id}", response_class=HTMLResponse)
async def khata_page(request: Request, customer_id: int) -> Response:
    viewer = await web.shop_viewer(request)
    if isinstance(viewer, Response):
        return viewer
    assert viewer.shop is not None
    try:
        statement = await request.app.state.books.statement(viewer.shop.id, customer_id)
    except CustomerNotFound:
        return web.not_found(request, viewer, "customer")
    async with request.app.state.pool.acquire() as conn:
        turns = await turns_for_customer(conn, viewer.shop.id, customer_id)
        disputes = await disputes_for_customer(conn, viewer.shop.id, customer_id)
    return web.page(request, "khata.html", viewer, statement=statement, links=entry_links(statement, turns),
                    lines=list(reversed(statement.lines)), disputes=disputes,
                    disputed={d.ledger_entry_id for d in disputes})
