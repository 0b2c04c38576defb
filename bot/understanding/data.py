"""Load and validate the understanding data files once per process.

Patterns, vocabularies and synonyms live in JSON under `data/` so that a new
phrasing is a data change plus a corpus line. Every file is checked at load:
a broken file raises `DataFileError` naming the file and the problem, so a
bad edit fails at start-up instead of mid-call.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"

FEATURES = frozenset({"items", "money", "qty", "customer", "period", "email"})
EXTRACTORS = frozenset(
    {
        "customer", "walk_in", "items", "amount", "payment", "when", "note", "discount", "with_gst",
        "supply_type", "tier", "channel", "invoice_target", "invoice_target_send", "draft_ref", "email",
        "stock_query", "stock_update", "product_new", "customer_new", "customer_fields", "field",
        "period", "language", "bill_modifiers",
    }
)


class DataFileError(ValueError):
    """A data file is missing, unparsable or does not have the expected shape."""


@dataclass(frozen=True)
class Rule:
    intent: str
    pattern: re.Pattern[str]
    source: str
    priority: int
    requires: frozenset[str]
    forbids: frozenset[str]
    consumes_negation: bool


@dataclass(frozen=True)
class IntentSpec:
    name: str
    extractors: tuple[str, ...]
    tense: str | None


@dataclass
class Data:
    """Everything the parser reads, validated."""

    lexicon: dict[str, Any]
    numbers: dict[str, Any]
    units: dict[str, Any]
    time: dict[str, Any]
    slots: dict[str, Any]
    intents: dict[str, IntentSpec]
    rules: list[Rule]
    known_words: frozenset[str] = field(default_factory=frozenset)
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)
    structure: dict[str, Any] = field(default_factory=dict)


def _read(name: str, directory: Path) -> dict[str, Any]:
    path = directory / name
    try:
        with path.open(encoding="utf-8") as fh:
            value = json.load(fh)
    except FileNotFoundError as exc:
        raise DataFileError(f"{path}: file is missing") from exc
    except json.JSONDecodeError as exc:
        raise DataFileError(f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    if not isinstance(value, dict):
        raise DataFileError(f"{path}: top level must be an object")
    return value


def _need(obj: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in obj:
        raise DataFileError(f"{where}: missing key {key!r}")
    if not isinstance(obj[key], kind):
        raise DataFileError(f"{where}: {key!r} must be {getattr(kind, '__name__', kind)}")
    return obj[key]


def _str_map(obj: dict[str, Any], key: str, where: str, value_kind: type | tuple[type, ...] = str) -> None:
    mapping = _need(obj, key, dict, where)
    for k, v in mapping.items():
        if not isinstance(k, str) or not isinstance(v, value_kind) or isinstance(v, bool):
            raise DataFileError(f"{where}: {key}[{k!r}] has a bad value {v!r}")


def _str_list(obj: dict[str, Any], key: str, where: str) -> None:
    values = _need(obj, key, list, where)
    for v in values:
        if not isinstance(v, str) or not v:
            raise DataFileError(f"{where}: {key} holds a non-string or empty entry {v!r}")


def _validate_simple(directory: Path) -> tuple[dict[str, Any], ...]:
    lexicon = _read("lexicon.json", directory)
    where = str(directory / "lexicon.json")
    for key in ("devanagari_words", "phrases", "variants"):
        _str_map(lexicon, key, where)
    for key in ("honorifics", "business_suffixes", "pronouns_active", "pronoun_phrases", "negations",
                "correction_markers", "conjunctions", "verb_stems_before_do", "english_do_followers"):
        _str_list(lexicon, key, where)

    numbers = _read("numbers.json", directory)
    where = str(directory / "numbers.json")
    for key in ("units", "multipliers", "fractions", "modifiers"):
        _str_map(numbers, key, where, (int, float))

    units = _read("units.json", directory)
    where = str(directory / "units.json")
    _str_map(units, "units", where)
    allowed = {"kg", "g", "litre", "ml", "packet", "piece", "dozen", "bottle", "bag", "case", "crate"}
    for spoken, canon in units["units"].items():
        if canon not in allowed:
            raise DataFileError(f"{where}: units[{spoken!r}] -> {canon!r} is not one of {sorted(allowed)}")

    time = _read("time.json", directory)
    where = str(directory / "time.json")
    for key in ("days", "parts_of_day", "weekdays", "recurrence", "periods", "months"):
        _need(time, key, dict, where)
    for key in ("past_markers", "future_markers", "connectors", "hour_words"):
        _str_list(time, key, where)

    slots = _read("slots.json", directory)
    where = str(directory / "slots.json")
    for key in ("payment_modes", "channels", "tiers", "languages", "ordinals"):
        _str_map(slots, key, where)
    return lexicon, numbers, units, time, slots


def _compile_rules(raw: dict[str, Any], where: str) -> tuple[dict[str, IntentSpec], list[Rule]]:
    macros = _need(raw, "macros", dict, where)
    specs: dict[str, IntentSpec] = {}
    rules: list[Rule] = []
    for intent, body in _need(raw, "intents", dict, where).items():
        here = f"{where}: intent {intent!r}"
        if not isinstance(body, dict):
            raise DataFileError(f"{here} must be an object")
        extractors = _need(body, "entities", list, here)
        for name in extractors:
            if name not in EXTRACTORS:
                raise DataFileError(f"{here}: unknown entity extractor {name!r}")
        tense = body.get("tense")
        if tense not in (None, "past", "future"):
            raise DataFileError(f"{here}: tense must be past or future")
        specs[intent] = IntentSpec(intent, tuple(extractors), tense)
        consume_default = body.get("negation") == "consume"
        for i, rule in enumerate(_need(body, "rules", list, here)):
            rwhere = f"{here} rule {i}"
            source = _need(rule, "re", str, rwhere)
            priority = _need(rule, "priority", int, rwhere)
            expanded = source
            for name, value in macros.items():
                expanded = expanded.replace("{" + name + "}", value)
            if re.search(r"\{[A-Z]+\}", expanded):
                raise DataFileError(f"{rwhere}: unknown macro in {source!r}")
            try:
                pattern = re.compile(expanded)
            except re.error as exc:
                raise DataFileError(f"{rwhere}: bad regex {source!r}: {exc}") from exc
            requires = frozenset(rule.get("requires", []))
            forbids = frozenset(rule.get("forbids", []))
            bad = (requires | forbids) - FEATURES
            if bad:
                raise DataFileError(f"{rwhere}: unknown feature(s) {sorted(bad)}")
            consumes = rule.get("negation", "consume" if consume_default else "reject") == "consume"
            rules.append(Rule(intent, pattern, source, priority, requires, forbids, consumes))
    return specs, rules


def _known_words(data: Data) -> frozenset[str]:
    """Every word the templates and vocabularies use: such a word is never a customer's name."""
    words: set[str] = set()
    lx, nm, ti, sl = data.lexicon, data.numbers, data.time, data.slots
    words.update(lx["variants"].keys())
    for v in lx["variants"].values():
        words.update(v.split())
    for v in lx["phrases"].values():
        words.update(v.split())
    for key in ("honorifics", "pronouns_active", "negations", "conjunctions", "verb_stems_before_do", "english_do_followers"):
        for item in lx[key]:
            words.update(item.split())
    for key in ("units", "multipliers", "fractions", "modifiers"):
        words.update(nm[key].keys())
    words.update(data.units["units"].keys())
    words.update(data.units["units"].values())
    for key in ("days", "parts_of_day", "weekdays", "months"):
        words.update(ti[key].keys())
    for key in ("past_markers", "future_markers", "connectors", "hour_words", "minute_words", "hour_units",
                "day_units", "relative_after", "relative_before", "date_words", "fy_words"):
        for item in ti.get(key, []):
            words.update(item.split())
    for phrases in list(ti["recurrence"].values()) + list(ti["periods"].values()):
        for p in phrases:
            words.update(p.split())
    for key in ("payment_modes", "channels", "tiers", "languages", "ordinals"):
        for k in sl[key]:
            words.update(k.split())
    for key in ("walk_in", "gst_off", "email_domains"):
        for item in sl.get(key, []):
            words.update(item.split())
    for group in sl.get("supply", {}).values():
        for item in group:
            words.update(item.split())
    for rule in data.rules:
        source = re.sub(r"\\[a-zA-Z]|\{\d+(?:,\d*)?\}|\[[^\]]*\]", " ", rule.pattern.pattern)
        words.update(re.findall(r"[a-z]{2,}", source))
    words.update(data.lexicon.get("extra_known", []))
    words.update(data.lexicon.get("common_products", []))
    words -= set(lx["business_suffixes"])
    words -= set(lx.get("name_words", []))
    return frozenset(words)


def _validate_structure(raw: dict[str, Any], where: str) -> dict[str, Any]:
    """structure.json: word lists (lists of strings), marker classes, the coverage threshold."""
    for key in raw:
        if key.startswith("_") or key in {"markers", "verbs", "coverage", "invoice_series", "question_tags"}:
            continue
        _str_list(raw, key, where)
    for group in ("markers", "verbs"):
        if not isinstance(raw.get(group), dict):
            raise DataFileError(f"{where}: {group} must be an object of word lists")
        for key in raw[group]:
            _str_list(raw[group], key, where)
    cov = raw.get("coverage")
    if not isinstance(cov, dict) or not isinstance(cov.get("threshold"), (int, float)):
        raise DataFileError(f"{where}: coverage.threshold must be a number")
    _str_list(cov, "function_words", where)
    try:
        re.compile(raw.get("invoice_series", ""))
    except re.error as exc:
        raise DataFileError(f"{where}: invoice_series: {exc}") from exc
    if not all(isinstance(t, list) and all(isinstance(w, str) for w in t) for t in raw.get("question_tags", [])):
        raise DataFileError(f"{where}: question_tags must be lists of words")
    return raw


def load(directory: Path = DATA_DIR) -> Data:
    """Read and validate every data file in `directory` (raises DataFileError)."""
    lexicon, numbers, units, time, slots = _validate_simple(directory)
    intents_raw = _read("intents.json", directory)
    where = str(directory / "intents.json")
    specs, rules = _compile_rules(intents_raw, where)
    aliases = {k: v for k, v in intents_raw.get("aliases", {}).items() if not k.startswith("_")}
    for intent, mapping in aliases.items():
        if intent not in specs or not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise DataFileError(f"{where}: aliases[{intent!r}] must map entity names of a known intent to alias names")
    data = Data(lexicon, numbers, units, time, slots, specs, rules, aliases=aliases,
                structure=_validate_structure(_read("structure.json", directory), str(directory / "structure.json")))
    data.known_words = _known_words(data)
    return data


@lru_cache(maxsize=1)
def default_data() -> Data:
    """The packaged data, loaded once per process."""
    return load(DATA_DIR)
