"""Silero VAD with one ONNX session per process instead of one per call.

pipecat's SileroVADAnalyzer loads its own onnxruntime session (~11 MB, ~0.1 s)
for every call. The session is stateless and safe to share (onnxruntime's
`run` is thread-safe); the recurrent state lives in the model wrapper, which
each call gets a fresh shallow copy of. Tied to pipecat 1.14's Silero internals
(pinned in pyproject); `tests/unit/call` checks it still detects speech.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

from pipecat.audio.vad.silero import SileroVADAnalyzer
from pipecat.audio.vad.vad_analyzer import VADAnalyzer, VADParams

_lock = threading.Lock()
_template: Any = None


def _shared_model() -> Any:
    """A SileroOnnxModel loaded once; callers copy it (shared session, own state)."""
    global _template
    with _lock:
        if _template is None:
            _template = SileroVADAnalyzer(sample_rate=8000)._model
    return _template


class SharedSileroVADAnalyzer(SileroVADAnalyzer):
    """SileroVADAnalyzer whose ONNX session is shared by every call in the process."""

    def __init__(self, *, sample_rate: int | None = None, params: VADParams | None = None):
        VADAnalyzer.__init__(self, sample_rate=sample_rate, params=params)
        model = copy.copy(_shared_model())
        model.reset_states()
        self._model = model
        self._windows_since_reset = 0
        self._low_confidence_windows = 0

    @property
    def model(self) -> Any:
        """This call's Silero wrapper: its own copy, around the process's one ONNX session (`model.session`)."""
        return self._model

    @property
    def recurrent_state(self) -> Any:
        """The model's recurrent state after the last window: this call's alone."""
        return self._model._state
