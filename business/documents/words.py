"""Amounts in words the Indian way (lakh, crore) and figures in Indian grouping.

`amount_in_words(12345678_50)` ->
"Rupees One Crore Twenty Three Lakh Forty Five Thousand Six Hundred Seventy Eight and Fifty Paise Only",
as Indian invoices print the total.
"""

from __future__ import annotations

from business.money import format_rupees

_ONES = (
    "Zero One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Thirteen Fourteen Fifteen "
    "Sixteen Seventeen Eighteen Nineteen"
).split()
_TENS = "_ _ Twenty Thirty Forty Fifty Sixty Seventy Eighty Ninety".split()


def _below_hundred(n: int) -> list[str]:
    if n < 20:
        return [_ONES[n]]
    tens, ones = divmod(n, 10)
    return [_TENS[tens]] + ([_ONES[ones]] if ones else [])


def _below_thousand(n: int) -> list[str]:
    hundreds, rest = divmod(n, 100)
    out = [_ONES[hundreds], "Hundred"] if hundreds else []
    return out + (_below_hundred(rest) if rest else [])


def number_in_words(n: int) -> str:
    """A whole number in Indian-system words: 1,23,45,678 -> 'One Crore Twenty Three Lakh ...'.

    Above 99 crore the crore count is itself spelt out ('One Hundred Twenty Three Crore')."""
    if n < 0:
        return "Minus " + number_in_words(-n)
    if n == 0:
        return "Zero"
    crore, rest = divmod(n, 10_000_000)
    lakh, rest = divmod(rest, 100_000)
    thousand, rest = divmod(rest, 1000)
    words: list[str] = []
    if crore:
        words += [number_in_words(crore), "Crore"]
    if lakh:
        words += _below_hundred(lakh) + ["Lakh"]
    if thousand:
        words += _below_hundred(thousand) + ["Thousand"]
    if rest:
        words += _below_thousand(rest)
    return " ".join(words)


def amount_in_words(paise: int) -> str:
    """Paise -> 'Rupees ... and ... Paise Only' ('Rupees Five Hundred Only' without paise)."""
    if paise < 0:
        return "Minus " + amount_in_words(-paise)
    rupees, rest = divmod(paise, 100)
    if rupees == 0 and rest:
        return f"{number_in_words(rest)} Paise Only"
    text = f"Rupees {number_in_words(rupees)}"
    if rest:
        text += f" and {number_in_words(rest)} Paise"
    return text + " Only"


def inr(paise: int) -> str:
    """Paise -> '1,23,45,678.50' (always two decimals, no symbol: the core PDF fonts have no rupee sign)."""
    return format_rupees(paise, symbol="", always_paise=True)


def rate_text(rate_bp: int) -> str:
    """Basis points -> '5%', '2.5%', '0%'."""
    whole, rest = divmod(rate_bp, 100)
    return f"{whole}%" if not rest else f"{whole}.{rest:02d}".rstrip("0") + "%"
