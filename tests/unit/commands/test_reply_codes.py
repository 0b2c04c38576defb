"""Every reply code the call can produce has a template in every language (no silent fallbacks)."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.replies.templates import load

CALL = Path(__file__).resolve().parents[3] / "bot" / "call"
# Functions whose first argument is a reply code.
SPEAKERS = {"Done", "Question", "_reply", "say", "Confirm"}


def spoken_codes() -> set[str]:
    codes: set[str] = set()
    for path in CALL.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name not in SPEAKERS:
                continue
            args = node.args[1:2] if name in {"_reply", "Confirm"} else node.args[:1]
            codes |= {a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
            for kw in node.keywords:
                if kw.arg == "reply_code" and isinstance(kw.value, ast.Constant):
                    codes.add(str(kw.value.value))
    return codes


def test_every_code_the_call_speaks_has_templates() -> None:
    book = load()
    codes = spoken_codes()
    assert len(codes) > 40  # the scan found the handlers
    missing = sorted(c for c in codes if c not in book.templates and c not in {"pin_prompt", "pin_ok", "pin_locked"})
    assert missing == []
