"""Whole turns on Deepgram: the fake /v1/listen -> the real STT service -> IntentRouter ->
the conversation on real books (Postgres). A confident payment books without a read-back,
an unsure one is read back and books only on the caller's yes, as with the embedded engine."""

from __future__ import annotations

import secrets
from typing import Any

from pipecat.frames.frames import Frame
from pipecat.pipeline.pipeline import Pipeline

from bot.call.clock import CallClock
from bot.call.conversation_factory import new_conversation
from bot.call.frames import TurnResultFrame
from bot.call.intent_router import IntentRouter
from bot.replies import render
from bot.understanding import parse
from bot.voice import ShopVocabulary, VoiceConfig
from bot.voice.factory import make_stt
from business.books import Books
from tests.e2e.call_harness import DEMO_CUSTOMERS, DEMO_PRODUCTS, create_demo_shop
from tests.integration.voice.fake_deepgram import Said, fake_deepgram
from tests.integration.voice.speak import speak

SURE_PAYMENT = Said("Suresh ne do sau rupaye cash diye", 0.98, (0.99, 0.98, 0.97, 0.99, 0.98, 0.97, 0.98))
UNSURE_PAYMENT = Said("Meena ne pachaas rupaye diye", 0.74, (0.93, 0.9, 0.52, 0.71, 0.8))
SURE_YES = Said("haan", 0.96, (0.96,))


def _is_turn(frame: Frame) -> bool:
    return isinstance(frame, TurnResultFrame)


async def _payments(pool: Any, customer_id: int) -> list[int]:
    rows = await pool.fetch("SELECT amount_paise FROM payments WHERE customer_id = $1 ORDER BY id", customer_id)
    return [r["amount_paise"] for r in rows]


async def test_a_sure_deepgram_payment_books_at_once_and_an_unsure_one_is_read_back(pool, voice_cache) -> None:  # type: ignore[no-untyped-def]
    from db.uow import PostgresUnitOfWorkFactory

    shop = await create_demo_shop(pool)
    books = Books(PostgresUnitOfWorkFactory(pool))
    caller = await books.shop_by_phone(shop.owner_phone)
    assert caller is not None
    vocabulary = ShopVocabulary.of([c["name"] for c in DEMO_CUSTOMERS], [p["name"] for p in DEMO_PRODUCTS])
    conversation = new_conversation(books=books, caller=caller, parse=parse, render=render,
                                    call_sid="CA" + secrets.token_hex(16), clock=CallClock(), language="hinglish")
    async with fake_deepgram([SURE_PAYMENT, UNSURE_PAYMENT, SURE_YES]) as dg:
        cfg = VoiceConfig(deepgram_api_key="k", deepgram_base_url=dg.base_url, cache_dir=voice_cache)
        stt = make_stt(cfg, vocabulary, language="multi")
        router = IntentRouter(conversation=conversation, clock=CallClock())
        frames = await speak(Pipeline([stt, router]), 3, _is_turn, before=1)  # the greeting comes first
    turns = [f.turn for f in frames[1:]]
    sure, unsure, yes = turns

    assert sure.heard == SURE_PAYMENT.transcript and sure.confidence is not None and sure.confidence >= 0.9
    assert sure.action == "record_payment" and sure.result["amount_paise"] == 20000
    assert "awaiting_confirmation" not in sure.result  # booked without a read-back

    assert unsure.confidence is not None and unsure.confidence < 0.9
    assert unsure.result.get("awaiting_confirmation") and "Meena" in unsure.reply
    assert yes.result.get("confirmed") is True
    assert await _payments(pool, shop.customers["Suresh"]) == [20000]
    assert await _payments(pool, shop.customers["Meena"]) == [5000]
