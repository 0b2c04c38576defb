"""The call's conversation against real books (Postgres) and the real parser:
confirmations, weak matches, ambiguity, the active customer, idempotency, PIN.

No audio here: the IntentRouter feeds exactly these calls in a live call.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from bot.call.clock import CallClock
from bot.call.conversation import Conversation
from bot.call.speech import Speaker
from bot.call.state import CallState
from bot.replies.spoken import money
from business.books import Books
from tests.e2e.call_harness import DemoShop, create_demo_shop


def _render() -> Any:
    from bot.call.services import conversation_functions

    return conversation_functions()


async def conversation(
    pool: Any, *, limit: int = 200_000, pin: str | None = None, parse: Any = None
) -> tuple[Conversation, DemoShop, Books]:
    from db.uow import PostgresUnitOfWorkFactory

    shop = await create_demo_shop(pool, confirm_limit_paise=limit, pin=pin)
    books = Books(PostgresUnitOfWorkFactory(pool))
    default_parse, render = _render()
    state = CallState(shop_id=shop.shop_id, caller_phone=shop.owner_phone, language="hinglish",
                      confirm_limit_paise=limit, needs_pin=pin is not None)
    conv = Conversation(books=books, parse=parse or default_parse, speaker=Speaker(render, "hinglish"), state=state,
                        call_sid="CA" + secrets.token_hex(16), clock=CallClock(), greeting_name="Sharma ji")
    return conv, shop, books


async def payments(pool: Any, customer_id: int) -> list[int]:
    rows = await pool.fetch("SELECT amount_paise FROM payments WHERE customer_id = $1 ORDER BY id", customer_id)
    return [r["amount_paise"] for r in rows]


async def test_clear_command_below_the_limit_posts_once(pool) -> None:  # type: ignore[no-untyped-def]
    conv, shop, _ = await conversation(pool)
    out = await conv.on_text("Suresh ne bees rupaye diye", 0.9)
    assert out.action == "record_payment" and out.result["amount_paise"] == 2000
    assert money(2000) in out.reply  # "bees rupaye"
    assert await payments(pool, shop.customers["Suresh"]) == [2000]
    assert conv.state.active_customer is not None and conv.state.active_customer.name == "Suresh"
    # "uska" means the active customer.
    bal = await conv.on_text("uska kitna baaki hai", 0.9)
    assert bal.result["customer_id"] == shop.customers["Suresh"]


async def test_above_the_limit_is_read_back_and_posts_only_on_yes(pool) -> None:  # type: ignore[no-untyped-def]
    conv, shop, _ = await conversation(pool, limit=1000)
    asked = await conv.on_text("Suresh ne bees rupaye diye", 0.9)
    assert asked.result == {"awaiting_confirmation": True} and asked.reply
    assert await payments(pool, shop.customers["Suresh"]) == []
    yes = await conv.on_digit("1")
    assert yes is not None and yes.result["confirmed"] is True
    assert await conv.on_digit("1") is None  # nothing pending any more: a second press does nothing
    assert await payments(pool, shop.customers["Suresh"]) == [2000]

    asked = await conv.on_text("Meena ne pachaas rupaye diye", 0.9)
    assert asked.result.get("awaiting_confirmation")
    no = await conv.on_text("nahi", 0.9)
    assert no.result == {"confirmed": False}
    assert await payments(pool, shop.customers["Meena"]) == []

    await conv.on_text("Meena ne pachaas rupaye diye", 0.9)
    spoken_yes = await conv.on_text("haan", 0.9)
    assert spoken_yes.result["confirmed"] is True
    assert await payments(pool, shop.customers["Meena"]) == [5000]


async def test_a_weakly_heard_yes_is_asked_again_not_booked(pool) -> None:  # type: ignore[no-untyped-def]
    conv, shop, _ = await conversation(pool, limit=1000)
    await conv.on_text("Suresh ne bees rupaye diye", 0.9)
    unsure = await conv.on_text("haan", 0.2)  # noise heard as "haan" must not confirm a booking
    assert unsure.code == "confirm_again" and conv.state.pending is not None
    assert await payments(pool, shop.customers["Suresh"]) == []
    sure = await conv.on_digit("1")
    assert sure is not None and sure.result["confirmed"] is True
    assert await payments(pool, shop.customers["Suresh"]) == [2000]


async def test_confirming_twice_posts_once(pool) -> None:  # type: ignore[no-untyped-def]
    conv, shop, _ = await conversation(pool, limit=1000)
    await conv.on_text("Suresh ne bees rupaye diye", 0.9)
    pending = conv.state.pending
    assert pending is not None
    waiting = pending.waiting[0]
    await waiting.confirm.execute(waiting.key)
    await waiting.confirm.execute(waiting.key)  # a replay with the same key (same call, same turn)
    assert await payments(pool, shop.customers["Suresh"]) == [2000]


@pytest.mark.parametrize("confidence", [0.1, 0.8, None])
async def test_unsure_recognition_is_read_back_even_below_the_limit(pool, confidence: float | None) -> None:  # type: ignore[no-untyped-def]
    # The embedded recogniser hears wrong amounts at 0.7-0.8; no confidence at all is not "sure" either.
    conv, shop, _ = await conversation(pool)
    asked = await conv.on_text("Suresh ne bees rupaye diye", confidence)
    assert asked.result.get("awaiting_confirmation")
    assert await payments(pool, shop.customers["Suresh"]) == []


async def test_a_name_that_only_resembles_a_customer_is_never_booked(pool) -> None:  # type: ignore[no-untyped-def]
    conv, shop, _ = await conversation(pool)
    out = await conv.on_text("Sures ne bees rupaye diye", 0.9)
    assert out.result.get("awaiting_confirmation") or out.result.get("error") or out.result.get("asked")
    for cid in shop.customers.values():
        assert await payments(pool, cid) == []


async def test_ambiguous_customer_becomes_a_question_then_resumes(pool) -> None:  # type: ignore[no-untyped-def]
    conv, shop, _ = await conversation(pool)
    asked = await conv.on_text("Rahul ne bees rupaye diye", 0.9)
    assert asked.result.get("error") == "ambiguous_customer"
    assert "Rahul" in asked.reply
    picked = await conv.on_text("station road wale", 0.9)
    assert picked.action == "record_payment"
    station = shop.customers["Rahul/station road"]
    assert await payments(pool, station) == [2000]
    assert await payments(pool, shop.customers["Rahul/Gandhi chowk"]) == []


async def test_cancelling_an_invoice_is_always_confirmed(pool) -> None:  # type: ignore[no-untyped-def]
    conv, shop, _ = await conversation(pool)
    made = await conv.on_text("Suresh ko do packet doodh", 0.9)
    assert made.action == "create_invoice" and made.result["total_paise"] == 6000
    asked = await conv.on_text("Suresh ka aakhri bill cancel karo", 0.9)
    assert asked.result.get("awaiting_confirmation"), asked
    status = await pool.fetchval("SELECT status FROM invoices WHERE id = $1", made.result["invoice_id"])
    assert status == "issued"
    done = await conv.on_digit("1")
    assert done is not None and done.result["confirmed"] is True
    status = await pool.fetchval("SELECT status FROM invoices WHERE id = $1", made.result["invoice_id"])
    assert status == "cancelled"


async def test_goodbye_ends_the_call(pool) -> None:  # type: ignore[no-untyped-def]
    conv, _, _ = await conversation(pool)
    for text in ("bas", "theek hai bye"):
        out = await conv.on_text(text, 0.9)
        assert out.end_call and out.reply


async def test_silence_prompt_then_goodbye(pool) -> None:  # type: ignore[no-untyped-def]
    conv, _, _ = await conversation(pool)
    prompt = await conv.on_idle("prompt")
    assert not prompt.end_call and prompt.reply
    bye = await conv.on_idle("hangup")
    assert bye.end_call and bye.reply


@pytest.mark.parametrize(("pin", "digits", "ok"), [("4321", "4321#", True), ("4321", "1111#", False)])
async def test_pin_is_asked_before_any_command(pool, pin: str, digits: str, ok: bool) -> None:  # type: ignore[no-untyped-def]
    conv, shop, _ = await conversation(pool, pin=pin)
    greeting = await conv.greet()
    assert greeting.code == "pin_prompt"
    refused = await conv.on_text("Suresh ne bees rupaye diye", 0.9)
    assert refused.code == "pin_prompt"
    outcome = None
    for d in digits:
        outcome = await conv.on_digit(d)
    assert outcome is not None and (outcome.result["pin"] == "ok") is ok
    assert await payments(pool, shop.customers["Suresh"]) == []


async def test_three_wrong_pins_end_the_call(pool) -> None:  # type: ignore[no-untyped-def]
    conv, _, _ = await conversation(pool, pin="4321")
    outcome = None
    for _ in range(3):
        for d in "0000#":
            outcome = await conv.on_digit(d)
    assert outcome is not None and outcome.end_call


async def test_errors_become_sentences_not_crashes(pool) -> None:  # type: ignore[no-untyped-def]
    conv, _, _ = await conversation(pool)
    out = await conv.on_text("Pappu ne bees rupaye diye", 0.9)  # nobody like Pappu: a question back
    assert out.code == "customer_not_found" and out.result.get("awaiting_confirmation") and out.reply
    out = await conv.on_text("nahi", 0.9)
    assert out.result == {"confirmed": False}
    out = await conv.on_text("Suresh ko do packet kaju", 0.9)
    assert out.result.get("error") in ("product_not_found", "ambiguous_product") or out.result.get("asked")
    out = await conv.on_text("asdf qwerty", 0.9)
    assert out.code == "not_understood" and out.reply


async def test_the_async_understanding_service_drives_the_call(pool) -> None:  # type: ignore[no-untyped-def]
    from bot.understanding.service import Understanding

    # What a call uses: templates, then the LLM when configured.
    conv, shop, _ = await conversation(pool, parse=Understanding(None).understand)
    out = await conv.on_text("Suresh ne bees rupaye diye", 0.9)
    assert out.action == "record_payment" and await payments(pool, shop.customers["Suresh"]) == [2000]


async def test_the_call_length_limit_says_goodbye_and_books_nothing_pending(pool) -> None:  # type: ignore[no-untyped-def]
    conv, shop, _ = await conversation(pool)
    asked = await conv.on_text("Suresh ne bees rupaye diye", 0.5)  # unsure: read back, waiting
    assert asked.result.get("awaiting_confirmation")
    out = await conv.on_idle("limit")
    assert out.end_call and out.code == "call_too_long" and conv.state.pending is None
    assert await payments(pool, shop.customers["Suresh"]) == []


async def test_recording_stopped_and_started_leaves_a_silent_span(pool) -> None:  # type: ignore[no-untyped-def]
    from bot.call.recording import silence_spans

    conv, _, _ = await conversation(pool)
    stopped = await conv.on_text("recording band karo", 0.95)
    started = await conv.on_text("recording shuru karo", 0.95)
    assert stopped.action == "stop_recording" and started.action == "start_recording"
    (span,) = conv.state.recording_paused
    assert span[1] is not None and span[1] >= span[0]
    audio = b"\x01\x00" * 2 * 8000  # 1 s of two-channel 8 kHz audio
    quiet = silence_spans(audio, [(250.0, 500.0)], 8000, 2)
    assert len(quiet) == len(audio) and quiet[:4] == audio[:4]
    assert quiet[2000 * 4:4000 * 4] == bytes(2000 * 4) and quiet[-4:] == audio[-4:]
    assert silence_spans(audio, [(500.0, None)], 8000, 2)[4000 * 4:] == bytes(4000 * 4)


async def test_the_next_words_expected_follow_the_question_asked(pool) -> None:  # type: ignore[no-untyped-def]
    from bot.voice.expect import AMOUNT, CUSTOMER

    conv, _, _ = await conversation(pool)
    assert conv.expecting() is None
    await conv.on_text("2 packet milk ka bill banao", 0.95)  # "Kiske liye?"
    assert conv.expecting() == CUSTOMER
    await conv.on_text("Meena ne paise diye", 0.95)  # a new command drops the question: "Kitne rupaye?"
    assert conv.expecting() == AMOUNT
