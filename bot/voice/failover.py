"""Fail over from a cloud speech service to the embedded one on the first error.

pipecat 1.14's `ServiceSwitcherStrategyFailover` switches only once a service
reports itself unusable, which for a dropped WebSocket comes after several
reconnect attempts with back-off: seconds of dead air on a live call. This
strategy switches on the first error that is the provider's fault (anything
but an application error) and writes the failed service off for the rest of
the call, so the caller keeps hearing the bot.
"""

from __future__ import annotations

import logging

from pipecat.frames.frames import ErrorFrame, TTSSpeakFrame
from pipecat.pipeline.service_switcher import ServiceSwitcher, ServiceSwitcherStrategyManual
from pipecat.processors.frame_processor import FrameProcessor
from pipecat.utils.errors import ErrorCategory

from bot import metrics

log = logging.getLogger(__name__)


class FailoverOnErrorStrategy(ServiceSwitcherStrategyManual):
    """Switch to the next service in the list as soon as the active one errs."""

    async def handle_error(self, error: ErrorFrame) -> FrameProcessor | None:
        failed = error.processor or self._active_service
        metrics.speech_error(failed, error.category)
        if error.category == ErrorCategory.APPLICATION:
            return None  # our code failed, not the provider: switching would not help
        services = self._services
        if failed not in services:
            return None
        start = services.index(failed)
        for candidate in services[start + 1 :]:
            if candidate.is_usable:
                log.warning(
                    "speech service %s failed (%s); switching to %s",
                    failed.name,
                    error.category.value if error.category else "unknown",
                    candidate.name,
                )
                switched = await self._set_active_if_available(candidate)
                if switched is not None:
                    metrics.speech_failover(failed)
                    if failed.is_usable:
                        await failed.set_usable(False)  # no flapping back mid-call
                    await self._say_what_was_lost(failed, switched)
                return switched
        return None


    @staticmethod
    async def _say_what_was_lost(failed: FrameProcessor, fallback: FrameProcessor) -> None:
        """A synthesiser that failed before producing audio leaves a sentence unsaid: say it now."""
        text = getattr(failed, "pending_text", None)
        if isinstance(text, str) and text.strip():
            failed.pending_text = None  # type: ignore[attr-defined]
            await fallback.queue_frame(TTSSpeakFrame(text, append_to_context=False))


def with_fallback(primary: FrameProcessor, fallback: FrameProcessor) -> ServiceSwitcher:
    """`primary` until it fails, then `fallback` for the rest of the call."""
    return ServiceSwitcher(services=[primary, fallback], strategy_type=FailoverOnErrorStrategy)
