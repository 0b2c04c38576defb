from bot.voice.phonetics import ARPABET, hindi_rule_variants, ipa_to_arpabet


def test_ipa_to_arpabet_english() -> None:
    assert ipa_to_arpabet("bˈæləns") == ["B", "AE", "L", "AH", "N", "S"]
    assert ipa_to_arpabet("ʃˈɑːɹmə") == ["SH", "AA", "R", "M", "AH"]
    assert ipa_to_arpabet("tʃˈiːz") == ["CH", "IY", "Z"]


def test_ipa_to_arpabet_hindi_taps_and_retroflexes() -> None:
    assert ipa_to_arpabet("ɾˈaːhʊl", hindi=True) == ["R", "AA", "HH", "UH", "L"]
    assert ipa_to_arpabet("ʈʰʌɖ", hindi=True) == ["T", "AH", "D"]


def test_ipa_to_arpabet_ignores_unknown_symbols() -> None:
    assert all(p in ARPABET for p in ipa_to_arpabet("ʔ‿ə̃ŋ˞"))


def test_rule_variants_for_romanised_hindi() -> None:
    variants = hindi_rule_variants("sharma")
    assert ["SH", "AH", "R", "M", "AA"] in variants
    assert ["D", "UW", "D"] in hindi_rule_variants("doodh")
    assert ["B", "AA", "K", "IY"] in hindi_rule_variants("baaki")
    assert hindi_rule_variants("") == []


def test_rule_variants_are_capped_and_distinct() -> None:
    variants = hindi_rule_variants("vaishnavi", limit=3)
    assert 1 <= len(variants) <= 3
    assert len({tuple(v) for v in variants}) == len(variants)
    assert all(p in ARPABET for v in variants for p in v)
