"""Direction of money on the embedded recogniser: what the n-best direction check changes.

The payment and udhaar commands of bench_recognition's test set, spoken by its
held-out voices (never used for tuning) at 30 and 20 dB through the phone line,
recognised with the demo shop's model and parsed. For each utterance, "before"
is the recogniser's confidence without the direction check (the mean word
posterior, as before it existed) and "after" the confidence it reports now
(capped at UNSURE_ANSWER when the top readings disagree on direction). An
utterance books without a read-back when that confidence reaches the call's
book_confidence (0.9) and the parser is sure: the recogniser's share of the
rule only (a weak name match or an amount over the limit still reads back).

    .venv/bin/python benchmarks/bench_direction.py [--snrs 30,20] [--voices en-us+f4,en-029]

Prints, per noise level, before -> after: utterances; direction heard wrong
(payment heard as udhaar or the reverse); of those, booked without a read-back;
commands fully right booked at once (right first time); right but read back for
a direction doubt (the price: one more question); and the CPU of the check
against the CPU of recognition.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_recognition import (
    HELD_OUT_VOICES,
    TEST_SET,
    demo_vocabulary,
    load_parser,
    phone_audio,
    same_command,
    spoken_cases,
)
from bot.voice.language_model import build_shop_model, normalise
from bot.voice.recognizer import DIRECTION, Recognizer

MONEY = {"record_payment", "add_udhaar"}
BOOK_CONFIDENCE = 0.9


@dataclass(frozen=True)
class Row:
    snr: float | None
    right: bool
    wrong_direction: bool
    sure_before: bool
    sure_after: bool
    doubted: bool
    recognise_cpu_s: float
    check_cpu_s: float


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--snrs", default="30,20")
    p.add_argument("--voices", default=",".join(HELD_OUT_VOICES))
    args = p.parse_args(argv)
    parse = load_parser()
    if parse is None:
        print("bot.understanding is needed")
        return 1
    texts = [t for t in TEST_SET if parse(normalise(t)).get("intent") in MONEY]
    snrs = [float(s) for s in args.snrs.split(",") if s]
    cases = spoken_cases(texts, [v for v in args.voices.split(",") if v], snrs)
    print(f"{len(cases)} utterances: {len(texts)} payment/udhaar commands x voices {args.voices} x {snrs} dB")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as cache:
        rec = Recognizer(build_shop_model(demo_vocabulary(), Path(cache)))
        for case in cases:
            audio = phone_audio(case)
            rec.reset_cmn()
            cpu = time.process_time()
            t = rec.recognize(audio)
            cpu = time.process_time() - cpu
            check = time.process_time()
            rec._direction_doubted(t.text)  # the check again, on the same lattice: its own cost
            check = time.process_time() - check
            said, heard = parse(normalise(case.text)), parse(t.text)
            before = sum(w.confidence for w in t.words) / len(t.words) if t.words else 0.0
            parser_sure = not heard.get("unsure")
            rows.append(Row(
                snr=case.snr_db,
                right=same_command(parse, case.text, t.text),
                wrong_direction=heard.get("intent") in MONEY and heard.get("intent") != said.get("intent"),
                sure_before=parser_sure and before >= BOOK_CONFIDENCE,
                sure_after=parser_sure and t.confidence >= BOOK_CONFIDENCE,
                doubted=DIRECTION in t.doubts,
                recognise_cpu_s=cpu,
                check_cpu_s=check,
            ))
    header = (f"{'noise':<7} {'utts':>5} {'dir wrong':>9} {'wrong booked at once':>22} {'right first time':>18}"
              f" {'right, asked for dir':>21} {'doubted':>8} {'dir wrong, doubted':>19}")
    print(header)
    print("-" * len(header))
    for snr in [*snrs, None]:
        rs = [r for r in rows if snr is None or r.snr == snr]
        label = "all" if snr is None else f"{snr:.0f} dB"
        wrong = [r for r in rs if r.wrong_direction]
        print(
            f"{label:<7} {len(rs):>5} {len(wrong):>9}"
            f" {sum(r.sure_before for r in wrong):>10} -> {sum(r.sure_after for r in wrong):<9}"
            f" {sum(r.right and r.sure_before for r in rs):>7} -> {sum(r.right and r.sure_after for r in rs):<8}"
            f" {sum(r.right and r.doubted for r in rs):>21} {sum(r.doubted for r in rs):>8}"
            f" {sum(r.doubted for r in wrong):>19}"
        )
    rec_cpu = sum(r.recognise_cpu_s for r in rows)
    check_cpu = sum(r.check_cpu_s for r in rows)
    print(f"CPU: recognition {1000 * rec_cpu / len(rows):.1f} ms per utterance, of which the direction check "
          f"{1000 * check_cpu / len(rows):.1f} ms ({100 * check_cpu / max(1e-9, rec_cpu):.1f}%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
