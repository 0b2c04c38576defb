"""The process's understanding (templates, then the LLM fallback when a key is set), from Settings."""

from __future__ import annotations

from app.settings import Settings
from bot.understanding.llm_fallback import LLMConfig
from bot.understanding.service import Understanding


def build_understanding(settings: Settings) -> Understanding:
    """One per process: it holds the fallback's bounded cache."""
    return Understanding(
        LLMConfig(
            api_key=settings.openai_api_key.get_secret_value(),
            base_url=settings.openai_base_url,
            model=settings.openai_model,
            timeout_s=settings.openai_timeout_s,
        )
    )
