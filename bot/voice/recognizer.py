"""PocketSphinx recognition of phone audio against a shop's language model.

Blocking by design: one `Recognizer` per call, driven from a worker thread.
Phone audio (8 kHz) is upsampled to 16 kHz for the wheel's en-us model (its
native 8 kHz front end gives 60-100% WER), padded with low-level noise (exact
digital silence confuses it), and decoded with our own feature parameters
(the model's feat.params would otherwise silently override ours) and a
cepstral-mean prior learned on phone audio (without it the first utterance of
every call is badly recognised).
"""

from __future__ import annotations

import itertools
import logging
import math
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bot.voice.audio import PHONE_RATE, StreamResampler, noise
from bot.voice.direction import directions_disagree, money_direction
from bot.voice.expect import YES_NO, classify
from bot.voice.language_model import ShopModel
from bot.voice.lexicon import model_dir
from bot.voice.meaning import MeaningChooser

log = logging.getLogger(__name__)

DECODER_RATE = 16000
FEAT_PARAMS = Path(__file__).with_name("data") / "feat.params"
# Cepstral mean of 8 kHz mu-law speech upsampled to 16 kHz, learned
# with espeak voices en-us, en-us+m3, en-us+f2 and en through the phone codec (live CMN after 25
# commands each, averaged); the benchmark keeps other voices out of this tuning.
CMN_PRIOR = "51.81,-0.09,-8.88,15.82,-11.87,2.22,-9.30,-1.89,-15.79,5.36,-6.46,3.13,-4.97"
LANGUAGE_WEIGHT = 10.0
# Search settings beyond the model's (see benchmarks/bench_recognition.py for the figures).
# No second (flat-lexicon) pass: same accuracy on shop commands, 40% less CPU, and the
# result is ready ~5 ms after the last audio instead of ~110 ms. Wider beams: +3 points.
DECODER_DEFAULTS: dict[str, object] = {"fwdflat": False, "beam": 1e-60, "wbeam": 1e-40}
PAD_SECONDS = 0.3
_CHUNK_BYTES = DECODER_RATE // 10 * 2  # 100 ms per process_raw call
PAD_RMS = 12.0  # int16 units: about -69 dBFS, a quiet line rather than nothing
# While listening for yes/no: how many alternatives must agree on the answer, and the confidence
# an answer gets when one of them reads as the opposite (below the conversation's confirm threshold).
# The same n-best check on open speech for the direction of money (payment vs udhaar).
N_BEST = 5
# Readings the meaning chooser weighs (bot.voice.meaning); more cost A* time for little gain.
N_BEST_MEANING = 10
UNSURE_ANSWER = 0.3
DIRECTION = "direction"  # Transcript.doubts: the top readings disagree on which way money moves


@dataclass(frozen=True)
class WordScore:
    """One recognised word with its posterior probability (0..1)."""

    word: str
    confidence: float
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Transcript:
    """What the recogniser heard in one segment, and how sure it is.

    `confidence` is the mean word posterior (it separates right from wrong
    commands better than the lowest one: AUC 0.83 vs 0.79 on the benchmark);
    `confidence_of("paanch sau")` gives the lowest posterior among the words of
    one entity, so the router can doubt just the name or the amount.
    """

    text: str
    confidence: float
    words: tuple[WordScore, ...] = ()
    audio_s: float = 0.0
    decode_s: float = 0.0
    finalise_s: float = 0.0  # time spent after the end of the audio
    engine: str = "pocketsphinx"  # or "deepgram" (bot.voice.deepgram.transcript_of)
    # What the top readings disagree on ("direction": a payment in one, udhaar in another).
    doubts: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.text

    @property
    def min_word_confidence(self) -> float:
        return min((w.confidence for w in self.words), default=0.0)

    def confidence_of(self, phrase: str) -> float | None:
        """Lowest posterior among the words of `phrase` where it occurs in the transcript (None if absent)."""
        target = phrase.lower().split()
        words = [w.word for w in self.words]
        for i in range(len(words) - len(target) + 1):
            if target and words[i : i + len(target)] == target:
                return min(w.confidence for w in self.words[i : i + len(target)])
        return None


@dataclass
class _Utterance:
    """Decoder state of the utterance in progress."""

    rate: int
    resampler: StreamResampler
    seed: int
    samples: int = 0
    busy_s: float = 0.0


class Recognizer:
    """A pocketsphinx decoder bound to one shop model; swap models between utterances."""

    def __init__(
        self,
        model: ShopModel,
        cmn_prior: str = CMN_PRIOR,
        language_weight: float = LANGUAGE_WEIGHT,
        chooser: MeaningChooser | None = None,
        **decoder_options: object,
    ):
        from pocketsphinx import Decoder

        self._lock = threading.Lock()
        options: dict[str, object] = {
            "hmm": str(model_dir() / "en-us"),
            "lm": str(model.lm_path),
            "dict": str(model.dict_path),
            "featparams": str(FEAT_PARAMS),
            "samprate": DECODER_RATE,
            "lw": language_weight,
            "cmninit": cmn_prior,
            "loglevel": "FATAL",
        }
        options.update(DECODER_DEFAULTS)
        options.update(decoder_options)
        self._decoder = Decoder(**options)
        self._cmn_prior = cmn_prior
        self._chooser = chooser  # open speech: the n-best reading that means the most (None: the best path)
        self._model = model
        self._utt: _Utterance | None = None
        self._generation = 0
        # One search per expectation (None: open speech); the next utterance uses `_expect`'s.
        self._searches: dict[str | None, str] = {}
        self._active = ""
        self._expect: str | None = None
        self._add_searches(model, str(self._decoder.current_search()))

    @property
    def model(self) -> ShopModel:
        return self._model

    def swap_model(self, model: ShopModel) -> None:
        """Load a rebuilt shop model into the live decoder (between utterances)."""
        with self._lock:
            if model.digest == self._model.digest:
                return
            self._generation += 1
            name = f"shop{self._generation}"
            self._decoder.load_dict(str(model.dict_path))
            self._decoder.add_lm_file(name, str(model.lm_path))
            self._add_searches(model, name)
            self._model = model

    def set_chooser(self, chooser: MeaningChooser | None) -> None:
        """The meaning chooser for the next utterances (after the shop's names changed)."""
        with self._lock:
            self._chooser = chooser

    def _add_searches(self, model: ShopModel, open_search: str) -> None:
        """Register the open-speech search and one search per expectation the model has."""
        self._searches = {None: open_search}
        for expect, path in model.expectations:
            name = f"{expect}{self._generation}"
            self._decoder.add_lm_file(name, str(path))
            self._searches[expect] = name
        self._activate()

    def listen_for(self, expect: str | None) -> None:
        """What the next utterance is likely to be (YES_NO while a read-back waits, None otherwise).
        Takes effect at the next utterance; an expectation without its own search is open speech."""
        with self._lock:
            self._expect = expect
            if self._utt is None:
                self._activate()

    @property
    def listening_for(self) -> str | None:
        """The expectation the decoder's active search serves (None: open speech)."""
        return next((k for k, v in self._searches.items() if v == self._active), None)

    def _activate(self) -> None:
        name = self._searches.get(self._expect, self._searches[None])
        if name != self._active:
            self._decoder.activate_search(name)
            self._active = name

    def cmn(self) -> str:
        """The decoder's current cepstral mean (to learn a prior)."""
        return str(self._decoder.get_cmn(False))

    def reset_cmn(self) -> None:
        """Start the next utterance from the prior again (a new caller, a new line)."""
        self._decoder.set_cmn(self._cmn_prior)

    def recognize(self, pcm: bytes, rate: int = PHONE_RATE) -> Transcript:
        """Decode one whole speech segment (int16 mono at `rate`). Blocking."""
        with self._lock:
            self._begin(rate, seed=len(pcm))
            self._feed(pcm)
            return self._finish()

    # Streaming: feed audio while the caller speaks so that only the last few
    # frames remain to decode when the VAD says they stopped. One utterance at
    # a time per recogniser; calls must come in order (begin, feed..., finish).

    def begin(self, rate: int = PHONE_RATE) -> None:
        """Start an utterance (leading low-level noise, not digital silence)."""
        with self._lock:
            self._begin(rate, seed=0)

    def feed(self, pcm: bytes) -> None:
        """Decode more of the utterance."""
        with self._lock:
            self._feed(pcm)

    def finish(self) -> Transcript:
        """End the utterance and return what was heard."""
        with self._lock:
            return self._finish()

    def _begin(self, rate: int, seed: int) -> None:
        if self._utt is not None:
            self._decoder.end_utt()  # an abandoned utterance (a cancelled call): drop it
            self._utt = None
        self._activate()
        self._utt = _Utterance(rate=rate, resampler=StreamResampler(rate, DECODER_RATE, quality="QQ"), seed=seed)
        self._decoder.start_utt()
        self._feed(noise(int(rate * PAD_SECONDS), PAD_RMS, seed=seed), counts=False)

    def _feed(self, pcm: bytes, counts: bool = True) -> None:
        utt = self._utt
        if utt is None or not pcm:
            return
        t = time.perf_counter()
        audio = utt.resampler.process(pcm)
        for i in range(0, len(audio), _CHUNK_BYTES):
            self._decoder.process_raw(audio[i : i + _CHUNK_BYTES], False, False)
        utt.busy_s += time.perf_counter() - t
        if counts:
            utt.samples += len(pcm) // 2

    def _finish(self) -> Transcript:
        utt = self._utt
        if utt is None:
            return Transcript("", 0.0)
        end_of_audio = time.perf_counter()
        tail = noise(int(utt.rate * PAD_SECONDS), PAD_RMS, seed=utt.seed + 1)
        audio = utt.resampler.process(tail, last=True)
        dec = self._decoder
        if audio:
            dec.process_raw(audio, False, False)
        dec.end_utt()
        self._utt = None
        hyp = dec.hyp()
        finished = time.perf_counter()
        audio_s = utt.samples / utt.rate
        decode_s = utt.busy_s + (finished - end_of_audio)
        if hyp is None or not hyp.hypstr:
            return Transcript("", 0.0, (), audio_s, decode_s, finished - end_of_audio)
        words = self._words()
        confidence = sum(w.confidence for w in words) / len(words) if words else self._prob(hyp.prob)
        doubts: tuple[str, ...] = ()
        text = hyp.hypstr.strip()
        if self._active == self._searches.get(YES_NO):
            if not self._answers_agree(hyp.hypstr):
                confidence = min(confidence, UNSURE_ANSWER)
        elif self._active == self._searches[None]:
            if self._chooser is not None:
                choice = self._chooser.choose(self._readings(text, N_BEST_MEANING))
                if choice.rank:
                    text, words = choice.text, ()  # the word scores were of the best path
                # readings that would book different things: the router asks rather than books
                confidence = min(confidence, choice.agreement)
            if self._direction_doubted(text):
                confidence = min(confidence, UNSURE_ANSWER)
                doubts = (DIRECTION,)
        return Transcript(
            text=text,
            confidence=round(confidence, 3),
            words=words,
            audio_s=audio_s,
            decode_s=decode_s,
            finalise_s=finished - end_of_audio,
            doubts=doubts,
        )

    def _readings(self, best: str, n: int) -> list[str]:
        """The best path, then the decoder's next distinct hypotheses (up to `n` in all)."""
        out = [best]
        for h in self._decoder.nbest():
            if len(out) >= n:
                break
            text = h.hypstr.strip() if h is not None else ""
            if text and text not in out:
                out.append(text)
        return out

    def _direction_doubted(self, best: str) -> bool:
        """Whether the best hypothesis says which way money moves and a close alternative says the
        other way ("cash" heard as "khate" turns a payment into udhaar): then the read-back says
        the direction plainly and nothing is booked on it. The n-best is only built for sentences
        with a direction word, so other commands cost nothing more."""
        if money_direction(best) is None:
            return False
        alternatives = (h.hypstr for h in self._decoder.nbest() if h is not None)
        return directions_disagree(best, itertools.islice(alternatives, N_BEST))

    def _answers_agree(self, best: str) -> bool:
        """Whether the best hypothesis reads as an answer and no close alternative reads as the opposite
        one ("nahi" and "haan" sound alike on a phone line: then the caller is asked again)."""
        answer = classify(best)
        if answer is None:
            return True  # not an answer at all: a command said instead, judged as usual
        alternatives = (h.hypstr for h in self._decoder.nbest() if h is not None)
        readings = {classify(text) for text in itertools.islice(alternatives, N_BEST)} - {None}
        return readings <= {answer}

    @staticmethod
    def _prob(prob: float) -> float:
        """The bindings already give posteriors as probabilities; clamp rounding noise."""
        return float(min(1.0, max(0.0, prob)))

    def _words(self) -> tuple[WordScore, ...]:
        out: list[WordScore] = []
        frame_s = 0.01
        for seg in self._decoder.seg() or ():
            word = seg.word
            if word.startswith("<") or word.startswith("[") or word.startswith("+"):
                continue
            word = word.split("(")[0]
            out.append(WordScore(word, self._prob(seg.prob), seg.start_frame * frame_s, seg.end_frame * frame_s))
        return tuple(out)


def log_ratio_confidence(score: float) -> float:
    """Map a log-likelihood ratio to 0..1 (for engines that report one)."""
    return 1.0 / (1.0 + math.exp(-score))
