"""Ranking customers and products against what the shopkeeper said.

Builds matching targets from the models and turns scores into candidates or
a decision (one clear match, ambiguous, or not found).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from business.errors import AmbiguousCustomer, AmbiguousProduct, CustomerNotFound, ProductNotFound
from business.matching import Target, decide, meaningful, prepare, score, words
from business.models import Customer, CustomerMatch, Product, ProductMatch
from business.units import unit_words

MIN_CANDIDATE_SCORE = 50.0
_PRODUCT_STOPWORDS = frozenset(unit_words()) | frozenset({"wala", "wali", "wale", "ka", "ki", "ke", "aur"})


def _variant(label: str, text: str) -> tuple[str, tuple[str, ...]]:
    return label, meaningful(words(text))


@lru_cache(maxsize=20_000)
def customer_target(c: Customer) -> Target:
    variants = [_variant("name", c.name)]
    if c.name_roman:
        variants.append(_variant("name", c.name_roman))
    if c.name_devanagari:
        variants.append(_variant("devanagari", c.name_devanagari))
    variants += [_variant("nickname", n) for n in c.nicknames]
    return Target(
        tuple(v for v in variants if v[1]), meaningful(words(c.landmark)), re.sub(r"\D", "", c.phone or "")
    )


@lru_cache(maxsize=20_000)
def product_target(p: Product) -> Target:
    variants = [_variant("name", p.name)] + [_variant("alias", a) for a in p.aliases]
    return Target(tuple(v for v in variants if v[1]))


def rank_customers(query: str, customers: Sequence[Customer], limit: int = 5) -> list[CustomerMatch]:
    q = prepare(query)
    scored = [(score(q, customer_target(c)), c) for c in customers]
    out = [CustomerMatch(c, s.score, s.matched_on) for s, c in scored if s.score >= MIN_CANDIDATE_SCORE]
    out.sort(key=lambda m: (-m.score, m.customer.name, m.customer.id))
    return out[:limit]


def rank_products(query: str, products: Sequence[Product], limit: int = 5) -> list[ProductMatch]:
    q = prepare(query, _PRODUCT_STOPWORDS)
    scored = [(score(q, product_target(p)), p) for p in products]
    out = [ProductMatch(p, s.score, s.matched_on) for s, p in scored if s.score >= MIN_CANDIDATE_SCORE]
    out.sort(key=lambda m: (-m.score, m.product.name, m.product.id))
    return out[:limit]


def resolve_customer(query: str, customers: Sequence[Customer]) -> Customer:
    """One clear customer, or CustomerNotFound / AmbiguousCustomer with candidates."""
    q = prepare(query)
    scored = [(score(q, customer_target(c)), c) for c in customers]
    d = decide([s.score for s, _ in scored], exact=[s.exact for s, _ in scored])
    matches = [CustomerMatch(scored[i][1], scored[i][0].score, scored[i][0].matched_on) for i in d.candidates]
    if d.chosen is not None:
        return scored[d.chosen][1]
    if d.ambiguous:
        raise AmbiguousCustomer(query, matches)
    raise CustomerNotFound(query, matches)


def resolve_product(query: str, products: Sequence[Product]) -> Product:
    """One clear product, or ProductNotFound / AmbiguousProduct with candidates."""
    q = prepare(query, _PRODUCT_STOPWORDS)
    scored = [(score(q, product_target(p)), p) for p in products]
    d = decide([s.score for s, _ in scored], exact=[s.exact for s, _ in scored])
    matches = [ProductMatch(scored[i][1], scored[i][0].score, scored[i][0].matched_on) for i in d.candidates]
    if d.chosen is not None:
        return scored[d.chosen][1]
    if d.ambiguous:
        raise AmbiguousProduct(query, matches)
    raise ProductNotFound(query, matches)
