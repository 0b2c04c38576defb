"""Build a shop's recognition model in a child process: `python -m bot.voice.build_model CACHE_DIR`.

Reads the `ShopVocabulary` as JSON on stdin and prints the model's digest.
Building is pure-Python work that would hold the GIL for a second or two;
in its own process it cannot stall the live calls' audio. A plain
subprocess (not multiprocessing) so no caller's `__main__` is re-imported.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.voice.config import ShopVocabulary
from bot.voice.language_model import build_shop_model


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m bot.voice.build_model CACHE_DIR < vocabulary.json", file=sys.stderr)
        return 2
    model = build_shop_model(ShopVocabulary.from_json(sys.stdin.read()), Path(args[0]))
    print(json.dumps({"digest": model.digest}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
