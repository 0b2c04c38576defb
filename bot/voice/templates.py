"""What shopkeepers say, as templates the shop's language model is built from.

Slots: {c} customer, {p} product, {n} an amount in words, {q} a quantity in
words, {u} a unit, {m} a payment mode, {t} a time phrase, {l} a landmark.
The phrasing follows ../shared/spec/intents.md so that what the recogniser
prefers is what the parser understands. When `bot.understanding.vocabulary`
offers `command_phrases()`, those phrases are used as well.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

TEMPLATES: tuple[str, ...] = (
    # check_balance
    "{c} ka balance batao", "{c} ka balance kitna hai", "{c} ka kitna baaki hai", "{c} ka hisaab batao",
    "{c} ka kitna udhaar hai", "{c} ji ka balance batao", "{c} ka khata batao", "what is {c} balance",
    "{c} ka hisaab kitna hua", "{c} ka kitna bakaya hai",
    # record_payment
    "{c} ne paise diye", "{c} ne payment kiya", "{c} ne paise jama kiye",
    "{c} ne {n} cash diye", "{c} ne {n} rupaye diye", "{c} ne {n} diye", "{c} ne {n} {m} kiye",
    "{c} ne {n} rupaye {m} se diye", "{c} se {n} mil gaye", "{c} ne poora hisaab chuka diya",
    "{c} ji ne {n} rupaye jama kiye", "{c} paid {n} rupees", "{c} ne {n} {m} mein diye",
    # add_udhaar
    "{c} ko udhaar likho", "{c} ke khate mein likh do",
    "{c} ke khate mein {n} likh do", "{c} ke naam {n} likh do", "{c} ko {n} udhaar diya",
    "{c} ke khate mein {n} rupaye udhaar likho", "{c} ka {n} udhaar chadha do",
    # create_invoice
    "{c} ko {q} {u} {p} do", "{c} ko {q} {p} aur {q} {p}", "{c} ka bill banao {q} {u} {p}",
    "{c} ke liye {q} {u} {p} aur {q} {u} {p}", "{q} {u} {p} {c} ko", "{c} ko {q} packet {p}",
    "{c} ko {n} rupaye ka {p}", "bill banao {c} ke naam", "{c} ko {q} {p} de do",
    # confirm / draft / cancel
    "haan pakka kar do", "haan theek hai", "haan bill bana do", "nahi rehne do", "abhi tak ka bill sunao",
    "bill cancel karo", "{c} ka aakhri bill cancel karo", "haan", "nahi", "ji haan", "confirm karo",
    # discount, gst, tiers, sending
    "{n} rupaye kam karo", "{q} percent discount do", "is bill mein gst mat lagao", "gst laga do",
    "igst wala bill banao", "wholesale rate lagao", "retail rate lagao", "{c} ko bill whatsapp kar do",
    "{c} ko bill bhej do", "bill whatsapp pe bhejo",
    # outstanding, summary, reports
    "kaun kaun udhaar pe chal raha hai", "market mein kul kitna udhaar hai", "kul kitna baaki hai",
    "aaj kitna dhandha hua", "kal kitna dhandha hua", "aaj ki bikri batao", "pichle mahine ki gst report bhejo",
    "is hafte ka hisaab batao",
    # reminders
    "{c} ko {t} yaad dilana", "{c} ko {t} reminder bhejo", "{c} ka reminder hata do", "saare reminder batao",
    "{c} ko payment ka reminder bhejo",
    # stock and products
    "{p} kitni bachi hai", "{p} kitna bacha hai", "{p} ka stock batao", "{q} {u} {p} aaya hai",
    "{q} {u} {p} stock mein daalo", "kya khatam ho raha hai", "naya item {p} {n} rupaye",
    # customers
    "naya customer {c}", "{c} ka number batao", "{c} ki jaankari do", "{c} ko hata do", "{l} wale {c} ka balance batao",
    "{l} wale {c} ne {n} diye",
    # conversation
    "namaste", "hello", "aap kaun kaun se kaam karte ho", "bas", "theek hai bye", "bas rakhta hoon",
    "dhanyavaad", "english mein bolo", "hindi mein bolo", "phir se bolo", "ek minute",
)

HINDI_DIGITS = (
    "ek", "do", "teen", "chaar", "paanch", "chhe", "saat", "aath", "nau", "das",
)
HINDI_TENS = (
    "gyaarah", "baarah", "pandrah", "bees", "pachchees", "tees", "chaalees", "pachaas", "saath", "sattar",
    "assi", "nabbe",
)
ENGLISH_NUMBERS = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twenty", "thirty",
    "forty", "fifty", "hundred", "thousand",
)
FRACTIONS = ("dedh", "dhaai", "sawa", "saadhe", "paune", "aadha", "paav")

UNITS = ("kilo", "kg", "gram", "litre", "packet", "piece", "dozen", "bottle", "bori", "dabba")
PAYMENT_MODES = ("cash", "upi", "gpay", "phonepe", "paytm", "online", "card", "cheque")
TIME_PHRASES = (
    "kal subah das baje", "parso shaam saat baje", "kal", "aaj shaam", "somvaar ko", "agle hafte",
    "do ghante baad", "kal dopahar",
)

# Words the English acoustic model knows well: trust the CMU dictionary for them.
ENGLISH_WORDS = frozenset(
    """balance cash bill upi online card cheque percent discount gst igst wholesale retail rate whatsapp
    report stock item customer number reminder payment hello bye confirm english hindi minute market kilo
    kg gram litre packet piece dozen bottle paid rupees what is one two three four five six seven eight
    nine ten twenty thirty forty fifty hundred thousand""".split()
)


def amount_phrases() -> list[str]:
    """Amounts as callers say them: "do sau", "paanch sau pachaas", "dedh hazaar", "two hundred"."""
    out: list[str] = list(HINDI_DIGITS) + list(HINDI_TENS)
    for d in HINDI_DIGITS:
        out += [f"{d} sau", f"{d} hazaar", f"{d} sau pachaas", f"{d} hazaar {d} sau"]
    for f in ("dedh", "dhaai", "sawa do", "saadhe teen", "paune do"):
        out += [f"{f} sau", f"{f} hazaar"]
    for e in ENGLISH_NUMBERS[:10]:
        out += [f"{e} hundred", f"{e} thousand"]
    out += ["fifty", "twenty", "one hundred fifty", "two thousand five hundred"]
    return out


def quantity_phrases() -> list[str]:
    return list(HINDI_DIGITS) + ["aadha", "dedh", "dhaai", "paav", "sawa", "bees", "pachaas", "one", "two"]


# What a caller answers to "Pakka karoon?" (the words bot.voice.expect.classify reads as yes / no).
# The recogniser listens for these first while a read-back waits (a yes/no search).
YES_ANSWERS: tuple[str, ...] = (
    "haan", "haan ji", "ji haan", "haan haan", "theek hai", "haan theek hai", "kar do", "haan kar do",
    "haan pakka kar do", "pakka", "yes", "okay", "ok", "bilkul", "sahi hai",
)
NO_ANSWERS: tuple[str, ...] = (
    "nahi", "nahi nahi", "mat karo", "nahi rehne do", "no", "ruko", "cancel", "cancel karo", "galat hai",
)
YES_NO_ANSWERS: tuple[str, ...] = YES_ANSWERS + NO_ANSWERS


def command_templates() -> list[str]:
    """Our templates plus the understanding package's phrases when it offers them."""
    templates = list(TEMPLATES) + [a for a in YES_NO_ANSWERS if a not in TEMPLATES]
    try:
        from bot.understanding.vocabulary import command_phrases  # type: ignore[import-not-found]

        # Multi-word phrases only: every single spelling variant the parser tolerates
        # ("aaaj", "addres") would only give the recogniser more ways to be wrong
        # (measured: 1707-word model 21.9% WER vs 19.6% with phrases only).
        templates += [p for p in command_phrases() if " " in p and p not in templates]
    except ImportError:
        pass
    except Exception as exc:  # their data failing must not take recognition down
        log.warning("command_phrases() failed, using built-in templates: %s", exc)
    return templates
