"""Shopkeeper sentences -> intents and entities (shared/spec/intents.md).

`parse(text, context=None)` is pure and fast (templates in data files); the
optional LLM fallback lives in `bot.understanding.llm_fallback`.
"""

from bot.understanding.parser import Parser, get_parser, parse


def warm_up() -> None:
    """Load the data files and the Devanagari transliterator now (call at process start-up)."""
    from bot.understanding.devanagari import to_roman

    get_parser()
    to_roman("नमस्ते")


__all__ = ["Parser", "get_parser", "parse", "warm_up"]
