"""libespeak-ng through ctypes: the embedded synthesiser and phonemiser.

Why ctypes and not the CLI: the library synthesises a reply in a few
milliseconds with first audio well under one, while the CLI costs a process
start per call and cannot stream. The library keeps global state (current
voice, rate, callback), so every use goes through one process-wide lock.
"""

from __future__ import annotations

import ctypes
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

AUDIO_OUTPUT_SYNCHRONOUS = 2
ESPEAK_CHARS_UTF8 = 1
ESPEAK_PHONEMES_IPA = 0x02
ESPEAK_RATE = 1
ESPEAK_PITCH = 3
EE_OK = 0

# Callback: int synth_callback(short *wav, int numsamples, espeak_EVENT *events)
_SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)

DEFAULT_RATE_WPM = 160
_LANG_SWITCH = re.compile(r"\([a-z]{2,3}(?:-[a-z0-9-]+)?\)", re.IGNORECASE)


class EspeakError(RuntimeError):
    """The library refused a call (unknown voice, failed initialisation)."""


@dataclass(frozen=True)
class Utterance:
    """A synthesised utterance: mono int16 PCM at `sample_rate`."""

    pcm: bytes
    sample_rate: int


class _Espeak:
    """The loaded library; one per process (the C library is a singleton)."""

    def __init__(self) -> None:
        import espeakng_loader

        self._lib = ctypes.CDLL(espeakng_loader.get_library_path())
        self._declare()
        rate = self._lib.espeak_Initialize(
            AUDIO_OUTPUT_SYNCHRONOUS, 60, espeakng_loader.get_data_path().encode(), 0
        )
        if rate <= 0:
            raise EspeakError("espeak_Initialize failed")
        self.sample_rate: int = int(rate)
        self.lock = threading.Lock()
        self._sink: Callable[[bytes], None] | None = None
        # Keep the ctypes callback alive for the life of the process: if it were
        # garbage-collected the library would call freed memory.
        self._callback = _SynthCallback(self._on_audio)
        self._lib.espeak_SetSynthCallback(self._callback)
        self._voice: str | None = None

    def _declare(self) -> None:
        lib = self._lib
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        lib.espeak_Synth.restype = ctypes.c_int
        lib.espeak_Synchronize.restype = ctypes.c_int
        lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int]
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p

    def _on_audio(self, wav: ctypes._Pointer, numsamples: int, _events: int | None) -> int:  # type: ignore[type-arg]
        if numsamples > 0 and wav and self._sink is not None:
            self._sink(ctypes.string_at(wav, numsamples * 2))
        return 0  # 0 = continue synthesis

    def _set_voice(self, voice: str) -> None:
        if voice == self._voice:
            return
        if self._lib.espeak_SetVoiceByName(voice.encode()) != EE_OK:
            raise EspeakError(f"unknown espeak-ng voice {voice!r}")
        self._voice = voice

    def synth(self, text: str, voice: str, rate: int, pitch: int | None, sink: Callable[[bytes], None]) -> None:
        """Synthesise `text`, handing each audio chunk to `sink` as it is made. Caller holds the lock."""
        self._set_voice(voice)
        self._lib.espeak_SetParameter(ESPEAK_RATE, int(rate), 0)
        if pitch is not None:
            self._lib.espeak_SetParameter(ESPEAK_PITCH, int(pitch), 0)
        data = text.encode("utf-8") + b"\0"
        buf = ctypes.create_string_buffer(data)
        self._sink = sink
        try:
            err = self._lib.espeak_Synth(buf, len(data), 0, 0, 0, ESPEAK_CHARS_UTF8, None, None)
            self._lib.espeak_Synchronize()
        finally:
            self._sink = None
        if err != EE_OK:
            raise EspeakError(f"espeak_Synth failed ({err})")

    def phonemes_ipa(self, text: str, voice: str) -> str:
        """espeak-ng's own reading of `text` in IPA. Caller holds the lock."""
        self._set_voice(voice)
        buf = ctypes.create_string_buffer(text.encode("utf-8") + b"\0")
        ptr = ctypes.c_void_p(ctypes.addressof(buf))
        parts: list[str] = []
        # TextToPhonemes returns one clause per call and advances the pointer.
        for _ in range(64):
            if not ptr.value:
                break
            out = self._lib.espeak_TextToPhonemes(ctypes.byref(ptr), ESPEAK_CHARS_UTF8, ESPEAK_PHONEMES_IPA)
            if out:
                parts.append(out.decode("utf-8", errors="replace"))
        text_out = " ".join(p.strip() for p in parts if p.strip())
        # A voice reading a word of another language marks the switch: "(en)pˈɑːntʃ(hi)".
        return _LANG_SWITCH.sub("", text_out)


_instance: _Espeak | None = None
_instance_lock = threading.Lock()


def _engine() -> _Espeak:
    global _instance
    with _instance_lock:
        if _instance is None:
            _instance = _Espeak()
        return _instance


def native_sample_rate() -> int:
    """The library's output rate (22050 Hz for the shipped voices)."""
    return _engine().sample_rate


def synthesize(text: str, voice: str = "en-us", rate: int = DEFAULT_RATE_WPM, pitch: int | None = None) -> Utterance:
    """Synthesise a whole utterance (blocking; run it in a thread inside a call)."""
    eng = _engine()
    chunks: list[bytes] = []
    with eng.lock:
        eng.synth(text, voice, rate, pitch, chunks.append)
    return Utterance(b"".join(chunks), eng.sample_rate)


def synthesize_stream(
    text: str, voice: str = "en-us", rate: int = DEFAULT_RATE_WPM, pitch: int | None = None
) -> Iterator[bytes]:
    """Synthesise, yielding native-rate int16 chunks; the lock is held until exhausted."""
    eng = _engine()
    with eng.lock:
        chunks: list[bytes] = []
        eng.synth(text, voice, rate, pitch, chunks.append)
    yield from chunks


def phonemes_ipa(text: str, voice: str = "en-us") -> str:
    """espeak-ng's IPA reading of `text` with `voice`'s rules."""
    eng = _engine()
    with eng.lock:
        return eng.phonemes_ipa(text, voice)


def pcm_to_float(pcm: bytes) -> np.ndarray:
    """int16 bytes -> float32 in [-1, 1]."""
    return np.frombuffer(pcm, dtype=np.int16).astype(np.float32) / 32768.0
