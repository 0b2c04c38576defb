"""A per-shop n-gram language model and dictionary, cached on disk.

The generic en-us model has never heard "Sharma ji ne do sau diye"; a model
built from shopkeeper templates filled with this shop's names and number
words takes WER from ~110% to ~10% on clean speech. Building costs a few
hundred milliseconds, so the result is cached under a hash of the names and
rebuilt only when they change.
"""

from __future__ import annotations

import asyncio
import io
import logging
import random
import re
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

from bot.voice import templates as tpl
from bot.voice.config import ShopVocabulary
from bot.voice.expect import AMOUNT, CUSTOMER, YES_NO
from bot.voice.lexicon import build_dictionary

log = logging.getLogger(__name__)

MODEL_VERSION = "9"  # bump when templates or dictionary rules change: invalidates caches
DISCOUNT_MASS = 0.1
# In the yes/no model the answers carry this share of the sentences: "haan" wins over a
# command word that sounds alike, while a command said instead still decodes.
YES_NO_SHARE = 0.5
NO_WEIGHT = 2
_SLOT = re.compile(r"\{(\w)\}")
_build_lock = threading.Lock()
_UNIT_WORDS = frozenset(tpl.UNITS) | {"ml", "g", "gm", "kg", "ltr", "pcs"}


@dataclass(frozen=True)
class ShopModel:
    """Paths of a built model: the ARPA language model and the dictionary."""

    lm_path: Path
    dict_path: Path
    digest: str
    words: frozenset[str]
    # The same words, biased towards one expected answer: (expectation, ARPA path) pairs.
    expectations: tuple[tuple[str, Path], ...] = ()


def normalise(text: str) -> str:
    """Lower-case Roman words only: the form the model and the recogniser's output use."""
    text = text.lower().replace("-", " ").replace("'", "")
    return " ".join(re.findall(r"[a-z]+", text))


def _name_forms(names: tuple[str, ...]) -> list[str]:
    """Each name whole, and its first and last words: callers say "Rahul", "Verma ji", "Amul butter"."""
    out: list[str] = []
    for name in names:
        words = normalise(name).split()
        if not words:
            continue
        out.append(" ".join(words))
        if len(words) > 1:
            out += [words[0], words[-1], " ".join(words[:2])]
    # A lone unit or letter left from "500ml" / "100g" is not a name anyone says.
    return [x for x in dict.fromkeys(out) if len(x) > 2 and x not in _UNIT_WORDS]


def _slot_values(vocab: ShopVocabulary) -> dict[str, list[str]]:
    customers = _name_forms(vocab.customer_names) + [normalise(n) for n in vocab.nicknames]
    customers = list(dict.fromkeys(c for c in customers if c)) or ["ramesh", "suresh"]
    products = _name_forms(vocab.products) or ["chini", "doodh", "chawal"]
    landmarks = [normalise(x) for x in vocab.landmarks] or ["station road", "mandir"]
    return {
        "c": [c for c in customers if c],
        "p": [p for p in products if p],
        "l": [x for x in landmarks if x],
        "n": tpl.amount_phrases(),
        "q": tpl.quantity_phrases(),
        "u": list(tpl.UNITS),
        "m": list(tpl.PAYMENT_MODES),
        "t": list(tpl.TIME_PHRASES),
    }


def _fill(template: str, values: dict[str, list[str]], rng: random.Random, primary: str | None, pick: str) -> str:
    def sub(match: re.Match[str]) -> str:
        slot = match.group(1)
        if slot == primary:
            return pick
        options = values.get(slot) or [""]
        return rng.choice(options)

    return _SLOT.sub(sub, template)


def build_corpus(vocab: ShopVocabulary, seed: int = 7, per_template: int = 4) -> list[str]:
    """Template sentences with every name of the shop in every slot it fits, plus amounts alone."""
    rng = random.Random(seed)
    values = _slot_values(vocab)
    sentences: list[str] = []
    for template in tpl.command_templates():
        slots = _SLOT.findall(template)
        if not slots:
            sentences.append(template)
            continue
        # Every customer / product gets each template once; the other slots are sampled.
        primary = "c" if "c" in slots else ("p" if "p" in slots else slots[0])
        for pick in values.get(primary, [""]):
            sentences.append(_fill(template, values, rng, primary, pick))
        # Amounts are what a misheard command costs most: every amount phrase gets
        # each money template too, so "paanch sau" outweighs "paune tel".
        if "n" in slots and primary != "n":
            for pick in values["n"]:
                sentences.append(_fill(template, values, rng, "n", pick))
        for _ in range(per_template):
            sentences.append(_fill(template, values, rng, None, ""))
    sentences += values["n"] + [f"{n} rupaye" for n in values["n"]]
    sentences += values["c"] + [f"{c} ji" for c in values["c"]] + values["p"]
    sentences += [normalise(x) for x in vocab.extra_phrases]
    return [normalise(s) for s in sentences if normalise(s)]


def _arpa(corpus: list[str]) -> str:
    from pocketsphinx.lm import ArpaBoLM

    # A small discount keeps the model close to what shopkeepers say: with pocketsphinx's
    # default 0.5 the back-off mass let "vicky ka tel" beat "suresh ne paanch sau"
    # (benchmark, 2 voices x 50 commands: WER 21.0% -> 17.3%, commands right 52% -> 60%).
    lm = ArpaBoLM(text="\n".join(corpus), add_start=True, case="lower", discount_mass=DISCOUNT_MASS)
    lm.compute()
    out = io.StringIO()
    lm.write(out)
    return out.getvalue()


def yes_no_corpus(corpus: list[str]) -> list[str]:
    """The shop's sentences plus the yes/no answers repeated to `YES_NO_SHARE` of the whole.

    The "no" answers weigh `NO_WEIGHT` times the "yes" ones: between "nahi" and "haan" an
    unclear sound should lean to no (asked again, nothing booked), never to a booking.
    """
    yes = [normalise(a) for a in tpl.YES_ANSWERS]
    no = [normalise(a) for a in tpl.NO_ANSWERS] * NO_WEIGHT
    return _biased(corpus, yes + no)


def amount_corpus(corpus: list[str]) -> list[str]:
    """The shop's sentences plus amounts said alone ("teen sau", "do sau rupaye")."""
    amounts = [normalise(a) for a in tpl.amount_phrases()]
    return _biased(corpus, amounts + [f"{a} rupaye" for a in amounts])


def _biased(corpus: list[str], answers: list[str]) -> list[str]:
    """`corpus` with `answers` repeated to `YES_NO_SHARE` of the sentences: the expected answer wins
    over a command word that sounds alike, while a command said instead still decodes."""
    repeat = max(1, round(len(corpus) * YES_NO_SHARE / (1 - YES_NO_SHARE) / len(answers)))
    return corpus + answers * repeat


def customer_corpus(corpus: list[str], vocab: ShopVocabulary) -> list[str]:
    """The shop's sentences plus its customers' names said alone or as the answer to "Kiske liye?"
    ("Rahul", "Verma ji", "Pinky ke liye", "Suresh ka")."""
    names = _slot_values(vocab)["c"]
    answers = [f"{n}{tail}" for n in names for tail in ("", " ji", " ke liye", " ka", " ke naam")]
    return _biased(corpus, answers)


# One biased model per expectation (bot.voice.expect): file name and corpus builder.
EXPECTATION_MODELS: dict[str, tuple[str, Callable[[list[str], ShopVocabulary], list[str]]]] = {
    YES_NO: ("yes_no.lm", lambda corpus, _vocab: yes_no_corpus(corpus)),
    AMOUNT: ("amount.lm", lambda corpus, _vocab: amount_corpus(corpus)),
    CUSTOMER: ("customer.lm", customer_corpus),
}


def _paths(vocab: ShopVocabulary, cache_dir: Path) -> tuple[str, Path, Path, Path, Path]:
    digest = vocab.digest(salt=MODEL_VERSION + "|" + "|".join(tpl.command_templates()))
    folder = Path(cache_dir) / digest
    return digest, folder, folder / "shop.lm", folder / "shop.dict", folder / "words.txt"


def cached_shop_model(vocab: ShopVocabulary, cache_dir: Path) -> ShopModel | None:
    """The shop's model if it is already built (cheap: no building, just a look in the cache)."""
    digest, folder, lm_path, dict_path, words_path = _paths(vocab, cache_dir)
    expectations = tuple((e, folder / name) for e, (name, _) in EXPECTATION_MODELS.items())
    needed = (lm_path, dict_path, words_path, *(path for _, path in expectations))
    if not all(path.exists() for path in needed):
        return None
    words = frozenset(words_path.read_text(encoding="utf-8").split())
    return ShopModel(lm_path=lm_path, dict_path=dict_path, digest=digest, words=words, expectations=expectations)


BUILD_TIMEOUT_S = 120.0


async def _build_in_subprocess(vocab: ShopVocabulary, cache_dir: Path) -> ShopModel | None:
    """Run `python -m bot.voice.build_model` and pick the result up from the cache."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.voice.build_model",
        str(cache_dir),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _out, err = await asyncio.wait_for(proc.communicate(vocab.to_json().encode()), BUILD_TIMEOUT_S)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        return None
    if proc.returncode != 0:
        log.warning("model build process failed (%s): %s", proc.returncode, err.decode(errors="replace")[-300:])
        return None
    return cached_shop_model(vocab, cache_dir)


async def load_shop_model(vocab: ShopVocabulary, cache_dir: Path, threads: Executor | None = None) -> ShopModel:
    """The shop's model from the cache, or built in a child process. Never blocks the loop."""
    loop = asyncio.get_running_loop()
    model = await loop.run_in_executor(threads, cached_shop_model, vocab, cache_dir)
    if model is not None:
        return model
    try:
        model = await _build_in_subprocess(vocab, Path(cache_dir))
    except (OSError, NotImplementedError) as exc:  # no subprocesses here
        log.warning("model build process unavailable (%s)", type(exc).__name__)
    if model is None:  # still correct, just GIL-heavy for a second
        model = await loop.run_in_executor(threads, build_shop_model, vocab, Path(cache_dir))
    return model


def build_shop_model(vocab: ShopVocabulary, cache_dir: Path) -> ShopModel:
    """Build (or load from the cache) the shop's language model and dictionary. Blocking."""
    digest, folder, lm_path, dict_path, words_path = _paths(vocab, cache_dir)
    with _build_lock:
        if cached_shop_model(vocab, cache_dir) is None:
            corpus = build_corpus(vocab)
            words = sorted({w for s in corpus for w in s.split()})
            folder.mkdir(parents=True, exist_ok=True)
            english = set(tpl.ENGLISH_WORDS)
            tmp = folder / f".tmp-{threading.get_ident()}"
            tmp.mkdir(exist_ok=True)
            (tmp / "shop.lm").write_text(_arpa(corpus), encoding="utf-8")
            for name, biased in EXPECTATION_MODELS.values():
                (tmp / name).write_text(_arpa(biased(corpus, vocab)), encoding="utf-8")
            (tmp / "shop.dict").write_text(build_dictionary(words, english), encoding="utf-8")
            (tmp / "words.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
            biased_files = [name for name, _ in EXPECTATION_MODELS.values()]
            for name in ("shop.lm", *biased_files, "shop.dict", "words.txt"):  # words.txt last: it marks completion
                (tmp / name).replace(folder / name)
            tmp.rmdir()
            log.info("built shop language model %s (%d words, %d sentences)", digest, len(words), len(corpus))
    model = cached_shop_model(vocab, cache_dir)
    assert model is not None, "built but not in the cache"
    return model
