"""Pure pieces of the WhatsApp way in: which replies dispute an entry, how Meta's inbound
message shapes parse, and the free-form reply payloads."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from business.disputes import is_dispute_payload, is_dispute_text, when_word
from telephony.whatsapp.inbound import AUDIO, BUTTON, OTHER, TEXT, parse_messages
from telephony.whatsapp.text_messages import TextMessage


@pytest.mark.parametrize("text", ["galat", "Galat hai", "wrong", "WRONG!", "ye mera nahi", "yeh entry galat hai",
                                  "गलत है", "not mine"])
def test_short_replies_that_dispute(text: str) -> None:
    assert is_dispute_text(text)


@pytest.mark.parametrize("text", ["", "ok", "thanks", "galat nahi hai, theek hai bhai sab", "haan sahi hai",
                                  "kal payment karunga"])
def test_replies_that_do_not(text: str) -> None:
    assert not is_dispute_text(text)


def test_payload_and_day_words() -> None:
    assert is_dispute_payload("DISPUTE") and not is_dispute_payload("confirm_yes")
    today = date(2026, 3, 14)
    assert when_word(datetime(2026, 3, 13, 18, 0, tzinfo=UTC), today) == "kal"  # 23:30 IST on the 13th
    assert when_word(datetime(2026, 3, 13, 19, 0, tzinfo=UTC), today) == "aaj"  # 00:30 IST on the 14th
    assert when_word(datetime(2026, 3, 1, 6, 0, tzinfo=UTC), today) == "1 March"


def _body(*messages: dict) -> dict:
    return {"entry": [{"changes": [{"value": {"messages": list(messages)}}]}]}


def test_parses_text_button_interactive_audio_and_skips_junk() -> None:
    got = parse_messages(_body(
        {"from": "919800000001", "id": "w1", "type": "text", "text": {"body": "galat"}, "context": {"id": "n1"}},
        {"from": "919800000001", "id": "w2", "type": "button", "button": {"payload": "DISPUTE", "text": "Galat hai"}},
        {"from": "919800000001", "id": "w3", "type": "interactive",
         "interactive": {"type": "button_reply", "button_reply": {"id": "confirm_yes", "title": "Haan"}}},
        {"from": "919800000001", "id": "w4", "type": "audio", "audio": {"id": "m1", "mime_type": "audio/ogg"}},
        {"from": "919800000001", "id": "w5", "type": "sticker", "sticker": {}},
        {"id": "no-sender", "type": "text"}, "junk",
    ))
    assert [(m.message_id, m.kind) for m in got] == [("w1", TEXT), ("w2", BUTTON), ("w3", BUTTON), ("w4", AUDIO),
                                                      ("w5", OTHER)]
    assert got[0].context_id == "n1" and got[0].e164 == "+919800000001"
    assert got[1].payload == "DISPUTE" and got[2].payload == "confirm_yes" and got[3].media_id == "m1"
    assert parse_messages({"entry": "x"}) == [] and parse_messages(None) == []


def test_reply_payloads() -> None:
    text = TextMessage(to="919800000001", body="Payment likh diya").payload()
    assert text["type"] == "text" and text["text"]["body"] == "Payment likh diya"
    ask = TextMessage(to="919800000001", body="Pakka karoon?", confirm_buttons=True).payload()
    assert [b["reply"]["title"] for b in ask["interactive"]["action"]["buttons"]] == ["Haan", "Nahi"]
