"""Parser benchmark: accuracy per language (corpus, held-out, blind fresh sets) and parse latency.

Run: .venv/bin/python benchmarks/bench_parse.py [--failures]
Prints intent accuracy, full accuracy (intent + every entity), how many
sentences fall to `unknown` (these would go to the LLM fallback when a key is
set), and parse time p50/p99 over many repetitions.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.understanding import parse, warm_up  # noqa: E402
from bot.understanding.evaluation import full_match, intent_match, load_corpus, score  # noqa: E402

CORPORA = {
    "corpus": ROOT / "tests/data/corpus.jsonl",
    "holdout": ROOT / "tests/data/corpus_holdout.jsonl",
    "fresh": ROOT / "tests/data/corpus_fresh.jsonl",
    "fresh2": ROOT / "tests/data/corpus_fresh2.jsonl",
    "fresh3": ROOT / "tests/data/corpus_fresh3.jsonl",
    "dev2": ROOT / "tests/data/corpus_dev2.jsonl",
    "dev3": ROOT / "tests/data/corpus_dev3.jsonl",
    "dev4": ROOT / "tests/data/corpus_dev4.jsonl",
    "blind": ROOT / "tests/data/corpus_blind.jsonl",
    "blind2": ROOT / "tests/data/corpus_blind2.jsonl",
    "dev5": ROOT / "tests/data/corpus_dev5.jsonl",  # written by a second writer who never saw the parser
    "blind4": ROOT / "tests/data/corpus_blind4.jsonl",  # same writer, held out of every tuning step
}


def main() -> int:
    show_failures = "--failures" in sys.argv
    t0 = time.perf_counter()
    parse("warm up the parser")
    print(f"first parse (loads data files): {(time.perf_counter() - t0) * 1000:.1f} ms")
    t0 = time.perf_counter()
    warm_up()
    print(f"warm_up (Devanagari transliterator): {(time.perf_counter() - t0) * 1000:.1f} ms")
    all_texts: list[str] = []
    for name, path in CORPORA.items():
        if not path.exists():
            continue
        rows = load_corpus(path)
        all_texts += [r["text"] for r in rows]
        result = score(rows, parse)
        expected_unknown = sum(1 for r in rows if r["expected"]["intent"] == "unknown")
        print(f"\n== {name} ({len(rows)} sentences, {expected_unknown} expected unknown)")
        print(f"{'lang':<10}{'n':>5}{'intent':>10}{'full':>10}{'unknown':>10}")
        for lang in sorted(result["per_lang"], key=lambda k: (k == "all", k)):
            b = result["per_lang"][lang]
            print(f"{lang:<10}{b['n']:>5}{b['intent'] / b['n']:>10.1%}{b['full'] / b['n']:>10.1%}{b['unknown']:>10}")
        multi = [r for r in rows if r["expected"]["intent"] == "multi"]
        parsed = [parse(r["text"]) for r in rows]
        unsure = sum(1 for p in parsed if p.get("unsure"))
        unsure_wrong = sum(1 for p, r in zip(parsed, rows, strict=True) if p.get("unsure") and not full_match(p, r["expected"]))
        if multi:
            mi = sum(intent_match(parse(r["text"]), r["expected"]) for r in multi) / len(multi)
            mf = sum(full_match(parse(r["text"]), r["expected"]) for r in multi) / len(multi)
            print(f"{'multi':<10}{len(multi):>5}{mi:>10.1%}{mf:>10.1%}")
        print(f"unsure (coverage below threshold): {unsure}, of which wrong: {unsure_wrong}")
        if show_failures:
            for f in result["failures"]:
                print(f"  FAIL {f['text']!r}\n    exp {f['expected']}\n    got {f['got']}")
    times = []
    best: list[float] = []
    for text in all_texts:
        runs = []
        for _ in range(5):
            t = time.perf_counter_ns()
            parse(text)
            runs.append((time.perf_counter_ns() - t) / 1e6)
        times += runs
        best.append(min(runs))
    times.sort()
    best.sort()
    p50 = statistics.median(times)
    p99 = times[int(len(times) * 0.99) - 1]
    print(f"\nparse latency over {len(times)} calls: p50 {p50:.3f} ms, p99 {p99:.3f} ms, max {times[-1]:.3f} ms")
    print(f"per sentence, best of 5 (without scheduler noise): p50 {statistics.median(best):.3f} ms, "
          f"p99 {best[int(len(best) * 0.99) - 1]:.3f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
