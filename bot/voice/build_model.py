"""Build a shop's recognition model in a child process: `python -m bot.voice.build_model CACHE_DIR`.

Reads the `ShopVocabulary` as JSON on stdin and prints the model's digest.
Building is pure-Python work that would hold the GIL for a second or two;
in its own process it cannot stall the live calls' audio. A plain
subprocess (not multiprocessing) so no caller's `__main__` is re-imported.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, fields
from pathlib import Path

from bot.voice.config import ShopVocabulary


def vocabulary_to_json(vocab: ShopVocabulary) -> str:
    return json.dumps(asdict(vocab), ensure_ascii=False)


def vocabulary_from_json(text: str) -> ShopVocabulary:
    raw = json.loads(text)
    names = {f.name for f in fields(ShopVocabulary)}
    return ShopVocabulary(**{k: tuple(str(x) for x in v) for k, v in raw.items() if k in names})


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m bot.voice.build_model CACHE_DIR < vocabulary.json", file=sys.stderr)
        return 2
    from bot.voice.language_model import build_shop_model

    model = build_shop_model(vocabulary_from_json(sys.stdin.read()), Path(args[0]))
    print(json.dumps({"digest": model.digest}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
