"""Amounts in words the Indian way (lakh, crore) and Indian digit grouping."""

from __future__ import annotations

import pytest

from business.documents.words import amount_in_words, inr, number_in_words, rate_text


@pytest.mark.parametrize(("paise", "words"), [
    (1_23_45_678_50, "Rupees One Crore Twenty Three Lakh Forty Five Thousand Six Hundred Seventy Eight"
                     " and Fifty Paise Only"),
    (13600, "Rupees One Hundred Thirty Six Only"),
    (0, "Rupees Zero Only"),
    (5, "Five Paise Only"),
    (100, "Rupees One Only"),
    (1_00_000_00, "Rupees One Lakh Only"),
    (1_00_00_000_00, "Rupees One Crore Only"),
    (10_01_011_99, "Rupees Ten Lakh One Thousand Eleven and Ninety Nine Paise Only"),
    (1_05_00_00_000_00, "Rupees One Hundred Five Crore Only"),
    (99_99_999_01, "Rupees Ninety Nine Lakh Ninety Nine Thousand Nine Hundred Ninety Nine and One Paise Only"),
    (-250_00, "Minus Rupees Two Hundred Fifty Only"),
])
def test_amount_in_words(paise: int, words: str) -> None:
    assert amount_in_words(paise) == words


@pytest.mark.parametrize(("n", "words"), [
    (19, "Nineteen"), (20, "Twenty"), (101, "One Hundred One"), (1000, "One Thousand"),
    (12_00_000, "Twelve Lakh"), (20_00_00_005, "Twenty Crore Five"),
])
def test_number_in_words(n: int, words: str) -> None:
    assert number_in_words(n) == words


def test_inr_groups_the_indian_way_with_paise() -> None:
    assert inr(1_23_45_678_50) == "1,23,45,678.50"
    assert inr(100) == "1.00"
    assert inr(-62) == "-0.62"


def test_rate_text() -> None:
    assert [rate_text(x) for x in (0, 250, 500, 1800, 2800, 5)] == ["0%", "2.5%", "5%", "18%", "28%", "0.05%"]
