"""Score the parser against a corpus (tests/data/corpus*.jsonl).

Intent accuracy: the intent matches. Full accuracy: the intent and every
entity match exactly (extra keys that the spec welcomes are ignored:
`EXTRA_KEYS`), for multi commands in spoken order.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

EXTRA_KEYS = frozenset({"at", "field", "confidence", "source", "reason", "coverage", "unsure"})


def load_corpus(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            row = json.loads(line)
            if not {"text", "lang", "expected"} <= row.keys():
                raise ValueError(f"{path}:{n}: needs text, lang, expected")
            rows.append(row)
    return rows


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if k not in EXTRA_KEYS}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


ALIASES = {"tier": "price_tier", "price_tier": "tier", "product": "name", "customer": "name"}


def _drop_aliases(cmd: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    """An alias key the parser added (same value as its source) is not a difference."""
    ents = dict(cmd.get("entities") or {})
    exp = expected.get("entities") or {}
    for src, alias in ALIASES.items():
        if alias in ents and alias not in exp and src in ents and ents[alias] == ents[src]:
            del ents[alias]
    return {**cmd, "entities": ents}


def full_match(got: dict[str, Any], expected: dict[str, Any]) -> bool:
    if got.get("intent") == "multi" and expected.get("intent") == "multi":
        g, e = got["entities"].get("commands", []), expected["entities"].get("commands", [])
        got = {"intent": "multi", "entities": {"commands": [_drop_aliases(c, x) for c, x in zip(g, e, strict=False)] + g[len(e):]}}
    elif got.get("intent") != "multi":
        got = _drop_aliases(got, expected)
    return bool(_clean(got) == _clean(expected))


def intent_match(got: dict[str, Any], expected: dict[str, Any]) -> bool:
    if got.get("intent") != expected.get("intent"):
        return False
    if expected["intent"] == "multi":
        g = [c.get("intent") for c in got["entities"].get("commands", [])]
        e = [c.get("intent") for c in expected["entities"]["commands"]]
        return g == e
    return True


def score(rows: list[dict[str, Any]], parse: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    """Per-language and overall counts, plus the failures."""
    per: dict[str, dict[str, int]] = defaultdict(lambda: {"n": 0, "intent": 0, "full": 0, "unknown": 0})
    failures = []
    for row in rows:
        got = parse(row["text"])
        for key in (row["lang"], "all"):
            bucket = per[key]
            bucket["n"] += 1
            bucket["intent"] += intent_match(got, row["expected"])
            bucket["full"] += full_match(got, row["expected"])
            bucket["unknown"] += got.get("intent") == "unknown"
        if not full_match(got, row["expected"]):
            failures.append({"text": row["text"], "expected": row["expected"], "got": got})
    return {"per_lang": dict(per), "failures": failures}
