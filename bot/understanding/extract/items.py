"""Bill items, stock quantities and new products: quantity + unit + product as spoken, pack sizes kept in the name."""

from __future__ import annotations

from typing import Any

from bot.understanding.extract.base import LOW_CUES, REMOVE_OPS, REMOVE_REASONS, ExtractorBase, Sentence, _num
from bot.understanding.numbers import fmt

ARRIVE_WORDS = frozenset({"received", "arrived", "came", "aaya", "aayi", "aaye", "delivered", "got"})


class ItemExtractors(ExtractorBase):
    # ------------------------------------------------------------------ items
    def _read_product(self, s: Sentence, j: int, allow_pack: bool) -> tuple[list[str], int]:
        toks = s.toks
        n = len(toks)
        words: list[str] = []
        while j < n and j not in s.used:
            t = toks[j]
            nxt = toks[j + 1].norm if j + 1 < n else ""
            if self.product_word(t) and not (t.norm in self.verb_stems and nxt in {"do", "de", "dena", "diye", "lo", "karo", "kar"}):
                words.append(t.roman)
                j += 1
                continue
            if (words and t.norm in {"ka", "ki", "ke"} and j + 1 < n and j + 1 not in s.used
                    and toks[j + 1].roman in self.products and toks[j + 1].norm not in self.unit_canon):
                words += [t.roman, toks[j + 1].roman]  # "sarson ka tel", "aam ka achar"
                j += 2
                continue
            if words and not t.is_num and t.norm in self.unit_canon and len(t.roman) == 1:
                words.append(t.roman)  # "parle g"
                j += 1
                continue
            after = toks[j + 2] if j + 2 < n else None
            if (words and allow_pack and t.is_num and nxt in self.pack_units and j + 1 not in s.used
                    and (after is None or not self.product_word(after))):
                words.append(f"{fmt(t.value or 0)}{self.pack_abbrev[nxt]}")
                j += 2
                continue
            break
        return words, j

    def _backward_product(self, s: Sentence, i: int) -> tuple[list[str], int]:
        k = i - 1
        words: list[str] = []
        while k >= 0 and k not in s.used and len(words) < 3 and self.product_word(s.toks[k]):
            words.insert(0, s.toks[k].roman)
            k -= 1
        return words, k + 1

    def item_list(self, s: Sentence) -> list[dict[str, Any]]:
        toks = s.toks
        n = len(toks)
        items: list[dict[str, Any]] = []
        i = 0
        while i < n:
            t = toks[i]
            if i in s.used or (s.when_span and s.when_span[0] <= i < s.when_span[1]):
                i += 1
                continue
            qty: float | None = None
            if t.is_num:
                qty = t.value
            elif t.norm in {"a", "an"} and i + 1 < n and (
                    toks[i + 1].norm in self.unit_canon or toks[i + 1].norm == "loaf" or toks[i + 1].roman in self.products
                    or (i + 2 < n and self.product_word(toks[i + 1]) and toks[i + 2].roman in self.products)):
                qty = 1.0
            if qty is None:
                i += 1
                continue
            j = i + 1
            money = (j < n and toks[j].norm == "rupaye") or (i > 0 and toks[i - 1].norm == "rupaye")
            # "pachas ka dhaniya", "dedh sau ki mirchi": a sum of money bought by value, rupees left unsaid
            money = money or ((qty or 0) >= 5 and j + 1 < n and toks[j].norm in {"ka", "ki", "ke"}
                              and self.product_word(toks[j + 1]) and not toks[j + 1].is_num)
            if money:
                if j < n and toks[j].norm == "rupaye":
                    j += 1
                if j < n and toks[j].norm in {"ka", "ki", "ke", "of"}:
                    words, j2 = self._read_product(s, j + 1, False)
                    if words:
                        items.append({"product": " ".join(words), "quantity": None, "unit": None, "amount": _num(qty)})
                        s.used.update(range(i, j2))
                        i = j2
                        continue
                i = j
                continue
            if j < n and toks[j].norm in {"percent"}:
                i = j + 1
                continue
            unit = None
            if j < n and toks[j].norm in self.unit_canon and not (len(toks[j].roman) == 1 and toks[j].roman not in {"l", "g"}):
                unit = toks[j].norm
                j += 1
            if j < n and toks[j].norm in {"loaf", "loaves", "nos", "units"}:
                j += 1
            if j < n and toks[j].norm == "of":
                j += 1
            words, j2 = self._read_product(s, j, True)
            start = i
            if not words:
                back = i - 1 if unit is not None and i > 0 and toks[i - 1].norm in {"ka", "ki", "ke"} else i
                words, start = self._backward_product(s, back)
                if words and unit is None and not all(w in self.products for w in words):
                    words = []
                j2 = j
            if words:
                items.append({"product": " ".join(words), "quantity": _num(qty), "unit": unit})
                s.used.update(range(start, j2))
                i = j2
            else:
                i = j
        return items

    def items(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        found = self.item_list(s)
        return {"items": found} if found else {}


    # ----------------------------------------------------------------- stock
    def _product_near_stock(self, s: Sentence) -> str | None:
        toks = s.toks
        for i, t in enumerate(toks):
            if t.norm != "stock":
                continue
            if i + 1 < len(toks) and toks[i + 1].norm == "of":
                words, _ = self._read_product(s, i + 2, False)
                if words:
                    return " ".join(words)
            k = i
            if k > 0 and toks[k - 1].norm in {"ka", "ki", "ke"}:
                k -= 1
            words, _ = self._backward_product(s, k)
            if words:
                return " ".join(words)
        return None

    def stock_query(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        norms = s.norms
        if any(n in LOW_CUES for n in norms) or ("kam" in norms and "hai" in norms) or "low" in norms:
            # "maida khatam ho gaya" / "we are out of besan": low stock of that product
            first = next((i for i, t in enumerate(s.toks) if t.norm not in {"we", "are", "is", "hum", "mera", "the"}), 0)
            question = {"kya", "kaun", "kaunsa", "kaunsi", "kaunse", "konsa", "konsi", "kaun sa", "which", "what", "kis", "kitna", "koi"}
            t0 = s.toks[first] if s.toks else None
            if t0 is not None and t0.norm not in question and self.product_word(t0) and t0.norm not in LOW_CUES and t0.norm not in self.unit_canon:
                words, _ = self._read_product(s, first, False)
                if words and not any(w in LOW_CUES for w in words):
                    return {"product": " ".join(words), "low_stock": True}
            if len(norms) >= 3 and norms[-3:-1] == ["out", "of"] and self.product_word(s.toks[-1]):
                return {"product": s.toks[-1].roman.lower(), "low_stock": True}
            return {"low_stock": True}
        p = self._product_near_stock(s)
        if p:
            return {"product": p}
        for i, t in enumerate(s.toks):
            if self.product_word(t) and t.norm not in self.unit_canon:
                words, _ = self._read_product(s, i, False)
                if words:
                    return {"product": " ".join(words)}
        return {}

    def stock_update(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        norms = s.norms
        arrived = any(n in ARRIVE_WORDS for n in norms)
        removal = any(n in REMOVE_OPS and not (n == "from" and arrived) for n in norms)
        if removal and not ("to" in norms and "stock" in norms and "from" not in norms):
            op = "remove"
        elif "set" in norms or ("stock" in norms and ("kar" in norms or "karo" in norms) and not any(n in {"jodo", "add", "daal", "badha"} for n in norms)) or ("to" in norms and "stock" in norms and norms.index("to") > norms.index("stock")):
            op = "set"
        else:
            op = "add"
        items = self.item_list(s)
        if not items:
            qty_i = next((i for i, t in enumerate(s.toks) if t.is_num), None)
            product = self._product_near_stock(s)
            if qty_i is None or not product:
                return {"operation": op}
            unit = s.toks[qty_i + 1].norm if qty_i + 1 < len(s.toks) and s.toks[qty_i + 1].norm in self.unit_canon else None
            items = [{"product": product, "quantity": _num(s.toks[qty_i].value), "unit": unit}]
        stock_items = [{"product": it["product"], "quantity": it.get("quantity"), "unit": it.get("unit"), "operation": op} for it in items]
        reason = next((REMOVE_REASONS[n] for n in norms if n in REMOVE_REASONS), None) if op == "remove" else None
        if reason is not None:
            for item in stock_items:
                item["reason"] = reason
        if len(stock_items) == 1:
            return stock_items[0]
        return {"_stock_items": stock_items}


    # --------------------------------------------------------------- catalog
    def product_new(self, s: Sentence, ctx: dict[str, Any]) -> dict[str, Any]:
        toks = s.toks
        n = len(toks)
        intro = {"naya", "new", "item", "product", "saman", "samaan", "cheez", "maal", "add", "karo", "jodo", "banao", "a", "the",
                 "is", "hai", "kar", "do", "called", "named", "daalo", "dalo", "daal", "jod", "jodiye", "karna"}
        i = 0
        while i < n and (toks[i].norm in intro or toks[i].norm in {"please"}):
            i += 1
        words: list[str] = []
        price: float | None = None
        unit: str | None = None
        j = i
        while j < n:
            t = toks[j]
            nxt = toks[j + 1].norm if j + 1 < n else ""
            if t.is_num and nxt in self.pack_units and price is None and words:
                if j + 2 < n and (toks[j + 2].is_num or toks[j + 2].norm in {"price", "at", "rate", "daam", "mein", "ka", "ke", "for"}):
                    words.append(f"{fmt(t.value or 0)}{self.pack_abbrev[nxt]}")
                    j += 2
                    continue
                if j + 2 >= n:
                    words.append(f"{fmt(t.value or 0)}{self.pack_abbrev[nxt]}")
                    j += 2
                    continue
            if t.is_num and price is None:
                price = t.value
                j += 1
                if j < n and toks[j].norm == "rupaye":
                    j += 1
                if j < n and toks[j].norm in {"per", "ka", "ki", "prati"}:
                    j += 1
                if j < n and toks[j].norm in self.unit_canon and len(toks[j].roman) > 1:
                    unit = toks[j].norm
                    j += 1
                continue
            if price is None and (self.product_word(t) or (words and t.norm in self.unit_canon and len(t.roman) == 1)):
                words.append(t.roman)
            j += 1
        out: dict[str, Any] = {}
        if words:
            out["product"] = " ".join(words)
        if price is not None:
            out["price"] = _num(price)
        if unit:
            out["unit"] = unit
        return out

