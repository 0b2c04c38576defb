"""The parser holds its accuracy on the development and held-out corpora.

Floors are the figures measured when they were last raised; a change that
lowers them fails here (raise them when the parser improves).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.understanding import parse
from bot.understanding.evaluation import load_corpus, score

DATA = Path(__file__).resolve().parents[2] / "data"

# (corpus, language) -> (intent accuracy floor, full accuracy floor)
FLOORS = {
    ("corpus.jsonl", "all"): (0.99, 0.99),
    ("corpus.jsonl", "hinglish"): (0.99, 0.99),
    ("corpus.jsonl", "hi"): (0.98, 0.98),
    ("corpus.jsonl", "en"): (0.99, 0.99),
    ("corpus_holdout.jsonl", "all"): (0.98, 0.98),
    # fresh sets: written blind by a second engineer, never tuned line by line
    # (corpus_fresh first run: intent 98.3%, full 93.8%; mixed = Roman and Devanagari in one sentence)
    ("corpus_fresh.jsonl", "all"): (0.99, 0.98),
    ("corpus_fresh.jsonl", "hinglish"): (0.99, 0.98),
    ("corpus_fresh.jsonl", "hi"): (0.99, 0.96),
    ("corpus_fresh.jsonl", "en"): (0.99, 0.98),
    ("corpus_fresh.jsonl", "mixed"): (0.99, 0.95),
    # corpus_fresh2: written after the fixes, before running it (first run: intent 97.7%, full 97.7%)
    ("corpus_fresh2.jsonl", "all"): (0.98, 0.98),
    ("corpus_fresh2.jsonl", "hinglish"): (0.97, 0.97),
    ("corpus_fresh2.jsonl", "hi"): (0.99, 0.99),
    ("corpus_fresh2.jsonl", "en"): (0.99, 0.99),
    # corpus_fresh3: written after the second round of fixes, before running it (first run: 100%)
    ("corpus_fresh3.jsonl", "all"): (0.98, 0.98),
    # corpus_blind: 356 sentences in other shopkeepers' styles, held out of all tuning (issue 9)
    # (first run: intent 75.8%, full 69.7%; tuned on corpus_dev2 only: 92.1% / 89.9%;
    # then on corpus_dev2 + corpus_dev3, measured once at the end: 93.5% / 91.9%;
    # after tuning on corpus_dev4, measured once at the end: 94.1% / 92.4%)
    ("corpus_blind.jsonl", "all"): (0.94, 0.92),  # (auto_send bills relabelled as one bill, issue 9)
    ("corpus_blind.jsonl", "hinglish"): (0.94, 0.92),
    ("corpus_blind.jsonl", "hi"): (0.92, 0.91),
    ("corpus_blind.jsonl", "en"): (0.94, 0.92),
    # corpus_blind2: 224 sentences written for the third round of issue 9, held out of all tuning
    # (first run: intent 95.1%, full 91.5%; Hinglish 95.7/91.4, English 93.2/93.2, Devanagari 95.9/89.8;
    # after tuning on corpus_dev4, measured once at the end: 95.5% / 93.3%)
    ("corpus_blind2.jsonl", "all"): (0.95, 0.93),
    ("corpus_blind2.jsonl", "hinglish"): (0.96, 0.93),
    ("corpus_blind2.jsonl", "hi"): (0.95, 0.91),
    ("corpus_blind2.jsonl", "en"): (0.93, 0.93),
    # corpus_dev5 / corpus_blind4: 300 + 300 sentences by a writer who never saw the parser or our sets
    # (first run: dev5 92.3% / 80.0%, blind4 91.7% / 77.7%, Hinglish 89.1 / 75.8); tuned on dev5 only,
    # blind4 measured at the end of each of two rounds: 94.3% / 79.7%, then 94.7% / 80.0%
    ("corpus_dev5.jsonl", "all"): (0.98, 0.85),
    ("corpus_blind4.jsonl", "all"): (0.94, 0.80),
    ("corpus_blind4.jsonl", "hinglish"): (0.93, 0.79),
    ("corpus_blind4.jsonl", "english"): (0.94, 0.78),
    ("corpus_blind4.jsonl", "devanagari"): (0.98, 0.83),
    # corpus_dev4: the third tuning set (unusual verbs, politeness wrappers, fillers, English word order,
    # Hindi recogniser output; first run: intent 93.4%, full 87.7%)
    ("corpus_dev4.jsonl", "all"): (0.99, 0.98),
    # corpus_dev2: the tuning set for issue 9 (first run: intent 52.4%, full 41.1%)
    ("corpus_dev2.jsonl", "all"): (0.99, 0.99),
    # corpus_dev3: the second tuning set for issue 9, English-first and Devanagari-heavy, recogniser style
    # (first run: intent 94.4%, full 82.6%)
    ("corpus_dev3.jsonl", "all"): (0.99, 0.99),
    ("corpus_dev3.jsonl", "en"): (0.98, 0.98),
    ("corpus_dev3.jsonl", "hi"): (0.98, 0.98),
    ("corpus_dev3.jsonl", "hinglish"): (0.96, 0.96),
}


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    return {name: score(load_corpus(DATA / name), parse) for name in {k[0] for k in FLOORS}}


@pytest.mark.parametrize(("corpus", "lang"), sorted(FLOORS))
def test_accuracy_floor(results: dict[str, dict], corpus: str, lang: str) -> None:
    bucket = results[corpus]["per_lang"][lang]
    intent_floor, full_floor = FLOORS[(corpus, lang)]
    intent = bucket["intent"] / bucket["n"]
    full = bucket["full"] / bucket["n"]
    failures = [f["text"] for f in results[corpus]["failures"]][:10]
    assert intent >= intent_floor, f"intent accuracy {intent:.3f} < {intent_floor}; e.g. {failures}"
    assert full >= full_floor, f"full accuracy {full:.3f} < {full_floor}; e.g. {failures}"


def test_corpus_covers_every_intent_and_language() -> None:
    rows = load_corpus(DATA / "corpus.jsonl")
    assert len(rows) >= 400
    intents = set()
    for r in rows:
        e = r["expected"]
        intents.add(e["intent"])
        if e["intent"] == "multi":
            intents.update(c["intent"] for c in e["entities"]["commands"])
    from bot.understanding.data import default_data

    assert set(default_data().intents) | {"unknown", "multi"} <= intents
    assert {r["lang"] for r in rows} == {"hinglish", "hi", "en"}
