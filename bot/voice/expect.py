"""Names of what a caller is expected to answer (pure: the conversation imports it without pipecat)."""

from __future__ import annotations

YES_NO = "yes_no"
EXPECTATIONS = (YES_NO,)
