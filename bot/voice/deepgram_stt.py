"""DeepgramSTT: pipecat 1.14's Deepgram streaming recognition, shaped for a shop's call.

Two changes to pipecat's service:
- a final transcript leaves with our `Transcript` as its `result` (transcript
  and word confidences from Deepgram's `Results`), so the router judges it by
  the same rules as the embedded recogniser; pipecat hands on the raw message,
  whose confidence sits in `channel.alternatives[0]`, and the router saw none;
- the call's start is not held hostage to the connection (see `_connect`).

Imports the Deepgram SDK: import this module lazily (bot.voice.factory does).
"""

from __future__ import annotations

import asyncio
import logging

from pipecat.frames.frames import Frame, TranscriptionFrame
from pipecat.processors.frame_processor import FrameDirection
from pipecat.services.deepgram.stt import DeepgramSTTService

from bot.voice.config import ShopVocabulary, VoiceConfig
from bot.voice.deepgram import recognition_language, shop_keyterms, transcript_of
from bot.voice.recognizer import Transcript

log = logging.getLogger(__name__)

DEEPGRAM_CONNECT_WAIT_S = 1.5


class DeepgramSTT(DeepgramSTTService):  # type: ignore[misc]
    """Deepgram whose final transcripts carry a `Transcript` with confidences."""

    async def _connect(self) -> None:
        """Wait briefly for the connection, then carry on.

        pipecat 1.14 waits in `setup` until Deepgram connects or gives up
        (seconds of retries with back-off when it refuses us): the greeting
        would wait too. Its first connection error already switches the call
        to the embedded recogniser.
        """
        self._quick_failure_tracker.reset()
        self._connection_settled.clear()
        self._connection_task = self.create_task(self._connection_handler())  # type: ignore[assignment]
        try:
            await asyncio.wait_for(self._connection_settled.wait(), DEEPGRAM_CONNECT_WAIT_S)
        except TimeoutError:
            log.warning("Deepgram not connected after %.1f s; carrying on", DEEPGRAM_CONNECT_WAIT_S)

    async def push_frame(self, frame: Frame, direction: FrameDirection = FrameDirection.DOWNSTREAM) -> None:
        if isinstance(frame, TranscriptionFrame) and not isinstance(frame.result, Transcript):
            transcript = transcript_of(frame.result)
            if transcript is not None:
                frame.result = transcript
                log.debug("deepgram transcript: confidence %.2f, %d words", transcript.confidence,
                          len(transcript.words))
        await super().push_frame(frame, direction)


def make_deepgram_stt(
    config: VoiceConfig, vocabulary: ShopVocabulary, *, language: str | None = None
) -> DeepgramSTT:
    """Deepgram streaming recognition for one call: the shop's language ("hi" or "multi"; None:
    the process's DEEPGRAM_LANGUAGE) and its names and command words as keyterms."""
    keyterms = shop_keyterms(vocabulary)
    settings = DeepgramSTTService.Settings(
        model=config.deepgram_model,
        language=recognition_language(language, config.deepgram_language),
        interim_results=False,
        smart_format=False,
        punctuate=False,
        keyterm=keyterms or None,
    )
    return DeepgramSTT(
        api_key=config.deepgram_api_key,
        base_url=config.deepgram_base_url,
        settings=settings,
        name="DeepgramSTT",
    )
