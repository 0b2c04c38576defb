"""Spoken times -> the spec's `when` and `period` structures.

Only what was said is filled in. Hours are 24-h: the part of day (subah,
dopahar, shaam, raat) or am/pm moves the spoken hour; "kal"/"parso" take
their sign from the tense (a reminder is in the future, a bill in the past).
`resolve_when` turns a `when` into an aware datetime for a reference time.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.understanding.data import Data
from bot.understanding.normalize import Token

_DIGITS2 = re.compile(r"^\d{2}$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{2})$")
_FY = re.compile(r"^(20\d{2})-(\d{2})$")
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _span_text(toks: list[Token], words: list[str]) -> str:
    """The surface words behind tokens, in token order (a corrected number shows its new words)."""
    out: list[str] = []
    seen: set[tuple[int, int]] = set()
    for t in toks:
        if (t.start, t.end) in seen:
            continue
        seen.add((t.start, t.end))
        out.extend(words[t.start:t.end])
    return " ".join(out)


def _hour_for(h: float, part: str | None, ampm: str | None) -> tuple[int, int | None] | None:
    hour = int(h)
    minute: int | None = round((h - hour) * 60) if h != hour else None
    if hour < 0 or hour > 24:
        return None
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    elif ampm is None and part:
        if part == "afternoon" and hour < 12 and hour <= 7:
            hour += 12
        elif part == "evening" and hour < 12:
            hour += 12
        elif part == "night" and 6 <= hour < 12:
            hour += 12
        elif part == "night" and hour == 12:
            hour = 0
    return hour % 24, minute


class TimeParser:
    """Finds `when` and `period` expressions in token lists."""

    def __init__(self, data: Data) -> None:
        t = data.time
        self.days: dict[str, tuple[int, bool]] = {k: (int(v[0]), bool(v[1])) for k, v in t["days"].items()}
        self.parts: dict[str, str] = t["parts_of_day"]
        self.weekdays: dict[str, str] = t["weekdays"]
        self.hour_words = set(t["hour_words"])
        self.am = set(t.get("am_words", [])) | {"am"}
        self.pm = set(t.get("pm_words", [])) | {"pm"}
        self.minute_words = set(t["minute_words"])
        self.hour_units = set(t["hour_units"])
        self.day_units = set(t["day_units"])
        self.rel_after = set(t["relative_after"])
        self.rel_before = set(t["relative_before"])
        self.date_words = set(t["date_words"])
        self.connectors = set(t["connectors"])
        self.recurrence: list[tuple[list[str], str]] = sorted(
            ((p.split(), freq) for freq, ps in t["recurrence"].items() for p in ps), key=lambda x: -len(x[0])
        )
        self.periods: list[tuple[list[str], str]] = sorted(
            ((p.split(), rng) for rng, ps in t["periods"].items() for p in ps), key=lambda x: -len(x[0])
        )
        self.recurrence_by_first: dict[str, list[tuple[list[str], str]]] = {}
        for words, freq in self.recurrence:
            self.recurrence_by_first.setdefault(words[0], []).append((words, freq))
        self.periods_by_first: dict[str, list[tuple[list[str], str]]] = {}
        for words, rng in self.periods:
            self.periods_by_first.setdefault(words[0], []).append((words, rng))
        self.months: dict[str, int] = {k: int(v) for k, v in t["months"].items()}
        self.past = set(t["past_markers"])
        self.future = set(t["future_markers"])
        self.replace_words = {"jagah", "bajaye", "instead"}
        # unions the per-token reader asks about, built once
        self._ampm_words = self.am | self.pm
        self._clock_tail = self.hour_words | self._ampm_words
        self._rel_units = self.minute_words | self.hour_units
        self._every_units = self.day_units | {"mahine", "hafte", "week", "month"}
        # the words (besides numbers and clock times) a time piece can start with, branch by branch of _piece
        self._starters = (set(self.recurrence_by_first) | {"har", "every", "each", "quarter", "a", "an"}
                          | self.days.keys() | self.parts.keys() | self.weekdays.keys() | self.rel_before)

    # ------------------------------------------------------------------ when
    def _piece(self, toks: list[Token], i: int, state: dict[str, Any]) -> int:
        """Try to read one time piece at i; return the index after it (i if none)."""
        n = len(toks)
        t = toks[i].norm
        for words, freq in self.recurrence_by_first.get(t, ()):
            k = len(words)
            if [x.norm for x in toks[i:i + k]] == words:
                state["recurrence"] = {"freq": freq, "interval": 1}
                return i + k
        if t in {"har", "every", "each"} and i + 1 < n and toks[i + 1].norm in self.weekdays:
            state["recurrence"] = {"freq": "weekly", "interval": 1, "weekday": self.weekdays[toks[i + 1].norm]}
            return i + 2
        if t in {"har", "every"} and i + 2 < n and toks[i + 1].is_num and toks[i + 2].norm in self._every_units:
            freq = {"mahine": "monthly", "hafte": "weekly", "week": "weekly", "month": "monthly"}.get(toks[i + 2].norm, "daily")
            state["recurrence"] = {"freq": freq, "interval": int(toks[i + 1].value or 1)}
            return i + 3
        if t in self.days:
            off, signed = self.days[t]
            state["day_offset"] = off
            state["_signed"] = signed
            if t == "tonight":
                state["part_of_day"] = "night"
            return i + 1
        if t in self.parts:
            state["part_of_day"] = self.parts[t]
            j = i + 1
            if j < n and toks[j].is_num and (toks[j].value or 0) <= 12:
                state["_hour"] = toks[j].value
                j += 1
                if j < n and toks[j].norm in self.hour_words:
                    j += 1
            return j
        if t in self.weekdays:
            if "recurrence" in state and state["recurrence"]["freq"] == "weekly":
                state["recurrence"]["weekday"] = self.weekdays[t]
            else:
                state["weekday"] = self.weekdays[t]
            return i + 1
        clock = self._spoken_clock(toks, i)
        if clock is not None:
            hour, j = clock
            state["_hour"] = hour
            while j < n and toks[j].norm in self._clock_tail:
                if toks[j].norm in self._ampm_words:
                    state["_ampm"] = "am" if toks[j].norm in self.am else "pm"
                j += 1
            return j
        m = _CLOCK.match(t)
        if m and int(m.group(1)) <= 24:
            state["_hour"] = int(m.group(1)) + int(m.group(2)) / 60
            state["_clock_minute"] = int(m.group(2))
            j = i + 1
            while j < n and toks[j].norm in self._clock_tail:
                if toks[j].norm in self._ampm_words:
                    state["_ampm"] = "am" if toks[j].norm in self.am else "pm"
                j += 1
            return j
        # relative: [in|after] N minute/ghante [baad|mein|later]
        j = i
        lead = False

        def count_at(x: int) -> float | None:
            if toks[x].is_num:
                return toks[x].value or 0.0
            return 1.0 if toks[x].norm in {"a", "an"} else None  # "in an hour"

        if t in self.rel_before and i + 1 < n and count_at(i + 1) is not None:
            lead = True
            j = i + 1
        if j < n and count_at(j) is not None and j + 1 < n and toks[j + 1].norm in self._rel_units:
            unit = toks[j + 1].norm
            k = j + 2
            trail = k < n and toks[k].norm in self.rel_after
            if lead or trail:
                mins = (count_at(j) or 0.0) * (60 if unit in self.hour_units else 1)
                state["relative_minutes"] = int(round(mins))
                return k + 1 if trail else k
        if toks[i].is_num:
            v = float(toks[i].value or 0)
            if i + 1 < n and toks[i + 1].norm in self.hour_words and v <= 24:
                dotted = _DOTTED.match(toks[i].roman) if toks[i].end - toks[i].start == 1 else None
                state["_hour"] = int(dotted.group(1)) + int(dotted.group(2)) / 60 if dotted and int(dotted.group(2)) < 60 else v
                j = i + 2
                if j < n and toks[j].norm in self._ampm_words:
                    state["_ampm"] = "am" if toks[j].norm in self.am else "pm"
                    j += 1
                return j
            if i + 1 < n and toks[i + 1].norm in self._ampm_words and v <= 12:
                dotted = _DOTTED.match(toks[i].roman) if toks[i].end - toks[i].start == 1 else None
                state["_hour"] = int(dotted.group(1)) + int(dotted.group(2)) / 60 if dotted and int(dotted.group(2)) < 60 else v
                state["_ampm"] = "am" if toks[i + 1].norm in self.am else "pm"
                return i + 2
            if i + 1 < n and toks[i + 1].norm in self.date_words and 1 <= v <= 31 and v.is_integer():
                self._set_dom(state, int(v))
                return i + 2
            nxt_of = i + 1 < n and toks[i + 1].norm == "of"
            if i > 0 and toks[i - 1].norm in {"the", "on"} and 1 <= v <= 31 and v.is_integer() and ("recurrence" in state or nxt_of):
                self._set_dom(state, int(v))
                return i + 1
            if i > 0 and toks[i - 1].norm == "at" and v <= 12:
                state["_hour"] = v
                return i + 1
        return i

    def _spoken_clock(self, toks: list[Token], i: int) -> tuple[float, int] | None:
        """Clock times the recogniser spells out: "5 30 pm" / "7 45 baje", "half past six", "quarter to seven"."""
        n = len(toks)
        t = toks[i]
        if (t.is_num and i + 2 < n and toks[i + 1].is_num and toks[i + 2].norm in self._clock_tail
                and _DIGITS2.match(toks[i + 1].roman) and int(toks[i + 1].roman) < 60 and float(t.value or 0).is_integer()
                and 1 <= (t.value or 0) <= 12):
            return float(t.value or 0) + int(toks[i + 1].roman) / 60, i + 2
        if i + 2 < n and toks[i + 1].norm in {"past", "to"} and toks[i + 2].is_num and 1 <= (toks[i + 2].value or 0) <= 12:
            frac = 0.5 if t.is_num and t.value == 0.5 else 0.25 if t.norm == "quarter" else None
            if frac is not None:
                h = float(toks[i + 2].value or 0)
                return (h + frac, i + 3) if toks[i + 1].norm == "past" else (h - 1 + (1 - frac), i + 3)
        return None

    @staticmethod
    def _set_dom(state: dict[str, Any], day: int) -> None:
        if "recurrence" in state and state["recurrence"]["freq"] == "monthly":
            state["recurrence"]["day_of_month"] = day
        else:
            state["day_of_month"] = day

    def find_when(self, toks: list[Token], words: list[str], tense: str) -> tuple[dict[str, Any] | None, tuple[int, int] | None]:
        """The `when` of a command, and the token span it covers."""
        groups: list[tuple[int, int, dict[str, Any]]] = []
        i = 0
        n = len(toks)
        while i < n:
            t = toks[i]
            if not (t.is_num or t.norm in self._starters or ":" in t.norm):
                i += 1  # no time piece starts with this word (see _piece)
                continue
            state: dict[str, Any] = {}
            j = self._piece(toks, i, state)
            if j == i:
                i += 1
                continue
            start, end = i, j
            # keep reading pieces, allowing connectors between them
            while end < n:
                k = end
                while k < n and toks[k].norm in self.connectors:
                    k += 1
                if k >= n:
                    break
                probe: dict[str, Any] = {"recurrence": state["recurrence"]} if "recurrence" in state else {}
                shared = probe.get("recurrence")
                nxt = self._piece(toks, k, probe)
                if nxt == k:
                    break
                if any(key in state and key != "_signed" and not (key == "recurrence" and probe[key] is shared) for key in probe):
                    break  # "kal se parso": a second time of the same kind starts a new group
                state.update(probe)
                end = nxt
            # a leading "at" belongs to the spoken time ("at 6 pm")
            if start > 0 and toks[start - 1].norm == "at" and "_hour" in state:
                start -= 1
            groups.append((start, end, state))
            i = end
        if not groups:
            return None, None
        # "kal ki jagah parso": the time before jagah/bajaye/instead is the old one
        kept = []
        for g in groups:
            after = g[1]
            k = after
            while k < n and toks[k].norm in {"ki", "ke", "of"}:
                k += 1
            if k < n and toks[k].norm in self.replace_words and len(groups) > 1:
                continue
            kept.append(g)
        groups = kept or groups
        # a later group that names the same thing replaces an earlier one ("kal se parso", "5 nahi 6 baje")
        final: list[tuple[int, int, dict[str, Any]]] = []
        for g in groups:
            keys = {k for k in g[2] if not k.startswith("_") or k == "_hour"}
            final = [f for f in final if not (keys & {k for k in f[2] if not k.startswith("_") or k == "_hour"})]
            final.append(g)
        groups = final
        merged: dict[str, Any] = {}
        phrases = []
        for start, end, state in groups:
            merged.update({k: v for k, v in state.items() if k != "recurrence"})
            if "recurrence" in state:
                merged["recurrence"] = state["recurrence"]
            phrases.append(_span_text(toks[start:end], words))
        when: dict[str, Any] = {"phrase": " ".join(phrases)}
        if "day_offset" in merged:
            off = merged["day_offset"]
            if merged.get("_signed") and tense == "past":
                off = -off
            when["day_offset"] = off
        if "weekday" in merged:
            when["weekday"] = merged["weekday"]
        if "day_of_month" in merged:
            when["day_of_month"] = merged["day_of_month"]
        if "part_of_day" in merged:
            when["part_of_day"] = merged["part_of_day"]
        if "_hour" in merged:
            hm = _hour_for(float(merged["_hour"]), merged.get("part_of_day"), merged.get("_ampm"))
            if hm:
                when["hour"] = hm[0]
                if hm[1] is not None:
                    when["minute"] = hm[1]
        if "relative_minutes" in merged:
            when["relative_minutes"] = merged["relative_minutes"]
        if "recurrence" in merged:
            when["recurrence"] = merged["recurrence"]
        rec = when.get("recurrence")
        if rec and rec["freq"] == "monthly" and "day_of_month" in when and "day_of_month" not in rec:
            rec["day_of_month"] = when.pop("day_of_month")
        if rec and rec["freq"] == "weekly" and "weekday" in when and "weekday" not in rec:
            rec["weekday"] = when.pop("weekday")
        span = (groups[0][0], groups[-1][1])
        return when, span

    def tense_of(self, toks: list[Token], default: str | None) -> str:
        if default:
            return default
        norms = [t.norm for t in toks]
        if any(w in self.past for w in norms):
            return "past"
        return "future"

    # ---------------------------------------------------------------- period
    def find_period(self, toks: list[Token], words: list[str]) -> dict[str, Any] | None:
        n = len(toks)
        norms = [t.norm for t in toks]

        def phrase(a: int, b: int) -> str:
            return " ".join(words[toks[a].start:toks[b - 1].end])

        for i in range(n):
            for ws, rng in self.periods_by_first.get(norms[i], ()):
                k = len(ws)
                if norms[i:i + k] == ws:
                    return {"phrase": phrase(i, i + k), "range": rng}
            m = _FY.match(norms[i])
            if m:
                a = i - 1 if i > 0 and norms[i - 1] in {"fy", "financial", "saal", "year"} else i
                if a > 0 and norms[a] == "year" and norms[a - 1] == "financial":
                    a -= 1
                elif norms[a] == "year":
                    a = i
                return {"phrase": phrase(a, i + 1), "fy": norms[i]}
            if norms[i] in self.days:
                off, signed = self.days[norms[i]]
                return {"phrase": phrase(i, i + 1), "day_offset": -off if signed else off}
            if norms[i] in self.months:
                return {"phrase": phrase(i, i + 1), "month": self.months[norms[i]]}
        return None


def resolve_when(when: dict[str, Any], now: datetime, tz: str = "Asia/Kolkata") -> datetime | None:
    """The moment a `when` names, seen from `now` in the shop's timezone (None if too vague)."""
    local = now.astimezone(ZoneInfo(tz))
    if "relative_minutes" in when:
        return local + timedelta(minutes=int(when["relative_minutes"]))
    day = local.replace(second=0, microsecond=0)
    has_day = False
    if "day_offset" in when:
        day = day + timedelta(days=int(when["day_offset"]))
        has_day = True
    elif "weekday" in when:
        target = WEEKDAYS.index(when["weekday"])
        delta = (target - day.weekday()) % 7 or 7
        day = day + timedelta(days=delta)
        has_day = True
    elif "day_of_month" in when:
        dom = int(when["day_of_month"])
        try:
            cand = day.replace(day=dom)
        except ValueError:
            return None
        if cand.date() <= day.date():
            month = day.month % 12 + 1
            year = day.year + (1 if month == 1 else 0)
            try:
                cand = cand.replace(year=year, month=month)
            except ValueError:
                return None
        day = cand
        has_day = True
    default_hour = {"morning": 9, "afternoon": 14, "evening": 18, "night": 20}
    if "hour" in when:
        hour, minute = int(when["hour"]), int(when.get("minute", 0))
    elif "part_of_day" in when:
        hour, minute = default_hour[when["part_of_day"]], 0
    elif has_day:
        hour, minute = 10, 0
    else:
        return None
    out = day.replace(hour=hour, minute=minute)
    if not has_day and out <= local:
        out += timedelta(days=1)
    return out
