"""Which way money moves, from the words of one reading, and when the top readings disagree."""

import pytest

from bot.voice.direction import PAYMENT, UDHAAR, UNCLEAR, directions_disagree, money_direction


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("Suresh ne do sau rupaye cash diye", PAYMENT),
        ("Mohan ne do sau jama kiye", PAYMENT),
        ("Vikas ne teen sau PhonePe kiye", PAYMENT),
        ("Suresh ne do sau diye", PAYMENT),  # "ne ... diye": Suresh gave
        ("Rahul do sau de gaya", PAYMENT),
        ("सुरेश ने दो सौ दिए", PAYMENT),
        ("Meena ke khate mein pachaas likh do", UDHAAR),
        ("Suresh ke do sau udhaar", UDHAAR),
        ("Suresh ko do sau diye", UDHAAR),  # "ko ... diye": given to Suresh
        ("Suresh ne do sau liye", UDHAAR),
        ("Rahul do sau le gaya", UDHAAR),
        ("सुरेश के खाते में दो सौ उधार", UDHAAR),
        ("Suresh ne do sau rupaye khate mein diye", UDHAAR),  # the plain word decides over the verb
        ("Suresh ke khate mein do sau jama", UNCLEAR),
        ("Rahul ka balance batao", None),
        ("do kilo cheeni Suresh ke liye", None),  # "ke liye" is "for", not "took"
        ("", None),
    ],
)
def test_money_direction(text: str, direction: str | None) -> None:
    assert money_direction(text) == direction


def test_cash_heard_as_khate_in_a_close_reading_is_a_disagreement() -> None:
    best = "suresh ne do sau rupaye cash diye"
    assert directions_disagree(best, [best, "suresh ne do sau rupaye khate diye"])
    assert directions_disagree("suresh ne do sau diye", ["suresh ko do sau diye"])
    assert directions_disagree("suresh ke khate mein do sau", ["suresh ne do sau jama kiye"])


def test_readings_that_agree_or_say_nothing_about_direction_do_not_disagree() -> None:
    best = "mohan ne do sau jama kiye"
    assert not directions_disagree(best, [best, "mohan ne gupta jama kiye", "mohan ne do sau"])
    # An alternative that only adds a word the other way beside the same plain word is no contradiction.
    assert not directions_disagree("rahul ne do sau rupaye cash diye", ["rahul likh do sau rupaye cash diye"])
    # Nothing to book in a direction: nothing to doubt.
    assert not directions_disagree("rahul ka balance batao", ["rahul ka udhaar batao"])
    assert not directions_disagree("suresh ne do sau diye", [])


def test_a_reading_whose_own_words_point_both_ways_is_doubted() -> None:
    assert directions_disagree("suresh ke khate mein do sau jama", [])
