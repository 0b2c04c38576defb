"""The n-best chosen by meaning (issue 16): a reading that parses into a command about the shop's own
customers and products beats a higher-ranked one that parses into fragments; agreement says how many
top readings would book the same thing."""

from __future__ import annotations

from bot.understanding import parse
from bot.voice.config import ShopVocabulary
from bot.voice.meaning import MeaningChooser

VOCAB = ShopVocabulary.of(["Suresh", "Rahul", "Meena"], ["milk", "bread", "sugar"], product_aliases=["doodh", "chini"])


def test_a_clean_reading_of_a_known_customer_beats_fragments() -> None:
    chooser = MeaningChooser(VOCAB, parse)
    readings = ["two haldi pachaas upi dhaai kilo", "suresh do haldi pachaas", "suresh ne do sau pachaas upi diye"]
    choice = chooser.choose(readings)
    assert choice.text == "suresh ne do sau pachaas upi diye" and choice.rank == 2
    assert choice.agreement < 1.0  # the other readings would not book that payment


def test_a_clean_best_path_is_kept_and_agreement_counts_same_bookings() -> None:
    chooser = MeaningChooser(VOCAB, parse)
    readings = ["rahul ka balance batao", "rahul ka balance bata", "rahul ka balance batao na"]
    choice = chooser.choose(readings)
    assert choice.rank == 0 and choice.agreement == 1.0


def test_unknown_names_and_products_score_lower() -> None:
    chooser = MeaningChooser(VOCAB, parse)
    known = chooser.score(parse("meena ko do packet milk"))
    stranger = chooser.score(parse("kamlesh ko do packet paneer"))
    assert known > stranger
    assert chooser.score(parse("asdf qwer")) < stranger
