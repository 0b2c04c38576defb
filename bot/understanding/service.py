"""Templates first, LLM only as the fallback: what the call pipeline uses.

`Understanding.understand(text, context)` returns the spec's shape plus
`source` ("templates" | "llm"). A negated sentence never goes to the LLM
(negation must stay `unknown`). An `unsure` parse (low coverage: the match
explains too little of the sentence) also goes to the LLM; if the LLM cannot
read it either, the template parse comes back still marked unsure, so the
conversation asks before it acts. With no key configured, unknown stays unknown
and the caller renders the `not_understood` reply (say it another way).
"""

from __future__ import annotations

from typing import Any

from bot.understanding.llm_fallback import LLMConfig, LLMFallback
from bot.understanding.parser import get_parser


class Understanding:
    def __init__(self, llm: LLMConfig | None = None) -> None:
        self.llm = LLMFallback(llm) if llm is not None and llm.enabled else None

    @property
    def has_llm(self) -> bool:
        return self.llm is not None

    async def understand(self, text: str, context: dict[str, Any] | None = None) -> dict[str, Any]:
        result = get_parser().parse(text, context)
        result["source"] = "templates"
        weak = result["intent"] == "unknown" or result.get("unsure") is True
        if weak and self.llm is not None and result.get("reason") != "negation":
            llm_result = await self.llm.parse(text)
            if llm_result["intent"] != "unknown":
                llm_result["source"] = "llm"
                return llm_result
        return result

    async def aclose(self) -> None:
        if self.llm is not None:
            await self.llm.aclose()
