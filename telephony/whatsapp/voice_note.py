"""Voice notes from the owner: download (Cloud API media), decode OGG/Opus, recognise offline.

Meta's media download is two steps: `GET /{version}/{media-id}` answers a
short-lived `url`, and `GET url` (same bearer token) answers the bytes. The
OGG/Opus file is decoded with soundfile (libsndfile has Opus), mixed to mono,
passed through the phone line the embedded recogniser is tuned on (8 kHz), and
recognised as one whole utterance with the shop's language model. Decoding and
recognition are blocking: they run in a worker thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
import io
import logging
from pathlib import Path

import httpx
import numpy as np

from bot.voice.audio import PHONE_RATE, phone_line
from bot.voice.config import ShopVocabulary
from bot.voice.recognizer import Transcript
from telephony.whatsapp.sender import WhatsAppConfig, shared_ssl_context

log = logging.getLogger(__name__)

MAX_VOICE_NOTE_BYTES = 16 * 1024 * 1024  # WhatsApp's own audio limit
MAX_VOICE_NOTE_S = 60.0  # a command, not a speech: the rest is not decoded


class VoiceNoteError(Exception):
    """The note could not be fetched or decoded (the owner is asked to type or say it again)."""


async def download_media(config: WhatsAppConfig, media_id: str, client: httpx.AsyncClient | None = None) -> bytes:
    """The media's bytes (two authenticated GETs). Raises VoiceNoteError."""
    version = config.api_version if config.api_version.startswith("v") else f"v{config.api_version}"
    headers = {"Authorization": f"Bearer {config.access_token}"}
    own = client is None
    http = client or httpx.AsyncClient(timeout=httpx.Timeout(config.timeout_s), verify=shared_ssl_context())
    try:
        meta = await http.get(f"{config.api_base_url.rstrip('/')}/{version}/{media_id}", headers=headers)
        url = meta.json().get("url") if meta.status_code == 200 else None
        if not isinstance(url, str) or not url:
            raise VoiceNoteError(f"media {media_id}: no url (HTTP {meta.status_code})")
        got = await http.get(url, headers=headers)
        if got.status_code != 200:
            raise VoiceNoteError(f"media {media_id}: HTTP {got.status_code}")
        if len(got.content) > MAX_VOICE_NOTE_BYTES:
            raise VoiceNoteError(f"media {media_id}: too large")
        return got.content
    except (httpx.HTTPError, ValueError) as exc:
        raise VoiceNoteError(f"media {media_id}: {type(exc).__name__}") from exc
    finally:
        if own:
            await http.aclose()


def decode_voice_note(data: bytes) -> bytes:
    """OGG/Opus (or any format libsndfile reads) -> 8 kHz int16 mono phone-line PCM. Blocking."""
    import soundfile as sf

    try:
        samples, rate = sf.read(io.BytesIO(data), dtype="int16", always_2d=True,
                                frames=-1)
    except (RuntimeError, sf.LibsndfileError, TypeError, ValueError) as exc:
        raise VoiceNoteError(f"not decodable audio: {type(exc).__name__}") from exc
    samples = samples[: int(MAX_VOICE_NOTE_S * rate)]
    mono = samples.mean(axis=1).astype(np.int16) if samples.shape[1] > 1 else samples[:, 0]
    return phone_line(mono.tobytes(), int(rate))


def _recognise(pcm: bytes, vocabulary: ShopVocabulary, cache_dir: Path) -> Transcript:
    from bot.voice.language_model import build_shop_model
    from bot.voice.recognizer import Recognizer

    return Recognizer(build_shop_model(vocabulary, cache_dir)).recognize(pcm, PHONE_RATE)


async def recognise_voice_note(data: bytes, vocabulary: ShopVocabulary, cache_dir: Path) -> Transcript:
    """What the owner said in the note (decoded and recognised off the event loop)."""
    pcm = await asyncio.to_thread(decode_voice_note, data)
    transcript = await asyncio.to_thread(_recognise, pcm, vocabulary, cache_dir)
    log.info("voice note: %.1f s of audio, confidence %.2f", len(pcm) / 2 / PHONE_RATE, transcript.confidence)
    return transcript
