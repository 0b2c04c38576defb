"""Sentence -> intent + entities (the spec's shape), by templates only.

Pipeline: normalise -> fold numbers -> apply self-corrections -> split into
commands at conjunctions when each part is a command of its own -> per
command: features, best template, negation check, entity extractors.
Pure and reentrant: all per-call facts come in through `context`.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

from bot.understanding.clauses import Clauses
from bot.understanding.comma_clauses import CommaClauses
from bot.understanding.commas import drop_marks, mark_commas
from bot.understanding.context import CallContext
from bot.understanding.corrections import SelfCorrections
from bot.understanding.data import Data, Rule, default_data
from bot.understanding.entities import Extractors, Sentence
from bot.understanding.modifiers import fold_modifiers
from bot.understanding.normalize import Token, tokenize
from bot.understanding.numbers import NumberFolder
from bot.understanding.timeexpr import TimeParser
from bot.understanding.triggers import trigger_words, words_of

UNKNOWN = "unknown"
ELLIPTIC = frozenset({"add_udhaar", "record_payment"})
GREETING_WORDS = {"namaste", "namaskar", "hello", "hi", "hey", "pranam", "helo", "hallo"}

# One parse's memo of clause readings: a clause is read once however many
# times the sentence-level passes (ellipsis, regrouping, comma clauses) ask.
_MEMO: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("understanding_memo", default=None)


@dataclass
class Single:
    intent: str
    entities: dict[str, Any]
    rule: Rule | None
    features: frozenset[str]
    coverage: float = 1.0


class Parser(CommaClauses):
    """Holds the compiled data; `parse` is safe to call concurrently."""

    def __init__(self, data: Data | None = None) -> None:
        self.data = data or default_data()
        self.numbers = NumberFolder(self.data)
        self.times = TimeParser(self.data)
        self.ex = Extractors(self.data, self.times)
        self.cl = Clauses(self.data, self.ex)
        self.ex.registry["bill_modifiers"] = self.cl.modifiers
        lx = self.data.lexicon
        self.negations = set(lx["negations"])
        self.markers = sorted((m.split() for m in lx["correction_markers"]), key=len, reverse=True)
        self.fillers = set(lx.get("fillers", []))
        self.inherit_active = frozenset(self.data.structure.get("inherit_active", []))
        self.conj_single = {c for c in lx["conjunctions"] if " " not in c}
        self.conj_multi = [c.split() for c in lx["conjunctions"] if " " in c]
        self.conj_first = {c[0] for c in self.conj_multi}
        self.corrections = SelfCorrections(self.markers, self.times.days.keys() | self.times.weekdays.keys(), self.ex)
        self.context = CallContext(self.ex, self.times)
        # rules sorted by priority, stable with file order
        self.rules = sorted(self.data.rules, key=lambda r: -r.priority)
        self._by_feats: dict[frozenset[str], frozenset[int]] = {}
        # templates indexed by the words they cannot match without (bot.understanding.triggers)
        self._always: list[int] = []
        self._by_word: dict[str, list[int]] = {}
        for n, rule in enumerate(self.rules):
            words = trigger_words(rule.pattern)
            if words is None:
                self._always.append(n)
            for w in words or ():
                self._by_word.setdefault(w, []).append(n)

    # ------------------------------------------------------------ public API
    def parse(self, text: str, context: dict[str, Any] | None = None) -> dict[str, Any]:
        context = context or {}
        text = self.cl.prepare_text(text or "")
        token = _MEMO.set({})
        try:
            cuts: list[int] = []
            if "," in text or ";" in text:
                text, cuts = mark_commas(text)
            words, toks = tokenize(text, self.data)
            if cuts:
                words, toks, starts = drop_marks(words, toks)
            toks = self.numbers.fold(toks)
            toks = self.corrections.apply(toks)
            result = self._parse_tokens(words, toks)
            if cuts:
                result = self._clauses(words, toks, starts, result)
            result = fold_modifiers(result, lambda: self._single(words, toks, force="create_invoice").entities)
            result = self.context.apply(result, words, toks, context)
            return self._mark_coverage(result)
        finally:
            _MEMO.reset(token)

    def _mark_coverage(self, result: dict[str, Any]) -> dict[str, Any]:
        """The lowest coverage of the commands; below the threshold the parse carries it and `unsure: true`."""
        cmds = result["entities"].get("commands", []) if result["intent"] == "multi" else [result]
        covs = [c.pop("coverage") for c in cmds if isinstance(c.get("coverage"), float)]
        if result["intent"] == "multi":
            result.pop("coverage", None)
        if result["intent"] == UNKNOWN:
            result.pop("coverage", None)
            return result
        cov = min(covs) if covs else 1.0
        if cov < self.cl.threshold:
            result["coverage"] = round(cov, 2)
            result["unsure"] = True
        return result

    # ------------------------------------------------------- self-correction
    # ----------------------------------------------------------- segmenting
    def _split(self, toks: list[Token]) -> list[list[Token]]:
        segs: list[list[Token]] = [[]]
        i = 0
        while i < len(toks):
            hit = 0
            if toks[i].norm in self.conj_first:
                for c in self.conj_multi:
                    if [t.norm for t in toks[i:i + len(c)]] == c:
                        hit = len(c)
                        break
            if not hit and toks[i].norm in self.conj_single:
                hit = 1
            if hit:
                if segs[-1]:
                    segs.append([])
                i += hit
                continue
            segs[-1].append(toks[i])
            i += 1
        return [s for s in segs if s]

    def _parse_tokens(self, words: list[str], toks: list[Token]) -> dict[str, Any]:
        toks = self.cl.drop_both(toks)
        cut = self.cl.tail_question(toks)
        if cut is None:
            cut = self._tail_balance(words, toks)
        if cut is not None:
            head = self._parse_tokens(words, toks[:cut])
            if head["intent"] not in (UNKNOWN, "multi", "greeting", "check_balance"):
                cmds = [head, {"intent": "check_balance", "entities": {"customer_ref": "active"}, "coverage": 1.0}]
                return {"intent": "multi", "entities": {"commands": cmds}}
        if toks and toks[0].norm in GREETING_WORDS and len(toks) > 1:
            k = 1
            while k < len(toks) and toks[k].norm in {"ji", "bhai", "sir", "madam", "bhaiya", "namaste"}:
                k += 1
            if k < len(toks):
                rest = self._parse_commands(words, toks[k:])
                if rest["intent"] not in (UNKNOWN, "greeting"):
                    cmds = rest["entities"]["commands"] if rest["intent"] == "multi" else [rest]
                    return {"intent": "multi", "entities": {"commands": [{"intent": "greeting", "entities": {}}, *cmds]}}
        return self._parse_commands(words, toks)

    def _tail_balance(self, words: list[str], toks: list[Token]) -> int | None:
        """"javed paid 300 what is his balance now", "deepak ne 500 diye uska balance batao".

        A trailing clause with no conjunction before it, which read alone asks
        the balance of nobody named (a pronoun or no one): the same customer's.
        """
        starts = self.cl.tail_starts(toks)
        if not starts or any(t.norm in self.conj_single for t in toks):
            return None  # with a conjunction the clauses are split there
        for c in starts:
            got = self._single(words, toks[c:])
            if got.intent == "check_balance" and "customer" not in got.entities and got.coverage >= self.cl.threshold:
                return c
        return None

    def _inherit_active(self, commands: list[dict[str, Any]]) -> None:
        """"lalit ke khate mein 200 likho aur parso yaad dilana": a later command about a person
        (structure.json inherit_active) that names no one is about the customer named before it."""
        named = False
        for cmd in commands:
            ents = cmd.get("entities") or {}
            if {"customer", "customer_ref"} & ents.keys():
                named = True
            elif named and cmd.get("intent") in self.inherit_active and not ents.get("walk_in"):
                ents["customer_ref"] = "active"
                cmd["entities"] = ents

    def _parse_commands(self, words: list[str], toks: list[Token]) -> dict[str, Any]:
        segs = self._split(toks)
        if len(segs) > 1:
            groups: list[tuple[list[Token], Single]] = []
            fixed_groups: set[int] = set()
            prefix: list[Token] = []
            singles = []
            dropped = False
            for n, seg in enumerate(segs):
                filler = n + 1 < len(segs) and all(t.norm in self.fillers for t in seg)
                singles.append(Single(UNKNOWN, {}, None, frozenset()) if filler else self._single(words, seg))
            # "vikas ka 200 aur rahul ka 300 udhaar likho" / "vikas ko 10 baje yaad dilana aur rahul ko 11 baje":
            # a bare customer + amount (or + time) borrows the neighbouring command's intent
            for n in range(len(segs) - 1, -1, -1):
                r = singles[n]
                if r.intent != UNKNOWN or r.entities.get("_negated") or "customer" not in r.features:
                    continue
                for other in (singles[n + 1] if n + 1 < len(segs) else None, singles[n - 1] if n > 0 else None):
                    if other is None or "customer" not in other.entities:
                        continue
                    money_like = other.intent in ELLIPTIC and "money" in r.features
                    time_like = other.intent == "schedule_reminder" and self._has_when(words, segs[n])
                    also = other is singles[n - 1] and segs[n][-1].norm == "bhi"  # "sunil ka balance batao aur mohan ka bhi"
                    if money_like or time_like or also:
                        singles[n] = self._single(words, segs[n], force=other.intent)
                        break
            fixed = self._ellipsis(words, segs, singles)
            for n, seg in enumerate(segs):
                r = singles[n]
                if n in fixed:
                    groups.append((seg, r))
                    fixed_groups.add(len(groups) - 1)
                    continue
                if r.entities.get("_negated") and any(x.intent != UNKNOWN for x in singles):
                    dropped = True
                    continue  # "bill bana do lekin whatsapp mat karna": nothing to do for the negated part
                if r.intent == UNKNOWN:
                    if groups:
                        groups[-1] = (groups[-1][0] + seg, groups[-1][1])
                    else:
                        prefix += seg
                    continue
                if groups and len(groups) - 1 not in fixed_groups and self._same_command(groups[-1][1], r):
                    groups[-1] = (groups[-1][0] + seg, groups[-1][1])
                    continue
                groups.append((prefix + seg, r))
                prefix = []
            if len(groups) > 1:
                commands: list[dict[str, Any]] = []
                for gi, (gtoks, g) in enumerate(groups):
                    if gi in fixed_groups:
                        commands.extend(self._expand(g))
                        continue
                    again = self._single(words, gtoks)
                    if again.intent == UNKNOWN and g.intent != UNKNOWN:
                        again = self._single(words, gtoks, force=g.intent)
                    commands.extend(self._expand(again))
                self._inherit_active(commands)
                return {"intent": "multi", "entities": {"commands": commands}}
            if len(groups) == 1 and dropped:
                toks = groups[0][0]
        single = self._single(words, toks)
        if single.intent == UNKNOWN:
            return {"intent": UNKNOWN, "entities": {}, "reason": "negation" if single.entities.get("_negated") else "no_match"}
        cmds = self._expand(single)
        if len(cmds) == 1:
            return cmds[0]
        return {"intent": "multi", "entities": {"commands": cmds}}

    def _bare_name(self, seg: list[Token]) -> str | None:
        names = [t for t in seg if t.norm not in self.ex.honorifics]
        if 0 < len(names) <= 2 and all(self.ex.nameable(t) for t in names):
            return self.ex.title(names)
        return None

    def _ellipsis(self, words: list[str], segs: list[list[Token]], singles: list[Single]) -> set[int]:
        """Clauses that borrow from a neighbour: its verb, its intent or its customer.

        "raju aur guddu ka balance" / "balance for raju and guddu" (a bare name
        shares the predicate), "maida ka stock batao aur besan ka bhi" (the
        verb or the intent), "reminder hata do aur naya parso laga do" (the
        customer). Returns the indexes decided here (kept as they are).
        """
        fixed: set[int] = set()
        for n, seg in enumerate(segs):
            r = singles[n]
            if r.intent != UNKNOWN or r.entities.get("_negated"):
                continue
            prev = singles[n - 1] if n > 0 else None
            nxt = singles[n + 1] if n + 1 < len(segs) else None
            name = self._bare_name(seg)
            if name is not None:
                other = nxt if nxt is not None and "customer" in nxt.entities else prev
                if other is not None and other.intent != UNKNOWN and ("customer" in other.entities or "customer_ref" in other.entities):
                    ents = {k: v for k, v in other.entities.items() if k not in {"customer", "customer_ref", "customer_hint"}}
                    singles[n] = Single(other.intent, {"customer": name, **ents}, other.rule, r.features, other.coverage)
                    fixed.add(n)
                    continue
            if prev is None or prev.intent == UNKNOWN:
                continue
            if prev.intent in {"cancel_reminder", "modify_reminder"} and self.cl.renews(seg) \
                    and self._has_when(words, seg):
                got = self._single(words, seg, force="schedule_reminder")
                if "customer" not in got.entities and "customer" in prev.entities:
                    got.entities["customer"] = prev.entities["customer"]
                singles[n] = got
                fixed.add(n)
                continue
            if (self.cl.is_also(seg) or len(seg) <= 3) and not any(t.is_num for t in seg):
                tail = self.cl.verb_tail(segs[n - 1])
                got = self._single(words, seg + tail) if tail else r
                if got.intent == UNKNOWN or got.entities.get("_negated"):
                    got = self._single(words, seg, force=prev.intent)
                    if not got.entities:
                        continue
                singles[n] = got
                fixed.add(n)
        return fixed

    @staticmethod
    def _same_command(prev: Single, cur: Single) -> bool:
        if "customer" in cur.entities and cur.entities.get("customer") != prev.entities.get("customer"):
            return cur.intent == prev.intent == "create_invoice" and "customer" not in prev.entities and "customer_ref" not in prev.entities
        if cur.intent == prev.intent:
            for key in ("period", "when"):
                if key in cur.entities and key in prev.entities and cur.entities[key] != prev.entities[key]:
                    return False  # "kal ka hisaab aur aaj ka hisaab"
            return True
        item_intents = {"create_invoice", "update_stock"}

        def items_only(x: Single) -> bool:
            return x.intent == "create_invoice" and not {"customer", "customer_ref", "walk_in"} & x.entities.keys()

        if items_only(cur) and prev.intent in item_intents:
            return True
        return items_only(prev) and cur.intent in item_intents and "customer" not in cur.entities

    def _expand(self, single: Single) -> list[dict[str, Any]]:
        ents = dict(single.entities)
        stock_items = ents.pop("_stock_items", None)
        if stock_items:
            return [{"intent": single.intent, "entities": it, "coverage": single.coverage} for it in stock_items]
        for key, alias in self.data.aliases.get(single.intent, {}).items():
            if key in ents and alias not in ents:
                ents[alias] = ents[key]
        return [{"intent": single.intent, "entities": ents, "coverage": single.coverage}]

    # --------------------------------------------------------- one command
    def _features(self, words: list[str], toks: list[Token]) -> frozenset[str]:
        s = Sentence(toks, words)
        feats: set[str] = set()
        cust = self.ex.customer(s, {})
        if "customer" in cust:
            feats.add("customer")
        self.ex.walkin(s, {})
        when, span = self._future_when(words, toks)
        if when and span:
            s.when_span = span
        if self.ex.item_list(s):
            feats.add("items")
        if any(t.is_num and i + 1 < len(toks) and toks[i + 1].norm in self.ex.unit_canon for i, t in enumerate(toks)):
            feats.add("qty")
        if "items" in feats:
            feats.add("qty")
        if self.ex.money_numbers(s):
            feats.add("money")
        if self.times.find_period(toks, words):
            feats.add("period")
        if self.ex.email_value(s):
            feats.add("email")
        return frozenset(feats)

    def _rival(self, best: Rule, rest: list[Rule], text: str) -> bool:
        """Two readings close together: a template of another intent, within the margin of priority, matches too."""
        for rule in rest:
            if rule.priority < best.priority - self.cl.rival_margin:
                return False
            if rule.intent != best.intent and rule.pattern.search(text):
                return True
        return False

    def _candidates(self, feats: frozenset[str], text: str) -> list[Rule]:
        """The rules this clause may match, in priority order: its features allow them and it has their words."""
        allowed = self._by_feats.get(feats)
        if allowed is None:  # at most 2^6 feature sets, each worked out once
            allowed = self._by_feats[feats] = frozenset(
                n for n, r in enumerate(self.rules) if r.requires <= feats and not r.forbids & feats)
        pos = set(self._always)
        for w in words_of(text):
            pos.update(self._by_word.get(w, ()))
        return [self.rules[n] for n in sorted(pos & allowed)]

    def _future_when(self, words: list[str], toks: list[Token]) -> tuple[dict[str, Any] | None, tuple[int, int] | None]:
        """The clause's time read in the future tense, once per parse."""
        memo = _MEMO.get()
        if memo is None:
            return self.times.find_when(toks, words, "future")
        key = ("when", id(words), *((t.norm, t.start) for t in toks))
        got = memo.get(key)
        if got is None:
            got = memo[key] = self.times.find_when(toks, words, "future")
        return got  # type: ignore[return-value]

    def _has_when(self, words: list[str], toks: list[Token]) -> bool:
        return self._future_when(words, toks)[0] is not None

    def _single(self, words: list[str], toks: list[Token], force: str | None = None) -> Single:
        memo = _MEMO.get()
        if memo is None:
            return self._read_clause(words, toks, force)
        key = (id(words), force, *((t.norm, t.roman, t.start, t.value) for t in toks))
        got = memo.get(key)
        if got is None:
            got = memo[key] = self._read_clause(words, toks, force)
        return replace(got, entities=dict(got.entities))

    def _read_clause(self, words: list[str], toks: list[Token], force: str | None = None) -> Single:
        toks = self.cl.strip_tags(toks)
        if not toks:
            return Single(UNKNOWN, {}, None, frozenset())
        text = " ".join(t.norm for t in toks)
        feats = self._features(words, toks)
        best: Rule | None = None
        span: tuple[int, int] | None = None
        if force is not None:
            best = next(r for r in self.rules if r.intent == force)
        rival = False
        if force is None:
            cands = self._candidates(feats, text)
            for n, rule in enumerate(cands):
                match = rule.pattern.search(text)
                if match:
                    best, span = rule, match.span()
                    rival = self._rival(rule, cands[n + 1:], text)
                    break
            other = self.cl.redirect(best.intent if best else None, toks, feats,
                                     lambda: self._has_when(words, toks))
            if other is not None and (best is None or other != best.intent):
                best = next(r for r in self.rules if r.intent == other)
                rival = False  # the clause's structure decided between the readings
        if best is None:
            return Single(UNKNOWN, {}, None, feats)
        if not best.consumes_negation and any(t.norm in self.negations for t in toks):
            return Single(UNKNOWN, {"_negated": True}, best, feats)
        if best.intent in ELLIPTIC:
            toks = self.cl.cut_remark(toks)
        spec = self.data.intents[best.intent]
        s = Sentence(toks, words)
        ents: dict[str, Any] = {}
        ctx: dict[str, Any] = {"_tense": self.times.tense_of(toks, spec.tense)}
        order = list(spec.extractors)
        # when first (so its numbers are not read as amounts), customer before items
        order.sort(key=lambda e: {"when": 0, "customer": 1, "walk_in": 2}.get(e, 3))
        for name in order:
            got = self.ex.registry[name](s, {**ctx, **ents})
            ents.update(got)
        cov = self.cl.coverage(toks, text, span, s, ents, best.intent)
        if rival:
            cov = min(cov, self.cl.rival_cap)
        return Single(best.intent, ents, best, feats, cov)

    # -------------------------------------------------------------- context
_PARSER: Parser | None = None


def get_parser() -> Parser:
    """The process-wide parser over the packaged data (built on first use)."""
    global _PARSER
    if _PARSER is None:
        _PARSER = Parser()
    return _PARSER


def parse(text: str, context: dict[str, Any] | None = None) -> dict[str, Any]:
    """Parse one sentence into the spec's {"intent", "entities"} shape.

    `context` (all optional): `now` (aware datetime or ISO string) and
    `timezone` (default Asia/Kolkata) add a resolved `when["at"]`; `pending`
    ({"intent", "entities", "missing"}) lets a fragment such as "paanch sau"
    or "Sharma ji" complete the command the bot asked about. An `unknown`
    result carries `reason` ("negation" or "no_match").
    """
    return get_parser().parse(text, context)
