"""Embedded recognition benchmark: a spoken test set through the phone line into the recogniser.

Commands a shopkeeper of the demo shop would say are synthesised with several
espeak-ng voices (some never used for tuning), speeds and white-noise levels,
passed through the G.711 mu-law round trip at 8 kHz, recognised with the demo
shop's language model, and parsed with `bot.understanding.parse`. Prints WER,
commands fully right (the recognised sentence parses to the same intent and
entities as the sentence that was said), exact transcripts, recognition CPU
x real time and the time from end of speech to the result.

    .venv/bin/python benchmarks/bench_recognition.py [--quick] [--workers 2]

The pieces (`TEST_SET`, `spoken_cases`, `phone_audio`, `recognise_cases`,
`same_command`) are importable for other benchmarks (asked-again vs
wrong-booking figures on top of the router).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.voice import ShopVocabulary, espeak
from bot.voice.audio import PHONE_RATE, add_noise_snr, mulaw_decode, mulaw_encode, resample
from bot.voice.language_model import build_shop_model, normalise
from bot.voice.recognizer import Recognizer, Transcript

# Said to the demo shop (business/demo_shop.py): its customers, nicknames, products and aliases.
TEST_SET: tuple[str, ...] = (
    "Rahul ka balance batao",
    "Suresh ne paanch sau rupaye diye",
    "Sharma ji ka kitna baaki hai",
    "Gupta ji ne do sau cash diye",
    "Meena aunty ke khate mein teen sau likh do",
    "Vikas ko do packet maggi aur ek double roti",
    "chini kitni bachi hai",
    "Pooja ko teen kilo atta do",
    "Irfan bhai ne ek hazaar phonepe kiye",
    "kal kitna dhandha hua",
    "kaun kaun udhaar pe chal raha hai",
    "Sunita ko kal subah das baje yaad dilana",
    "bees kilo chawal aaya hai",
    "Kavita ka balance batao",
    "haan pakka kar do",
    "Rahul Verma ka hisaab batao",
    "Ramesh ne dedh hazaar rupaye diye",
    "Anil Gupta ko bill whatsapp kar do",
    "market mein kul kitna udhaar hai",
    "Vicky ka kitna baaki hai",
    "Suresh bhaiya ne teen sau pachaas gpay kiye",
    "maggi kitni bachi hai",
    "Pooja didi ka hisaab batao",
    "Meena ne chaar sau rupaye diye",
    "Joshi madam ka balance batao",
    "Mishra aunty ko paanch sau udhaar diya",
    "Irfan ka kitna baaki hai",
    "Vikas ne do hazaar rupaye cash diye",
    "Sharma ji ko do kilo chini aur ek packet chai patti",
    "aaj kitna dhandha hua",
    "Rahul Singh ne paanch sau rupaye diye",
    "butter ka stock batao",
    "Kavita ke khate mein do sau likh do",
    "Gupta ji ka reminder hata do",
    "Chhota Rahul ka balance batao",
    "das packet parle g aaya hai",
    "Anil ne saat sau rupaye paytm kiye",
    "theek hai bye",
    "Suresh ka kitna udhaar hai",
    "Pooja ne ek hazaar paanch sau rupaye diye",
    "namak kitna bacha hai",
    "Meena aunty ko do dabba makhan do",
    "Ramesh Sharma ka balance kitna hai",
    "Vicky ko parso shaam saat baje yaad dilana",
    "Irfan bhai ke naam teen sau likh do",
    "Sunita ne do sau pachaas rupaye diye",
    "pichle mahine ki gst report bhejo",
    "Mohammed Irfan ka hisaab batao",
    "Kavita ne chhe sau rupaye diye",
    "nahi rehne do",
)

TUNING_VOICES = ("en-us", "en-us+m3", "en-us+f2", "en")  # used to learn the CMN prior
HELD_OUT_VOICES = ("en-us+f4", "en-029", "en-GB-x-rp", "hi")  # never used for tuning
RATES = (135, 160, 185)
SNRS: tuple[float | None, ...] = (None, 30.0, 20.0, 10.0)


@dataclass(frozen=True)
class Case:
    """One utterance of the spoken test set."""

    text: str
    voice: str
    rate: int
    snr_db: float | None
    seed: int

    @property
    def held_out(self) -> bool:
        return self.voice not in TUNING_VOICES


@dataclass(frozen=True)
class Result:
    case: Case
    hypothesis: str
    confidence: float
    ref_words: int
    word_edits: int
    cpu_s: float
    audio_s: float
    finalise_s: float
    command_right: bool | None  # None: no parser available


def demo_vocabulary() -> ShopVocabulary:
    """The demo shop's names, as the call path would pass them."""
    from business.demo_shop import CUSTOMERS, PRODUCTS

    return ShopVocabulary.of(
        [c["name"] for c in CUSTOMERS],
        [p["name"] for p in PRODUCTS],
        nicknames=[n for c in CUSTOMERS for n in c.get("nicknames", [])],
        landmarks=[c["landmark"] for c in CUSTOMERS if c.get("landmark")],
        product_aliases=[a for p in PRODUCTS for a in p.get("aliases", [])],
    )


def spoken_cases(
    texts: Iterable[str] = TEST_SET,
    voices: Iterable[str] = TUNING_VOICES + HELD_OUT_VOICES,
    snrs: Iterable[float | None] = SNRS,
    rates: tuple[int, ...] = RATES,
) -> list[Case]:
    """Every text in every voice at every noise level; speeds rotate so each is used equally."""
    cases: list[Case] = []
    for i, text in enumerate(texts):
        for j, voice in enumerate(voices):
            for k, snr in enumerate(snrs):
                cases.append(Case(text, voice, rates[(i + j + k) % len(rates)], snr, seed=i * 1000 + j * 10 + k))
    return cases


def phone_audio(case: Case) -> bytes:
    """The case as the server hears it: synthesised, 8 kHz, line noise at the SNR, mu-law round trip."""
    utt = espeak.synthesize(case.text, case.voice, case.rate)
    pcm = resample(utt.pcm, utt.sample_rate, PHONE_RATE)
    if case.snr_db is not None:
        pcm = add_noise_snr(pcm, case.snr_db, seed=case.seed)
    return mulaw_decode(mulaw_encode(pcm))


def word_edits(ref: str, hyp: str) -> tuple[int, int]:
    """(substitutions + deletions + insertions, reference length) over normalised words."""
    r, h = normalise(ref).split(), normalise(hyp).split()
    prev = list(range(len(h) + 1))
    for i in range(1, len(r) + 1):
        cur = [i] + [0] * len(h)
        for j in range(1, len(h) + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r[i - 1] != h[j - 1]))
        prev = cur
    return prev[-1], len(r)


_IGNORED_KEYS = {"confidence", "spans", "template", "matched", "score", "text", "phrase", "raw"}


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items() if k not in _IGNORED_KEYS}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if isinstance(value, str):
        return value.lower().strip()
    return value


def load_parser() -> Callable[[str], dict[str, Any]] | None:
    """`bot.understanding.parse` when the understanding package is present."""
    try:
        from bot.understanding import parse  # type: ignore[attr-defined]
    except ImportError:
        return None
    return parse  # type: ignore[no-any-return]


def same_command(parse: Callable[[str], dict[str, Any]], said: str, heard: str) -> bool:
    """Whether what was heard parses to the same intent and entities as what was said."""
    ref, hyp = parse(normalise(said)), parse(heard)
    return bool(
        ref.get("intent") == hyp.get("intent")
        and _canonical(ref.get("entities", {})) == _canonical(hyp.get("entities", {}))
    )


def recognise_cases(cases: list[Case], recognizer: Recognizer, parse: Callable[[str], dict[str, Any]] | None) -> list[Result]:
    """Recognise each case from a fresh call's state (CMN prior reset), in order."""
    results: list[Result] = []
    for case in cases:
        audio = phone_audio(case)
        recognizer.reset_cmn()  # each utterance as the first of a call: the hardest case
        cpu = time.process_time()
        t: Transcript = recognizer.recognize(audio, PHONE_RATE)
        cpu = time.process_time() - cpu
        edits, n = word_edits(case.text, t.text)
        right = same_command(parse, case.text, t.text) if parse else None
        results.append(Result(case, t.text, t.confidence, n, edits, cpu, t.audio_s, t.finalise_s, right))
    return results


def shop_recognizer(cache_dir: Path, meaning: bool = True) -> Recognizer:
    """The demo shop's recogniser as a call builds it: n-best chosen by meaning (bot.voice.meaning)."""
    from bot.understanding import parse
    from bot.voice.meaning import MeaningChooser

    vocabulary = demo_vocabulary()
    chooser = MeaningChooser(vocabulary, parse) if meaning else None
    return Recognizer(build_shop_model(vocabulary, Path(cache_dir)), chooser=chooser)


def _worker(args: tuple[list[Case], str, bool]) -> list[Result]:
    cases, cache_dir, meaning = args
    return recognise_cases(cases, shop_recognizer(Path(cache_dir), meaning), load_parser())


def run(cases: list[Case], workers: int, cache_dir: Path, meaning: bool = True) -> list[Result]:
    build_shop_model(demo_vocabulary(), cache_dir)  # once, before the workers read it
    if workers <= 1:
        return _worker((cases, str(cache_dir), meaning))
    chunks = [cases[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [r for part in pool.map(_worker, [(c, str(cache_dir), meaning) for c in chunks]) for r in part]


def _row(label: str, rs: list[Result]) -> str:
    edits = sum(r.word_edits for r in rs)
    words = sum(r.ref_words for r in rs)
    exact = sum(r.word_edits == 0 for r in rs)
    judged = [r for r in rs if r.command_right is not None]
    right = f"{100 * sum(bool(r.command_right) for r in judged) / len(judged):5.1f}%" if judged else "  n/a "
    xrt = sum(r.cpu_s for r in rs) / max(1e-9, sum(r.audio_s for r in rs))
    fin = sorted(r.finalise_s * 1000 for r in rs)
    p50, p95 = fin[len(fin) // 2], fin[min(len(fin) - 1, int(len(fin) * 0.95))]
    return (
        f"{label:<22} {len(rs):>5} {100 * edits / max(1, words):6.1f}% {right:>8} {100 * exact / len(rs):6.1f}%"
        f" {xrt:7.3f} {p50:6.0f} {p95:6.0f}"
    )


def report(results: list[Result], wall_s: float) -> None:
    header = f"{'condition':<22} {'utts':>5} {'WER':>7} {'cmd ok':>8} {'exact':>7} {'CPU xRT':>7} {'p50ms':>6} {'p95ms':>6}"
    print(header)
    print("-" * len(header))
    print(_row("all", results))
    groups: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        groups["tuning voices" if not r.case.held_out else "held-out voices"].append(r)
        groups[f"voice {r.case.voice}"].append(r)
        groups[f"noise {'clean' if r.case.snr_db is None else f'{r.case.snr_db:.0f} dB'}"].append(r)
        groups[f"speed {r.case.rate} wpm"].append(r)
        if r.case.held_out:
            groups[f"held-out {'clean' if r.case.snr_db is None else f'{r.case.snr_db:.0f} dB'}"].append(r)
    for key in sorted(groups, key=lambda k: (k.split()[0], k)):
        print(_row(key, groups[key]))
    confs_right = [r.confidence for r in results if r.word_edits == 0]
    confs_wrong = [r.confidence for r in results if r.word_edits > 0]
    if confs_right and confs_wrong:
        print(
            f"\nconfidence (mean word posterior): exact transcripts median {statistics.median(confs_right):.2f},"
            f" wrong transcripts median {statistics.median(confs_wrong):.2f}"
        )
        judged = [r for r in results if r.command_right is not None]
        for threshold in (0.5, 0.6, 0.7, 0.8):
            kept = [r for r in results if r.confidence >= threshold]
            wrong_kept = sum(r.word_edits > 0 for r in kept)
            line = (
                f"  threshold {threshold:.2f}: {100 * len(kept) / len(results):5.1f}% accepted,"
                f" of which {100 * wrong_kept / max(1, len(kept)):5.1f}% have word errors"
            )
            if judged:
                kept_j = [r for r in judged if r.confidence >= threshold]
                wrong_cmd = sum(not r.command_right for r in kept_j)
                lost = sum(bool(r.command_right) for r in judged if r.confidence < threshold)
                line += (
                    f", {100 * wrong_cmd / max(1, len(kept_j)):5.1f}% wrong commands;"
                    f" {100 * lost / max(1, sum(bool(r.command_right) for r in judged)):5.1f}% of right commands asked again"
                )
            print(line)
    print(f"\n'cmd ok' = recognised text parses to the same intent and entities as the sentence said"
          f"{'' if results and results[0].command_right is not None else ' (parser not available: n/a)'}")
    print("p50/p95 = recognition result after end of speech (decoder finalisation), CPU xRT = CPU s / audio s")
    print(f"wall time {wall_s:.1f} s")


REPLIES = (
    "Namaste Sharma ji, boliye",
    "Rahul Verma ka balance chaar sau pachaas rupaye hai",
    "Suresh Yadav ke paanch sau rupaye jama ho gaye. Ab baaki saat sau rupaye hain",
    "राहुल वर्मा का बकाया ४५० रुपये है",
    "Bill ban gaya: do packet Maggi, ek double roti, kul chhiyasath rupaye. Pakka karun?",
)


def tts_timings(repeats: int = 20) -> list[tuple[str, float, float, float]]:
    """espeak-ng per reply: (reply, first audio ms, whole reply ms, audio seconds), medians over repeats."""
    out = []
    for text in REPLIES:
        firsts, totals = [], []
        audio_s = 0.0
        for _ in range(repeats):
            started = time.perf_counter()
            first: list[float] = []
            chunks: list[bytes] = []
            eng = espeak._engine()

            def sink(chunk: bytes, first: list[float] = first, chunks: list[bytes] = chunks) -> None:
                if not first:
                    first.append(time.perf_counter())
                chunks.append(chunk)

            voice = "hi" if any("\u0900" <= ch <= "\u097f" for ch in text) else "en-us"
            with eng.lock:
                eng.synth(text, voice, 165, None, sink)
            totals.append(time.perf_counter() - started)
            firsts.append(first[0] - started)
            audio_s = sum(len(c) for c in chunks) / 2 / eng.sample_rate
        out.append((text, 1000 * statistics.median(firsts), 1000 * statistics.median(totals), audio_s))
    return out


def model_and_streaming_timings(cache_dir: Path, text: str = "Rahul ka balance batao") -> tuple[float, float, float]:
    """(shop model build ms, cached build ms, streamed finalise ms): a cached model is reused, and a
    streamed utterance leaves only its tail to decode at end of speech."""
    started = time.perf_counter()
    model = build_shop_model(demo_vocabulary(), cache_dir)
    built = time.perf_counter() - started
    started = time.perf_counter()
    build_shop_model(demo_vocabulary(), cache_dir)
    cached = time.perf_counter() - started
    recognizer = Recognizer(model)
    audio = phone_audio(Case(text, "en-us", 150, None, 0))
    recognizer.begin(PHONE_RATE)
    for i in range(0, len(audio), 320):  # 20 ms frames, as a call delivers them
        recognizer.feed(audio[i : i + 320])
    return 1000 * built, 1000 * cached, 1000 * recognizer.finish().finalise_s


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--quick", action="store_true", help="20 commands, clean and 20 dB only")
    p.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    p.add_argument("--voices", default="", help="comma-separated espeak voices (default: tuning + held-out)")
    p.add_argument("--cache-dir", default="", help="model cache (default: a temporary directory)")
    p.add_argument("--show-errors", type=int, default=0, help="print this many misrecognitions")
    p.add_argument("--no-meaning", action="store_true", help="the best path only (before issue 16's n-best choice)")
    args = p.parse_args(argv)

    texts = TEST_SET[:20] if args.quick else TEST_SET
    snrs: tuple[float | None, ...] = (None, 20.0) if args.quick else SNRS
    voices = tuple(v for v in args.voices.split(",") if v) or TUNING_VOICES + HELD_OUT_VOICES
    print("embedded synthesis (espeak-ng via ctypes, median of 20):")
    for text, first_ms, total_ms, audio_s in tts_timings():
        print(f"  first audio {first_ms:5.2f} ms, whole reply {total_ms:5.1f} ms for {audio_s:4.1f} s of speech: {text[:48]}")
    print()
    cases = spoken_cases(texts, voices, snrs)
    parser_note = "bot.understanding.parse" if load_parser() else "no parser (commands judged n/a)"
    print(f"{len(cases)} utterances: {len(texts)} commands x {len(voices)} voices x {len(snrs)} noise levels;"
          f" speeds {RATES} wpm; parser: {parser_note}\n")
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(args.cache_dir) if args.cache_dir else Path(tmp)
        built_ms, cached_ms, streamed_ms = model_and_streaming_timings(cache)
        print(f"shop model: built in {built_ms:.0f} ms, from the cache in {cached_ms:.1f} ms;"
              f" streamed utterance finalised {streamed_ms:.1f} ms after end of speech\n")
        started = time.perf_counter()
        results = run(cases, args.workers, cache, meaning=not args.no_meaning)
        report(results, time.perf_counter() - started)
    if args.show_errors:
        print("\nmisrecognitions:")
        for r in [r for r in results if r.word_edits][: args.show_errors]:
            print(f"  [{r.case.voice} {r.case.rate} {r.case.snr_db}] {r.case.text!r} -> {r.hypothesis!r} ({r.confidence:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
