"""Spoken yes/no while a read-back waits: accepted the first time, before and after the yes/no search.

Answers a caller gives to "Pakka karoon?" (and a few things said instead of an
answer) are synthesised with espeak-ng voices, tuned and held out, at several
speeds and line-noise levels, sent through the 8 kHz mu-law phone line, and
recognised twice with the demo shop's model: open speech (before) and with the
recogniser listening for yes/no (after). An answer counts as accepted the first
time when `bot.voice.expect.classify` reads it as meant and the
recogniser's confidence reaches the conversation's confirm threshold (0.5);
an opposite answer heard with that confidence (acted on wrongly) is counted
apart: it is worse than being asked again. Things
said instead of an answer must keep their meaning (same parse as said).

    .venv/bin/python benchmarks/bench_yes_no.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_recognition import (
    HELD_OUT_VOICES,
    RATES,
    SNRS,
    TUNING_VOICES,
    demo_vocabulary,
    load_parser,
    phone_audio,
    same_command,
    spoken_cases,
)
from bot.voice.audio import PHONE_RATE
from bot.voice.expect import YES_NO, classify
from bot.voice.language_model import build_shop_model
from bot.voice.recognizer import Recognizer

CONFIRM_CONFIDENCE = 0.5  # bot.call.conversation.Conversation's default
YES = ("haan", "haan ji", "ji haan", "theek hai", "haan kar do", "yes", "okay", "bilkul", "haan pakka kar do")
NO = ("nahi", "nahi nahi", "mat karo", "no", "ruko", "cancel karo", "nahi rehne do")
INSTEAD = ("Suresh ka balance batao", "das rupaye kam karo", "nahi paanch sau", "Meena ne do sau rupaye diye")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one noise level, fewer voices")
    args = ap.parse_args()
    voices = TUNING_VOICES[:2] + HELD_OUT_VOICES[:2] if args.quick else TUNING_VOICES + HELD_OUT_VOICES
    snrs = SNRS[:1] if args.quick else SNRS
    parse = load_parser()
    with tempfile.TemporaryDirectory() as tmp:
        model = build_shop_model(demo_vocabulary(), Path(tmp))
        rec = Recognizer(model)
        tally: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])  # (mode, kind, voices)
        for kind, texts in (("yes", YES), ("no", NO), ("instead", INSTEAD)):
            for case in spoken_cases(texts, voices, snrs, RATES):
                pcm = phone_audio(case)
                group = "held out" if case.held_out else "tuned"
                for mode, expect in (("before", None), ("after", YES_NO)):
                    rec.listen_for(expect)
                    heard = rec.recognize(pcm, PHONE_RATE)
                    row = tally[(mode, kind, group)]
                    row[0] += 1
                    if kind == "instead":
                        row[1] += bool(parse and same_command(parse, case.text, heard.text))
                        continue
                    answer = classify(heard.text)
                    if answer == kind and heard.confidence >= CONFIRM_CONFIDENCE:
                        row[1] += 1
                    elif answer is not None and answer != kind and heard.confidence >= CONFIRM_CONFIDENCE:
                        row[2] += 1  # acted on the opposite answer
    print(f"{'':8} {'said':8} {'voices':9} {'n':>4} {'accepted':>9} {'acted wrongly':>14}")
    for mode in ("before", "after"):
        for kind in ("yes", "no", "instead"):
            for group in ("tuned", "held out"):
                n, ok, wrong = tally[(mode, kind, group)]
                label = "same cmd" if kind == "instead" else "accepted"
                print(f"{mode:8} {kind:8} {group:9} {n:>4} {ok / n:>8.0%} {wrong:>14}  ({label})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
