"""A transcript whose top readings disagree on the direction of money (payment vs udhaar):
the conversation reads back which way the money goes, plainly, and books only on yes.
Real books (Postgres), the real parser and replies; the IntentRouter carries the doubt
from the recogniser's Transcript."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from pipecat.frames.frames import EndFrame, TranscriptionFrame, TTSSpeakFrame
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineWorker
from pipecat.workers.runner import WorkerRunner

from bot.call.clock import CallClock
from bot.call.conversation import Conversation
from bot.call.conversation_factory import new_conversation
from bot.call.intent_router import IntentRouter
from bot.replies import render
from bot.understanding import parse
from bot.voice.recognizer import DIRECTION, Transcript
from business.books import Books
from tests.e2e.call_harness import DemoShop, create_demo_shop
from tests.integration.voice.speak import PHONE, Collector


async def _conversation(pool: Any) -> tuple[Conversation, DemoShop]:
    from db.uow import PostgresUnitOfWorkFactory

    shop = await create_demo_shop(pool)
    books = Books(PostgresUnitOfWorkFactory(pool))
    caller = await books.shop_by_phone(shop.owner_phone)
    assert caller is not None
    conv = new_conversation(books=books, caller=caller, parse=parse, render=render,
                            call_sid="CA" + secrets.token_hex(16), clock=CallClock(), language="hinglish")
    return conv, shop


async def _payments(pool: Any, customer_id: int) -> list[int]:
    rows = await pool.fetch("SELECT amount_paise FROM payments WHERE customer_id = $1 ORDER BY id", customer_id)
    return [r["amount_paise"] for r in rows]


async def _balance(pool: Any, customer_id: int) -> int:
    return int(await pool.fetchval("SELECT balance_paise FROM customers WHERE id = $1", customer_id))


async def test_a_doubted_payment_is_read_back_as_a_payment_not_udhaar(pool) -> None:  # type: ignore[no-untyped-def]
    conv, shop = await _conversation(pool)
    asked = await conv.on_text("Suresh ne do sau rupaye cash diye", 0.3, doubts=(DIRECTION,))
    assert asked.result.get("awaiting_confirmation")
    assert "payment mila hai, udhaar nahi" in asked.reply.lower() and "Suresh" in asked.reply
    assert await _payments(pool, shop.customers["Suresh"]) == []
    yes = await conv.on_text("haan", 0.9)
    assert yes.result["confirmed"] is True
    assert await _payments(pool, shop.customers["Suresh"]) == [20000]


async def test_a_doubted_udhaar_is_read_back_as_udhaar_and_a_no_books_nothing(pool) -> None:  # type: ignore[no-untyped-def]
    conv, shop = await _conversation(pool)
    before = await _balance(pool, shop.customers["Meena"])
    asked = await conv.on_text("Meena ke khate mein pachaas rupaye likh do", 0.3, doubts=(DIRECTION,))
    assert asked.result.get("awaiting_confirmation")
    assert "udhaar diya hai, payment nahi" in asked.reply.lower()
    no = await conv.on_text("nahi", 0.9)
    assert no.result == {"confirmed": False}
    assert await _balance(pool, shop.customers["Meena"]) == before


async def test_without_a_doubt_the_read_back_is_the_usual_one(pool) -> None:  # type: ignore[no-untyped-def]
    conv, shop = await _conversation(pool)
    sure = await conv.on_text("Meena ne pachaas rupaye diye", 0.95)
    assert "awaiting_confirmation" not in sure.result
    assert await _payments(pool, shop.customers["Meena"]) == [5000]
    asked = await conv.on_text("Suresh ne do sau rupaye cash diye", 0.5)  # unsure, but not on direction
    assert asked.result.get("awaiting_confirmation") and "udhaar nahi" not in asked.reply.lower()


async def test_the_router_hands_the_recognisers_doubt_to_the_conversation(pool) -> None:  # type: ignore[no-untyped-def]
    conv, shop = await _conversation(pool)
    heard = Transcript("suresh ne do sau rupaye cash diye", 0.3, doubts=(DIRECTION,))
    router = IntentRouter(conversation=conv, clock=CallClock())
    collector = Collector(lambda f: isinstance(f, TTSSpeakFrame))
    worker = PipelineWorker(Pipeline([router, collector]), params=PHONE, cancel_on_idle_timeout=False,
                            enable_rtvi=False)

    async def drive() -> None:
        try:
            await collector.wait_for(1)  # the greeting
            await worker.queue_frame(TranscriptionFrame(heard.text, "caller", "2025-01-01T00:00:00", result=heard))
            await collector.wait_for(2)
        except BaseException:
            await worker.cancel()
            raise
        await worker.queue_frame(EndFrame())

    runner = WorkerRunner(handle_sigint=False)
    await runner.add_workers(worker)
    await asyncio.gather(runner.run(), drive())
    said = collector.frames[1]
    assert isinstance(said, TTSSpeakFrame)
    readback = said.text.lower()
    assert "payment mila hai, udhaar nahi" in readback and "suresh" in readback
    assert conv.state.pending is not None
    assert await _payments(pool, shop.customers["Suresh"]) == []
