"""`execora parse`: sentences -> intent JSON (shared/spec/intents.md).

    execora parse "Vikas ko 2 kilo chini"        one JSON object
    execora parse --jsonl < sentences.txt         one JSON object per line

--jsonl lines are plain text or {"text": ..., "context": {...}}. Patterns load
once per process; nothing heavy (pipecat, asyncpg, settings) is imported here
so the command starts fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def _line_input(line: str) -> tuple[str, dict[str, Any] | None]:
    stripped = line.strip()
    if stripped.startswith("{"):
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError:
            return stripped, None
        if isinstance(obj, dict) and isinstance(obj.get("text"), str):
            ctx = obj.get("context")
            return obj["text"], ctx if isinstance(ctx, dict) else None
    return stripped, None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="execora parse", description="Parse shopkeeper sentences into intents (JSON).")
    ap.add_argument("text", nargs="*", help="the sentence (omit with --jsonl)")
    ap.add_argument("--jsonl", action="store_true", help="read one sentence per line from stdin, write JSON lines")
    ap.add_argument("--context", help="JSON object passed as parse context (active customer, pending draft, now)")
    args = ap.parse_args(argv)

    from bot.understanding import parse

    context = json.loads(args.context) if args.context else None
    if args.jsonl:
        out = sys.stdout
        for line in sys.stdin:
            if not line.strip():
                continue
            text, ctx = _line_input(line)
            try:
                result = parse(text, ctx if ctx is not None else context)
            except Exception as exc:  # one bad line must not stop a batch
                result = {"intent": "unknown", "entities": {}, "error": type(exc).__name__}
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
        return 0
    if not args.text:
        ap.print_usage(sys.stderr)
        print("execora parse: give a sentence or --jsonl", file=sys.stderr)
        return 2
    print(json.dumps(parse(" ".join(args.text), context), ensure_ascii=False))
    return 0
