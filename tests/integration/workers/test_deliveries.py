"""What goes out to customers: a bill asked for by a typed turn reaches the customer's WhatsApp as
a document message (the media upload is that invoice's PDF), and every khata entry sends an
opted-in customer one note, through real worker processes and a fake Cloud API at its HTTP boundary."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from business.books import Books
from business.ports import NullJobQueue
from db.uow import PostgresUnitOfWorkFactory
from tests.e2e.chat_harness import chat, chat_env, says
from tests.support.phones import random_phone
from tests.support.polling import wait_until
from workers.context import WorkerConfig
from workers.entry_notes import run_entry_note
from workers.queue import RQJobQueue

pytestmark = pytest.mark.slow


def pdf_text(pdf: bytes) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    assert pdf.startswith(b"%PDF-")
    return subprocess.run([tool, "-layout", "-", "-"], input=pdf, capture_output=True, check=True,
                          timeout=60).stdout.decode()


async def _shop_with_rahul(books: Books, **settings: Any) -> tuple[Any, int, str]:
    owner = random_phone()
    shop, _key = await books.create_shop("Gupta General Store", owner, "4321", settings=settings or None)
    rahul = random_phone()
    customer = await books.add_customer(shop.id, "Rahul", phone=rahul, whatsapp_opt_in=True, phone_confirmed=True)
    return shop, customer.id, rahul


async def test_a_typed_turn_sends_rahul_his_bill_as_a_pdf(
    pool: asyncpg.Pool, database_url: str, redis_url: str, queue_name: str, fake_whatsapp: Any,
    start_worker: Any, tmp_path: Path,
) -> None:
    books = Books(PostgresUnitOfWorkFactory(pool), jobs=NullJobQueue())
    shop, rahul_id, rahul_phone = await _shop_with_rahul(books, entry_notes=False)
    await books.add_product(shop.id, "Basmati chawal", unit="kg", price_paise=9_000, stock=50)
    inv = await books.create_invoice(shop.id, rahul_id, [("Basmati chawal", 3)])
    owner = await pool.fetchval("SELECT phone FROM shop_phones WHERE shop_id = $1", shop.id)
    start_worker(fake_whatsapp)
    env = chat_env(database_url, redis_url, tmp_path / "chat-data") | {"RQ_QUEUE": queue_name}
    [turn] = await chat(owner, says("Rahul ka bill WhatsApp kar do"), env=env)
    assert turn["action"] == "send_invoice", turn
    assert "WhatsApp" in turn["reply"] and "bhej" in turn["reply"], turn
    doc_id = turn["result"]["document_id"]

    async def sent() -> bool:
        return await pool.fetchval("SELECT status FROM documents WHERE id = $1", doc_id) == "sent"

    assert await wait_until(sent, 30)
    [message] = fake_whatsapp.tagged(f"document:{doc_id}")
    body = message["body"]
    assert body["type"] == "document" and body["to"] == rahul_phone.lstrip("+")
    media = fake_whatsapp.media[body["document"]["id"]]
    assert media["type"] == "application/pdf" and media["auth"] == "Bearer test-token"
    assert body["document"]["filename"] == media["filename"] == inv.invoice_no.replace("/", "-") + ".pdf"
    text = pdf_text(media["data"])
    assert inv.invoice_no in text and "Rahul" in text and "Basmati chawal" in text
    assert "270.00" in text  # 3 kg at ₹90: the bill's own figure
    row = await pool.fetchrow("SELECT wamid, media_id, storage_key FROM documents WHERE id = $1", doc_id)
    assert row["wamid"].startswith("wamid.") and row["media_id"] == body["document"]["id"]
    assert row["storage_key"].endswith(".pdf")


async def test_without_whatsapp_a_report_lands_in_the_outbox(pool: asyncpg.Pool, redis_url: str, queue_name: str,
                                                            start_worker: Any) -> None:
    from business.documents.period import Month

    jobs = RQJobQueue(redis_url, queue_name=queue_name)
    books = Books(PostgresUnitOfWorkFactory(pool), jobs=jobs)
    shop, _rahul, _phone = await _shop_with_rahul(books)
    req = await books.send_report_document(shop.id, "gst_csv", Month(2026, 11))
    start_worker()

    async def sent() -> bool:
        return await pool.fetchval("SELECT status FROM documents WHERE id = $1", req.document_id) == "sent"

    assert await wait_until(sent, 30)
    row = await pool.fetchrow("SELECT to_phone, template_name, payload FROM whatsapp_outbox WHERE document_id = $1",
                              req.document_id)
    owner = await pool.fetchval("SELECT phone FROM shop_phones WHERE shop_id = $1", shop.id)
    assert row["to_phone"] == owner.lstrip("+") and row["template_name"] == "document"
    assert row["payload"]["document"]["filename"] == "gst-2026-11.csv"
    jobs.close()


async def _notes(pool: asyncpg.Pool, shop_id: int) -> list[asyncpg.Record]:
    return await pool.fetch("SELECT * FROM entry_notes WHERE shop_id = $1 ORDER BY id", shop_id)


async def test_every_entry_sends_one_note_even_when_the_job_runs_twice(
    pool: asyncpg.Pool, database_url: str, redis_url: str, queue_name: str, fake_whatsapp: Any, start_worker: Any,
) -> None:
    jobs = RQJobQueue(redis_url, queue_name=queue_name)
    books = Books(PostgresUnitOfWorkFactory(pool), jobs=jobs)
    shop, rahul, phone = await _shop_with_rahul(books)
    await books.add_product(shop.id, "Doodh", unit="packet", price_paise=3_000, stock=20)
    await books.add_udhaar(shop.id, rahul, 50_000)
    inv = await books.create_invoice(shop.id, rahul, [("Doodh", 2)])
    await books.record_payment(shop.id, rahul, 20_000)
    await books.cancel_invoice(shop.id, inv.id)
    notes = await _notes(pool, shop.id)
    assert [n["kind"] for n in notes] == ["udhaar", "sale_credit", "payment", "reversal"]  # rows with the entries
    for n in notes:  # every job enqueued twice
        jobs.enqueue_entry_note(n["id"])
    start_worker(fake_whatsapp)

    async def all_sent() -> bool:
        return [n["status"] for n in await _notes(pool, shop.id)] == ["sent"] * 4

    assert await wait_until(all_sent, 30)
    cfg = WorkerConfig(database_url=database_url, redis_url=redis_url, queue_name=queue_name)
    async with pool.acquire() as conn:  # and once more, by hand: nothing pending, nothing sent
        assert await run_entry_note(conn, cfg, notes[0]["id"]) == "noop"
    sent = [fake_whatsapp.tagged(f"entry_note:{n['id']}") for n in notes]
    assert [len(s) for s in sent] == [1, 1, 1, 1]
    params = [[p["text"] for p in s[0]["body"]["template"]["components"][0]["parameters"]] for s in sent]
    assert params[0] == ["Rahul", "Udhaar", "₹500", "₹500", "Gupta General Store"]
    assert params[1] == ["Rahul", f"Bill (udhaar) {inv.invoice_no}", "₹60", "₹560", "Gupta General Store"]
    assert params[2] == ["Rahul", "Payment mila", "₹200", "₹360", "Gupta General Store"]
    assert params[3] == ["Rahul", "Entry cancel", "₹60", "₹300", "Gupta General Store"]
    assert all(s[0]["body"]["to"] == phone.lstrip("+") for s in sent)
    assert sent[0][0]["body"]["template"]["name"] == "khata_entry"
    jobs.close()


async def test_opted_out_customer_and_switched_off_shop_get_no_note(pool: asyncpg.Pool) -> None:
    jobs = NullJobQueue()
    books = Books(PostgresUnitOfWorkFactory(pool), jobs=jobs)
    shop, _rahul, _phone = await _shop_with_rahul(books)
    quiet = await books.add_customer(shop.id, "Meena", phone=random_phone(), whatsapp_opt_in=False)
    await books.add_udhaar(shop.id, quiet.id, 10_000)
    assert await _notes(pool, shop.id) == []
    off, _c, _p = await _shop_with_rahul(books, entry_notes=False)
    rahul_off = await pool.fetchval("SELECT id FROM customers WHERE shop_id = $1", off.id)
    await books.add_udhaar(off.id, rahul_off, 10_000)
    assert await _notes(pool, off.id) == []
    assert not [c for c in jobs.calls if c[0] == "enqueue_entry_note"]


async def test_the_daily_cap_and_a_later_opt_out_skip_the_note(
    pool: asyncpg.Pool, database_url: str, redis_url: str, queue_name: str,
) -> None:
    books = Books(PostgresUnitOfWorkFactory(pool), jobs=NullJobQueue())
    shop, rahul, _phone = await _shop_with_rahul(books, whatsapp_daily_limit=1)
    await books.add_udhaar(shop.id, rahul, 10_000)
    await books.add_udhaar(shop.id, rahul, 20_000)
    await books.add_udhaar(shop.id, rahul, 30_000)
    first, second, third = [n["id"] for n in await _notes(pool, shop.id)]
    cfg = WorkerConfig(database_url=database_url, redis_url=redis_url, queue_name=queue_name)  # no WhatsApp: outbox
    async with pool.acquire() as conn:
        assert await run_entry_note(conn, cfg, first) == "outbox"
        assert await run_entry_note(conn, cfg, second) == "skipped"  # one message a day for this shop
        await conn.execute("UPDATE shops SET settings = settings || '{\"whatsapp_daily_limit\": 10}' WHERE id = $1",
                           shop.id)
        await conn.execute("UPDATE customers SET whatsapp_opt_in = false WHERE id = $1", rahul)
        assert await run_entry_note(conn, cfg, third) == "skipped"  # opted out since the entry
    statuses = {n["id"]: (n["status"], n["error"]) for n in await _notes(pool, shop.id)}
    assert statuses[second] == ("skipped", "daily send limit") and statuses[third][0] == "skipped"
    n = await pool.fetchval("SELECT count(*) FROM whatsapp_outbox WHERE entry_note_id = ANY($1::bigint[])",
                            [first, second, third])
    assert n == 1


async def test_the_sweep_requeues_lost_jobs_and_gives_up_on_a_dead_send(
    pool: asyncpg.Pool, database_url: str, redis_url: str, queue_name: str,
) -> None:
    from rq import Queue

    from workers.sweep import run_sweep

    books = Books(PostgresUnitOfWorkFactory(pool), jobs=NullJobQueue())  # every enqueue is "lost"
    shop, rahul, _phone = await _shop_with_rahul(books)
    await books.add_udhaar(shop.id, rahul, 10_000)
    await books.add_udhaar(shop.id, rahul, 20_000)
    lost, dead = [n["id"] for n in await _notes(pool, shop.id)]
    await pool.execute("UPDATE entry_notes SET created_at = now() - interval '5 minutes' WHERE id = $1", lost)
    await pool.execute("UPDATE entry_notes SET status = 'sending', sending_at = now() - interval '1 hour' "
                       "WHERE id = $1", dead)
    jobs = RQJobQueue(redis_url, queue_name=queue_name)
    cfg = WorkerConfig(database_url=database_url, redis_url=redis_url, queue_name=queue_name)
    async with pool.acquire() as conn:
        result = await run_sweep(conn, cfg, jobs)
    assert result["entry_notes"] >= 1 and result["entry_notes_unknown"] >= 1
    queued = Queue(queue_name, connection=jobs.connection).jobs
    assert any(j.func_name == "workers.entry_notes.send_entry_note" and j.args == (lost,) for j in queued)
    assert await pool.fetchval("SELECT status FROM entry_notes WHERE id = $1", dead) == "unknown"
    jobs.close()
