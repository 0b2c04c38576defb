"""LLM fallback: only for sentences the templates could not read.

OpenAI chat completions (any OpenAI-compatible server via base_url) with one
function tool per intent, temperature 0, a short timeout and no retries. The
answer is validated against the spec's schema before anything acts on it;
anything invalid, late or failing becomes `unknown`. Identical requests are
answered from a bounded LRU cache. Takes a plain `LLMConfig` (bot does not
import app): build it from Settings in the composition root.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from bot import metrics
from bot.understanding.schema import tool_definitions, validate

log = logging.getLogger(__name__)

UNKNOWN: dict[str, Any] = {"intent": "unknown", "entities": {}}
SYSTEM_PROMPT = (
    "You turn one sentence said by an Indian shopkeeper (Hinglish, Hindi or English, from speech recognition) "
    "into function calls for the shop's books. Call one function per command, in spoken order. Fill only what "
    "was said; never guess missing values. Customer names in Roman script without ji/bhai/ko/ka; products "
    "lower-case Roman as spoken; amounts in rupees as numbers. If the sentence is a negation (don't do X), "
    "small talk or unclear, call no function."
)


@dataclass(frozen=True)
class LLMConfig:
    """Plain settings for the fallback (built from app Settings)."""

    api_key: str
    base_url: str = ""
    model: str = "gpt-4o-mini"
    timeout_s: float = 2.0
    cache_size: int = 512

    @property
    def enabled(self) -> bool:
        return bool(self.api_key)


class LLMFallback:
    """Async, shareable across calls; holds one HTTP client and the LRU cache."""

    def __init__(self, config: LLMConfig) -> None:
        self.config = config
        self._cache: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._client: Any = None
        self._tools = tool_definitions()

    @property
    def cached_answers(self) -> int:
        """How many answers the LRU cache holds now (at most `config.cache_size`)."""
        return len(self._cache)

    def _get_client(self) -> Any:
        if self._client is None:
            from openai import AsyncOpenAI

            self._client = AsyncOpenAI(
                api_key=self.config.api_key,
                base_url=self.config.base_url or None,
                timeout=self.config.timeout_s,
                max_retries=0,
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    def _remember(self, key: str, value: dict[str, Any]) -> None:
        self._cache[key] = value
        self._cache.move_to_end(key)
        while len(self._cache) > self.config.cache_size:
            self._cache.popitem(last=False)

    async def parse(self, text: str) -> dict[str, Any]:
        """The LLM's reading of `text` in the spec's shape, or unknown."""
        if not self.config.enabled or not text.strip():
            return dict(UNKNOWN)
        key = " ".join(text.lower().split())
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return json.loads(json.dumps(cached))
        try:
            response = await asyncio.wait_for(
                self._get_client().chat.completions.create(
                    model=self.config.model,
                    temperature=0,
                    messages=[{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": text}],
                    tools=self._tools,
                    tool_choice="auto",
                ),
                timeout=self.config.timeout_s + 0.5,
            )
        except Exception as exc:  # timeout, HTTP or protocol error: the caller asks again
            log.warning("llm fallback failed: %s", type(exc).__name__)
            metrics.llm_error(exc)
            return dict(UNKNOWN)
        result = self._to_result(response)
        if result["intent"] != "unknown":
            self._remember(key, result)
        return json.loads(json.dumps(result))

    @staticmethod
    def _to_result(response: Any) -> dict[str, Any]:
        try:
            calls = response.choices[0].message.tool_calls or []
        except (AttributeError, IndexError):
            return dict(UNKNOWN)
        commands = []
        for call in calls:
            try:
                args = json.loads(call.function.arguments or "{}")
            except (json.JSONDecodeError, AttributeError):
                log.warning("llm fallback: arguments are not JSON")
                return dict(UNKNOWN)
            if not isinstance(args, dict):
                return dict(UNKNOWN)
            commands.append({"intent": call.function.name, "entities": args})
        if not commands:
            return dict(UNKNOWN)
        result = commands[0] if len(commands) == 1 else {"intent": "multi", "entities": {"commands": commands}}
        if not validate(result):
            log.warning("llm fallback: answer failed schema validation")
            return dict(UNKNOWN)
        return result
