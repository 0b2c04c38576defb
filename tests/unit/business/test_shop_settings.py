"""One shape for a shop's settings (business.shop_settings): stored spellings read, new shops checked strictly."""

from __future__ import annotations

import json

import pytest

from business.errors import InvalidAmount, ValidationError
from business.shop_settings import ShopSettings, for_new_shop, load, to_stored


def test_load_empty_or_missing_gives_the_defaults():
    for stored in (None, {}, "", "{}"):
        assert load(stored) == ShopSettings()
    d = ShopSettings()
    assert (d.whatsapp_template, d.whatsapp_template_language) == ("payment_reminder", "hi")
    assert not d.allow_negative_stock and not d.allow_dtmf_login


def test_load_reads_todays_keys_from_a_dict_or_json_text():
    stored = {"allow_negative_stock": True, "confirm_limit_paise": 5_000, "reply_language": "hi",
              "whatsapp_template": "due_v2", "whatsapp_template_language": "en", "allow_dtmf_login": True}
    assert load(stored) == ShopSettings(True, 5_000, "hi", "due_v2", "en", True)
    assert load(json.dumps(stored)) == load(stored)


def test_load_ignores_unknown_keys():
    assert load({"colour": "blue", "allow_negative_stock": True}) == ShopSettings(allow_negative_stock=True)


@pytest.mark.parametrize(
    ("stored", "template", "language"),
    [
        ({"whatsapp_template_name": "old_name", "whatsapp_language": "en"}, "old_name", "en"),
        ({"whatsapp": {"template": "nested", "language": "mr"}}, "nested", "mr"),
        ({"whatsapp": {"template_name": "nested2", "template_language": "gu"}}, "nested2", "gu"),
        # today's key wins over the older flat one, which wins over the nested one
        ({"whatsapp_template": "new", "whatsapp_template_name": "old", "whatsapp": {"template": "n"}}, "new", "hi"),
        ({"whatsapp_template_name": "old", "whatsapp": {"template": "n", "language": "ta"}}, "old", "ta"),
        # an empty value falls through to the next spelling, then to the default
        ({"whatsapp_template": "", "whatsapp_template_name": "old"}, "old", "hi"),
        ({"whatsapp_template": None, "whatsapp_template_language": ""}, "payment_reminder", "hi"),
        ({"whatsapp": "not an object"}, "payment_reminder", "hi"),
    ],
)
def test_load_maps_older_whatsapp_spellings(stored: dict[str, object], template: str, language: str):
    s = load(stored)
    assert (s.whatsapp_template, s.whatsapp_template_language) == (template, language)


def test_to_stored_round_trips_with_todays_spelling():
    s = load({"whatsapp_template_name": "old_name", "allow_negative_stock": True})
    stored = to_stored(s)
    assert stored["whatsapp_template"] == "old_name" and "whatsapp_template_name" not in stored
    assert set(stored) == {f for f in ShopSettings.__dataclass_fields__}
    assert load(stored) == s


def test_for_new_shop_defaults_and_overrides():
    assert for_new_shop(None) == ShopSettings()
    assert for_new_shop({}) == ShopSettings()
    s = for_new_shop({"allow_dtmf_login": True, "confirm_limit_paise": 0, "whatsapp_template": "t"})
    assert s == ShopSettings(allow_dtmf_login=True, confirm_limit_paise=0, whatsapp_template="t")


@pytest.mark.parametrize(
    "given",
    [
        {"whatsapp_template_name": "old"},  # older spellings are read, never written
        {"whatsapp": {"template": "x"}},
        {"colour": "blue"},
        {"allow_negative_stock": "yes"},
        {"allow_dtmf_login": 1},
        {"reply_language": ""},
        {"whatsapp_template": 5},
        {"whatsapp_template_language": "  "},
    ],
)
def test_for_new_shop_is_strict(given: dict[str, object]):
    with pytest.raises(ValidationError):
        for_new_shop(given)


@pytest.mark.parametrize("limit", [-1, "2000", 1.5, True])
def test_for_new_shop_checks_the_confirm_limit(limit: object):
    with pytest.raises(InvalidAmount):
        for_new_shop({"confirm_limit_paise": limit})


def test_recognition_language_is_checked() -> None:
    assert for_new_shop(None).recognition_language == ""
    assert for_new_shop({"recognition_language": "multi"}).recognition_language == "multi"
    with pytest.raises(ValidationError):
        for_new_shop({"recognition_language": "klingon"})
