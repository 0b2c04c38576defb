import pytest

from business.matching import Target, decide, devanagari_to_roman, phonetic, score, similarity, words


def target(name: str, nicks: tuple[str, ...] = (), landmark: str = "", phone: str = "") -> Target:
    variants = [("name", words(name))] + [("nickname", words(n)) for n in nicks]
    return Target(tuple(variants), words(landmark), phone)


@pytest.mark.parametrize(("a", "b"), [("rahul", "raahul"), ("sharma", "sarma"), ("meena", "mina"),
                                      ("doodh", "dudh"), ("cheeni", "chini"), ("vikas", "bikas")])
def test_sound_alikes_share_a_key(a: str, b: str) -> None:
    assert phonetic(a) == phonetic(b)
    assert similarity(a, b) >= 95


def test_devanagari_transliteration() -> None:
    assert devanagari_to_roman("राहुल") == "rahul"
    assert devanagari_to_roman("शर्मा जी") == "sharma ji"
    assert words("गुप्ता") == ("gupta",)


def test_landmark_words_pick_the_right_namesake() -> None:
    a = target("Rahul Verma", landmark="Station Road")
    b = target("Rahul Singh", landmark="Gandhi Nagar")
    assert score("Rahul", a).score == score("Rahul", b).score
    s1, s2 = score("station road wale Rahul", a), score("station road wale Rahul", b)
    assert s1.score >= 90 and s1.score - s2.score > 20
    assert "landmark" in s1.matched_on


def test_phone_digits_match() -> None:
    t = target("Meena", phone="919811100006")
    assert score("0006", t).score == 100
    assert score("98111 00006", t).matched_on == "phone"


def test_decide() -> None:
    assert decide([95, 40]).chosen == 0
    assert decide([100, 92.5]).ambiguous  # within the 10-point gap: ask
    amb = decide([92.5, 92.5, 30])
    assert amb.chosen is None and amb.ambiguous and set(amb.candidates) == {0, 1}
    weak = decide([75])
    assert weak.ambiguous and weak.chosen is None  # confirm, never guess
    none = decide([65, 20])
    assert not none.ambiguous and none.chosen is None and none.candidates == (0,)
    assert decide([]).chosen is None


def test_the_only_verbatim_match_wins_but_two_verbatim_stay_ambiguous() -> None:
    ajay, sanjay = target("Ajay Shah"), target("Sanjay Shah")
    a, s = score("Ajay Shah", ajay), score("Ajay Shah", sanjay)
    assert a.exact and not s.exact and a.score - s.score < 10
    assert decide([a.score, s.score], exact=[a.exact, s.exact]).chosen == 0
    r1, r2 = target("Rahul Verma", nicks=("Rahul bhai",)), target("Rahul Singh")
    x, y = score("Rahul", r1), score("Rahul", r2)
    assert x.exact and y.exact
    assert decide([x.score, y.score], exact=[x.exact, y.exact]).ambiguous
