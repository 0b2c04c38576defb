"""Numbers, money and quantities written for the ear, in one place.

Hinglish (Roman), Hindi (Devanagari, for Hindi TTS voices) and Indian
English: 150000 paise -> "pandrah sau rupaye"? No: we say "ek hazaar paanch
sau rupaye", except the shop forms people actually use: dedh/dhai sau,
dedh/dhai hazaar, dedh/dhai lakh. 1.5 kg -> "dedh kilo", 0.25 -> "paav kilo".
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

LANGS = ("hinglish", "hi", "en")

_HINGLISH = (
    "shunya ek do teen chaar paanch chhe saat aath nau das gyaarah baarah terah chaudah pandrah solah satrah "
    "athaarah unnees bees ikkees baaees teis chaubees pachchees chhabbees sattaaees atthaaees untees tees "
    "ikattees battees taintees chauntees paintees chhattees saintees adtees untaalees chaalees iktaalees "
    "bayaalees taintaalees chavaalees paintaalees chhiyaalees saintaalees adtaalees unchaas pachaas ikyaavan "
    "baavan tirpan chauvan pachpan chhappan sattaavan atthaavan unsath saath iksath baasath tirsath chaunsath "
    "painsath chhiyaasath sadsath adsath unhattar sattar ikhattar bahattar tihattar chauhattar pachhattar "
    "chhihattar sathattar athhattar unaasi assi ikyaasi bayaasi tiraasi chauraasi pachaasi chhiyaasi sattaasi "
    "athaasi navaasi nabbe ikyaanave baanave tiraanave chauraanave pachaanave chhiyaanave sattaanave "
    "atthaanave ninyaanave"
).split()
_HINDI = (
    "शून्य एक दो तीन चार पाँच छह सात आठ नौ दस ग्यारह बारह तेरह चौदह पंद्रह सोलह सत्रह अठारह उन्नीस बीस "
    "इक्कीस बाईस तेईस चौबीस पच्चीस छब्बीस सत्ताईस अट्ठाईस उनतीस तीस इकतीस बत्तीस तैंतीस चौंतीस पैंतीस "
    "छत्तीस सैंतीस अड़तीस उनतालीस चालीस इकतालीस बयालीस तैंतालीस चवालीस पैंतालीस छियालीस सैंतालीस "
    "अड़तालीस उनचास पचास इक्यावन बावन तिरपन चौवन पचपन छप्पन सत्तावन अट्ठावन उनसठ साठ इकसठ बासठ तिरसठ "
    "चौंसठ पैंसठ छियासठ सड़सठ अड़सठ उनहत्तर सत्तर इकहत्तर बहत्तर तिहत्तर चौहत्तर पचहत्तर छिहत्तर "
    "सतहत्तर अठहत्तर उन्यासी अस्सी इक्यासी बयासी तिरासी चौरासी पचासी छियासी सत्तासी अट्ठासी नवासी "
    "नब्बे इक्यानवे बानवे तिरानवे चौरानवे पचानवे छियानवे सत्तानवे अट्ठानवे निन्यानवे"
).split()
_EN_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_EN_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()

_SCALES = {
    "hinglish": [(10_000_000, "crore"), (100_000, "lakh"), (1000, "hazaar"), (100, "sau")],
    "hi": [(10_000_000, "करोड़"), (100_000, "लाख"), (1000, "हज़ार"), (100, "सौ")],
    "en": [(10_000_000, "crore"), (100_000, "lakh"), (1000, "thousand"), (100, "hundred")],
}
_FRACTION_WORDS = {
    "hinglish": {"dedh": "dedh", "dhai": "dhai", "aadha": "aadha", "paav": "paav", "sawa": "sawa", "saadhe": "saadhe", "paune": "paune"},
    "hi": {"dedh": "डेढ़", "dhai": "ढाई", "aadha": "आधा", "paav": "पाव", "sawa": "सवा", "saadhe": "साढ़े", "paune": "पौने"},
}
_CURRENCY = {"hinglish": ("rupaya", "rupaye", "paise"), "hi": ("रुपया", "रुपये", "पैसे"), "en": ("rupee", "rupees", "paise")}
_AND = {"hinglish": "aur", "hi": "और", "en": "and"}
_UNITS = {
    "hinglish": {"kg": "kilo", "g": "gram", "litre": "litre", "ml": "ml", "packet": "packet", "piece": "piece",
                 "dozen": "darjan", "bottle": "botal", "bag": "bori", "case": "peti", "crate": "crate"},
    "hi": {"kg": "किलो", "g": "ग्राम", "litre": "लीटर", "ml": "एमएल", "packet": "पैकेट", "piece": "पीस",
           "dozen": "दर्जन", "bottle": "बोतल", "bag": "बोरी", "case": "पेटी", "crate": "क्रेट"},
    "en": {"kg": "kilo", "g": "gram", "litre": "litre", "ml": "ml", "packet": "packet", "piece": "piece",
           "dozen": "dozen", "bottle": "bottle", "bag": "bag", "case": "case", "crate": "crate"},
}


def lang_of(language: str | None) -> str:
    """Map any language tag to one of hinglish / hi / en (default hinglish)."""
    tag = (language or "").lower()
    if tag in LANGS:
        return tag
    if tag.startswith("en"):
        return "en"
    if tag.startswith("hi") and tag != "hinglish":
        return "hi"
    return "hinglish"


def _below_100(n: int, lang: str) -> str:
    if lang == "hinglish":
        return _HINGLISH[n]
    if lang == "hi":
        return _HINDI[n]
    if n < 20:
        return _EN_UNITS[n]
    tens, unit = divmod(n, 10)
    return _EN_TENS[tens] + (f"-{_EN_UNITS[unit]}" if unit else "")


def number_words(n: int, language: str = "hinglish") -> str:
    """An integer in words, Indian scales (lakh, crore)."""
    lang = lang_of(language)
    if n < 0:
        return ("minus " if lang != "hi" else "माइनस ") + number_words(-n, lang)
    if n < 100:
        return _below_100(n, lang)
    if lang != "en":
        fw = _FRACTION_WORDS[lang]
        for scale, word in _SCALES[lang]:
            if n == scale * 3 // 2:
                return f"{fw['dedh']} {word}"
            if n == scale * 5 // 2:
                return f"{fw['dhai']} {word}"
    parts: list[str] = []
    rest = n
    for scale, word in _SCALES[lang]:
        if rest >= scale:
            count, rest = divmod(rest, scale)
            parts.append(f"{number_words(count, lang)} {word}")
    if rest:
        if lang == "en" and parts:
            parts.append("and")
        parts.append(_below_100(rest, lang))
    return " ".join(parts)


def money(paise: int, language: str = "hinglish") -> str:
    """Integer paise -> spoken rupees: 50000 -> "paanch sau rupaye", 150 -> "ek rupaya aur pachaas paise"."""
    lang = lang_of(language)
    paise = int(paise)
    sign = ""
    if paise < 0:
        sign = {"hinglish": "minus ", "hi": "माइनस ", "en": "minus "}[lang]
        paise = -paise
    rupees, p = divmod(paise, 100)
    one, many, paise_word = _CURRENCY[lang]
    parts = []
    if rupees or not p:
        parts.append(f"{number_words(rupees, lang)} {one if rupees == 1 else many}")
    if p:
        if parts:
            parts.append(_AND[lang])
        parts.append(f"{number_words(p, lang)} {paise_word}")
    return sign + " ".join(parts)


def rupees(amount: float | int, language: str = "hinglish") -> str:
    """Rupees (as parsed from speech) -> spoken money."""
    return money(round(float(amount) * 100), language)


def _fraction_phrase(q: float, lang: str) -> str | None:
    """Shop fractions: 0.25 paav, 0.5 aadha, 1.25 sawa, 1.5 dedh, 1.75 paune do, 2.5 dhai, 3.5 saadhe teen."""
    whole = int(q)
    frac = round(q - whole, 3)
    if frac == 0:
        return None
    if lang == "en":
        names = {0.25: "a quarter", 0.5: "a half", 0.75: "three quarters"}
        if frac not in names:
            return None
        if whole == 0:
            return {0.25: "a quarter", 0.5: "half a", 0.75: "three quarters of a"}[frac]
        return f"{number_words(whole, 'en')} and {names[frac]}"
    fw = _FRACTION_WORDS[lang]
    if q == 0.25:
        return fw["paav"]
    if q == 0.5:
        return fw["aadha"]
    if q == 1.5:
        return fw["dedh"]
    if q == 2.5:
        return fw["dhai"]
    if q == 1.25:
        return fw["sawa"]
    if frac == 0.25:
        return f"{fw['sawa']} {number_words(whole, lang)}" if whole else None
    if frac == 0.5:
        return f"{fw['saadhe']} {number_words(whole, lang)}"
    if frac == 0.75:
        return f"{fw['paune']} {number_words(whole + 1, lang)}"
    return None


def quantity(q: float | int | None, unit: str | None = None, language: str = "hinglish") -> str:
    """1.5, "kg" -> "dedh kilo"; 2, "packet" -> "do packet"; 0.5, "kg" (en) -> "half a kilo"."""
    lang = lang_of(language)
    unit_word = _UNITS[lang].get(unit or "", unit or "")
    if q is None:
        return unit_word
    qf = float(q)
    spoken = _fraction_phrase(qf, lang)
    if spoken is None:
        if qf.is_integer():
            spoken = number_words(int(qf), lang)
        else:
            spoken = f"{qf:g}"
    if lang == "en" and unit_word and qf > 1 and unit_word not in {"dozen", "ml"}:
        unit_word += "s"
    return f"{spoken} {unit_word}".strip()


def join_list(parts: list[str], language: str = "hinglish", last: str | None = None) -> str:
    """"a, b aur c" / "a, b और c" / "a, b and c" (or "ya"/"or" with last=)."""
    lang = lang_of(language)
    word = last or _AND[lang]
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + f" {word} " + parts[-1]


def items(entries: list[dict], language: str = "hinglish") -> str:
    """Bill lines read back: "do packet doodh aur ek double roti"."""
    lang = lang_of(language)
    spoken = []
    for it in entries:
        product = str(it.get("product") or it.get("name") or "")
        if it.get("quantity") is None and it.get("amount") is not None:
            joiner = {"hinglish": "ka", "hi": "का", "en": "of"}[lang]
            spoken.append(f"{rupees(it['amount'], lang)} {joiner} {product}")
        else:
            spoken.append(f"{quantity(it.get('quantity'), it.get('unit'), lang)} {product}".strip())
    return join_list(spoken, lang)


_PARTS = {
    "hinglish": [(5, "raat"), (12, "subah"), (16, "dopahar"), (20, "shaam"), (24, "raat")],
    "hi": [(5, "रात"), (12, "सुबह"), (16, "दोपहर"), (20, "शाम"), (24, "रात")],
}
_DAY_WORDS = {"hinglish": {0: "aaj", 1: "kal", 2: "parson"}, "hi": {0: "आज", 1: "कल", 2: "परसों"}, "en": {0: "today", 1: "tomorrow", 2: "day after tomorrow"}}
_MONTHS_EN = "January February March April May June July August September October November December".split()
_MONTHS_HI = "जनवरी फ़रवरी मार्च अप्रैल मई जून जुलाई अगस्त सितंबर अक्टूबर नवंबर दिसंबर".split()


def moment(at: datetime | str, language: str = "hinglish", now: datetime | str | None = None, tz: str = "Asia/Kolkata") -> str:
    """A due time for the ear: "kal shaam saat baje", "25 November, subah das baje", "tomorrow at 7 pm"."""
    lang = lang_of(language)
    zone = ZoneInfo(tz)
    at_dt = datetime.fromisoformat(at) if isinstance(at, str) else at
    now_dt = datetime.fromisoformat(now) if isinstance(now, str) else (now or datetime.now(zone))
    at_local = at_dt.astimezone(zone)
    delta = (at_local.date() - now_dt.astimezone(zone).date()).days
    if delta in _DAY_WORDS[lang]:
        day = _DAY_WORDS[lang][delta]
    elif lang == "hi":
        day = f"{number_words(at_local.day, 'hi')} {_MONTHS_HI[at_local.month - 1]}"
    else:
        day = f"{at_local.day} {_MONTHS_EN[at_local.month - 1]}"
    h, m = at_local.hour, at_local.minute
    if lang == "en":
        h12 = h % 12 or 12
        clock = f"{h12}" + (f":{m:02d}" if m else "") + (" am" if h < 12 else " pm")
        return f"{day} at {clock}"
    part = next(word for limit, word in _PARTS[lang] if h < limit)
    h12 = h % 12 or 12
    baje = "baje" if lang == "hinglish" else "बजे"
    if m == 0:
        clock = f"{number_words(h12, lang)} {baje}"
    elif m == 30:
        clock = f"{_FRACTION_WORDS[lang]['saadhe']} {number_words(h12, lang)} {baje}" if h12 > 2 else f"{number_words(h12, lang)} {number_words(30, lang)} {baje}"
    elif m == 15:
        clock = f"{_FRACTION_WORDS[lang]['sawa']} {number_words(h12, lang)} {baje}"
    elif m == 45:
        clock = f"{_FRACTION_WORDS[lang]['paune']} {number_words(h12 % 12 + 1, lang)} {baje}"
    else:
        clock = f"{number_words(h12, lang)} {baje} {number_words(m, lang)} {'minute' if lang == 'hinglish' else 'मिनट'}"
    return f"{day} {part} {clock}"
