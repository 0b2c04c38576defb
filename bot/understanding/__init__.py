"""Shopkeeper sentences -> intents and entities (shared/spec/intents.md).

`parse(text, context=None)` is pure and fast (templates in data files); the
optional LLM fallback lives in `bot.understanding.llm_fallback`.
"""

from bot.understanding.parser import Parser, get_parser, parse

__all__ = ["Parser", "get_parser", "parse"]
