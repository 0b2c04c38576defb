"""Reply templates: loaded from data/replies.json, validated once, rendered per call.

Template syntax: `{param}`, `{param|filter}`, `{param|filter:arg}`; a `[...]`
segment is dropped when any param inside it is missing or None. A broken file
(unknown filter, undeclared param, missing language) fails at load with the
file name and the problem.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.replies import spoken

DATA_FILE = Path(__file__).resolve().parent / "data" / "replies.json"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)(?:\|([a-z_]+)(?::([a-z_]+))?)?\}")
_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
FILTERS = frozenset({"money", "rupees", "qty", "items", "choices", "list", "moment", "number", "label", "balances", "reminders", "shortfalls"})


class ReplyDataError(ValueError):
    """replies.json is malformed."""


class UnknownReplyCode(KeyError):
    """No template for this code."""


class MissingReplyParam(KeyError):
    """A required template parameter was not given."""


@dataclass(frozen=True)
class Template:
    code: str
    required: frozenset[str]
    optional: frozenset[str]
    texts: dict[str, str]
    example: dict[str, Any]


@dataclass(frozen=True)
class ReplyBook:
    templates: dict[str, Template]
    labels: dict[str, dict[str, dict[str, str]]]


def load(path: Path = DATA_FILE) -> ReplyBook:
    """Read and validate the reply file."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ReplyDataError(f"{path}: file is missing") from exc
    except json.JSONDecodeError as exc:
        raise ReplyDataError(f"{path}: invalid JSON at line {exc.lineno}: {exc.msg}") from exc
    labels = raw.get("labels")
    codes = raw.get("codes")
    if not isinstance(labels, dict) or not isinstance(codes, dict):
        raise ReplyDataError(f"{path}: needs 'labels' and 'codes' objects")
    templates: dict[str, Template] = {}
    for code, body in codes.items():
        where = f"{path}: code {code!r}"
        if not isinstance(body, dict) or not isinstance(body.get("params"), list) or not isinstance(body.get("example"), dict):
            raise ReplyDataError(f"{where}: needs params (list) and example (object)")
        required = frozenset(p for p in body["params"] if not p.endswith("?"))
        optional = frozenset(p[:-1] for p in body["params"] if p.endswith("?"))
        texts: dict[str, str] = {}
        for lang in spoken.LANGS:
            text = body.get(lang)
            if not isinstance(text, str) or not text.strip():
                raise ReplyDataError(f"{where}: missing {lang!r} text")
            for name, flt, arg in _PLACEHOLDER.findall(text):
                if name not in required | optional:
                    raise ReplyDataError(f"{where} ({lang}): placeholder {name!r} is not in params")
                if flt and flt not in FILTERS:
                    raise ReplyDataError(f"{where} ({lang}): unknown filter {flt!r}")
                if flt == "label" and arg not in labels:
                    raise ReplyDataError(f"{where} ({lang}): unknown label group {arg!r}")
                if flt == "qty" and arg and arg not in required | optional:
                    raise ReplyDataError(f"{where} ({lang}): qty unit param {arg!r} is not in params")
            if text.count("[") != text.count("]"):
                raise ReplyDataError(f"{where} ({lang}): unbalanced [ ]")
            texts[lang] = text
        missing = required - body["example"].keys()
        if missing:
            raise ReplyDataError(f"{where}: example lacks {sorted(missing)}")
        templates[code] = Template(code, required, optional, texts, body["example"])
    return ReplyBook(templates, labels)


@lru_cache(maxsize=1)
def default_book() -> ReplyBook:
    return load(DATA_FILE)


def _choice_text(c: Any, lang: str) -> str:
    """A candidate as the caller can tell it apart: its hint or landmark, else its name."""
    if not isinstance(c, dict):
        return str(c)
    hint = c.get("hint") or c.get("customer_hint")
    if hint:
        return str(hint)
    if c.get("landmark"):
        return {"hinglish": "{} wale", "hi": "{} वाले", "en": "the one at {}"}[lang].format(c["landmark"])
    return str(c.get("name") or c.get("product") or "")


def _shortfall(s: dict[str, Any], lang: str) -> str:
    qty = spoken.quantity(float(s.get("available") or 0), s.get("unit"), lang)
    name = s.get("product_name") or s.get("product") or ""
    return {"hinglish": f"{name} sirf {qty} bacha hai", "hi": f"{name} सिर्फ़ {qty} बचा है", "en": f"only {qty} of {name} left"}[lang]


def _format(book: ReplyBook, value: Any, flt: str, arg: str, params: dict[str, Any], lang: str) -> str:
    fmt: dict[str, Callable[[], str]] = {
        "money": lambda: spoken.money(int(value), lang),
        "rupees": lambda: spoken.rupees(value, lang),
        "qty": lambda: spoken.quantity(None if arg == "product_unit" else value, params.get(arg) if arg else None, lang),
        "items": lambda: spoken.items(list(value), lang),
        "choices": lambda: spoken.join_list([_choice_text(c, lang) for c in value], lang, {"hinglish": "ya", "hi": "या", "en": "or"}[lang]),
        "list": lambda: spoken.join_list([str(v) for v in value], lang),
        "moment": lambda: spoken.moment(value, lang, now=params.get("now")),
        "number": lambda: spoken.number_words(int(value), lang),
        "label": lambda: book.labels[arg].get(str(value), {}).get(lang, str(value)),
        "balances": lambda: spoken.join_list(
            [f"{e['customer']} {({'hinglish': 'ka', 'hi': 'का', 'en': '-'})[lang]} {spoken.money(int(e['balance_paise']), lang)}".replace(" - ", " ") for e in value], lang),
        "shortfalls": lambda: spoken.join_list([_shortfall(x, lang) for x in value], lang),
        "reminders": lambda: spoken.join_list(
            [f"{e['customer']}, {spoken.moment(e['due_at'], lang, now=params.get('now'))}" for e in value], lang),
    }
    return fmt[flt]()


def render_with(book: ReplyBook, code: str, language: str = "hinglish", **params: Any) -> str:
    """Render `code` in `language` (hinglish, hi, en; anything else -> hinglish)."""
    template = book.templates.get(code)
    if template is None:
        raise UnknownReplyCode(code)
    missing = [p for p in template.required if params.get(p) is None]
    if missing:
        raise MissingReplyParam(f"{code}: missing {sorted(missing)}")
    lang = spoken.lang_of(language)
    text = template.texts[lang]

    def present(segment: str) -> bool:
        return all(params.get(name) not in (None, "", []) for name, _, _ in _PLACEHOLDER.findall(segment))

    text = _OPTIONAL.sub(lambda m: m.group(1) if present(m.group(1)) else "", text)

    def fill(m: re.Match[str]) -> str:
        name, flt, arg = m.group(1), m.group(2), m.group(3)
        value = params.get(name)
        if value is None:
            return ""
        return _format(book, value, flt, arg or "", params, lang) if flt else str(value)

    out = _PLACEHOLDER.sub(fill, text)
    out = re.sub(r"\s+([,.?!।])", r"\1", out)
    out = re.sub(r"\s{2,}", " ", out).strip()
    return out[:1].upper() + out[1:] if lang != "hi" else out
