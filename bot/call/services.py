"""Per-call services every carrier shares: speech engines tuned to the shop, and the
understanding/reply functions.

Carrier-agnostic (moved out of the Twilio package): a Twilio, Exotel, Plivo or
SIP call hears and speaks through the same engines, built from the same shop
vocabulary.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pipecat.processors.frame_processor import FrameProcessor

from bot.call.conversation import ParseFn
from bot.call.speech import RenderFn
from bot.voice.config import ShopVocabulary, VoiceConfig
from bot.voice.factory import make_stt, make_tts
from business.books import Books


async def shop_vocabulary(books: Books, shop_id: int) -> ShopVocabulary:
    """The names this shop's callers will say: customers (with nicknames, landmarks) and products."""
    customers, products = await asyncio.gather(books.list_customers(shop_id), books.list_products(shop_id))
    return ShopVocabulary.of(
        customers=[c.name for c in customers],
        products=[p.name for p in products],
        nicknames=[n for c in customers for n in c.nicknames],
        landmarks=[c.landmark for c in customers if c.landmark],
        product_aliases=[a for p in products for a in p.aliases],
    )


async def speech_services(
    voice: VoiceConfig | None, books: Books, shop_id: int, language: str, *, recognition_language: str = ""
) -> tuple[FrameProcessor, FrameProcessor]:
    """STT and TTS for one call (the recogniser builds the shop's language model in its own executor);
    `recognition_language` is the shop's Deepgram language (ShopSettings.recognition_language)."""
    vocabulary = await shop_vocabulary(books, shop_id)
    voice = voice or VoiceConfig()
    return make_stt(voice, vocabulary, language=recognition_language or None), make_tts(voice, language)


def conversation_functions(understanding: Any = None) -> tuple[ParseFn, RenderFn]:
    """The understanding and reply functions a call uses: the process's `Understanding`
    (templates, then the LLM fallback when configured) or the template parser alone."""
    from bot.replies import render
    from bot.understanding import parse

    if understanding is not None:
        return understanding.understand, render
    return parse, render
