"""Pure pieces of the call path: stream tokens, the Media Streams handshake, TwiML,
signatures, yes/no words, match strength, entity conversion."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from bot.call.matching import customer_choice, is_strong_match
from bot.voice.expect import classify, classify_digit
from business.models import Customer
from business.shoptime import IST
from telephony import stream_tokens as tokens
from telephony.simulated_caller import protocol as tw
from telephony.twilio import twiml
from telephony.twilio.handshake import HandshakeError, read_start
from telephony.twilio.signature import is_valid_signature, public_url


def test_token_is_bound_to_its_call_sid_and_secret() -> None:
    token = tokens.mint("secret", "CA1")
    assert tokens.looks_valid(token)
    assert tokens.matches("secret", token, "CA1")
    assert not tokens.matches("secret", token, "CA2")
    assert not tokens.matches("other", token, "CA1")
    nonce, mac = token.split(".")
    assert not tokens.matches("secret", f"{nonce}.{'A' * len(mac)}", "CA1")
    assert not tokens.looks_valid("../../etc/passwd")
    assert len(tokens.token_hash(token)) == 64 and token not in tokens.token_hash(token)
    with pytest.raises(ValueError):
        tokens.mint("", "CA1")


def test_signature_check_uses_the_public_url() -> None:
    params = {"CallSid": "CA1", "From": "+919800000001"}
    url = public_url("https://execora.test/", "/twilio/voice")
    assert url == "https://execora.test/twilio/voice"
    sig = tw.sign_webhook(url, params, "tok")
    assert is_valid_signature("tok", url, params, sig)
    assert not is_valid_signature("tok", "http://10.0.0.5/twilio/voice", params, sig)
    assert not is_valid_signature("tok", url, {**params, "From": "+910000000000"}, sig)
    assert not is_valid_signature("tok", url, params, None)
    assert not is_valid_signature("", url, params, sig)


def test_twiml_connects_a_bidirectional_stream_with_parameters() -> None:
    xml = twiml.connect_stream("wss://h/twilio/stream/T.x", {"callSid": "CA1"})
    answer = tw.parse_twiml(xml)
    assert answer.stream_url == "wss://h/twilio/stream/T.x" and answer.parameters == {"callSid": "CA1"}
    assert "<Start>" not in xml
    refusal = tw.parse_twiml(twiml.refuse("Sorry"))
    assert refusal.says == ("Sorry",) and refusal.hangs_up and refusal.stream_url is None


class _Feed:
    def __init__(self, *messages: str) -> None:
        self._messages = list(messages)

    async def receive_text(self) -> str:
        if not self._messages:
            import asyncio

            await asyncio.sleep(10)
        return self._messages.pop(0)


async def test_handshake_reads_connected_then_start() -> None:
    start = await read_start(_Feed(tw.connected_message(), tw.start_message("MZ1", "CA1", "AC1", {"a": "b"})))
    assert (start.stream_sid, start.call_sid, start.custom_parameters) == ("MZ1", "CA1", {"a": "b"})


@pytest.mark.parametrize(
    "messages",
    [
        ["not json"],
        [json.dumps({"event": "media", "media": {"payload": ""}})],
        [json.dumps({"event": "start", "start": {"streamSid": "MZ1"}})],
        ["x" * 20_000],
        [json.dumps([1])],
        [tw.connected_message()] * 5,
    ],
)
async def test_handshake_refuses_anything_else(messages: list[str]) -> None:
    with pytest.raises(HandshakeError):
        await read_start(_Feed(*messages), timeout_s=0.5)


async def test_handshake_times_out() -> None:
    with pytest.raises(HandshakeError):
        await read_start(_Feed(), timeout_s=0.1)


@pytest.mark.parametrize(
    ("text", "answer"),
    [("haan", "yes"), ("haan ji kar do", "yes"), ("pakka", "yes"), ("nahi", "no"), ("nahi mat karo", "no"),
     ("no", "no"), ("1", "yes"), ("2", "no"), ("Suresh ka balance batao", None), ("haan nahi", None)],
)
def test_spoken_yes_no(text: str, answer: str | None) -> None:
    assert classify(text) == answer


def test_dtmf_yes_no() -> None:
    assert (classify_digit("1"), classify_digit("2"), classify_digit("5")) == ("yes", "no", None)


def _customer(cid: int, name: str, landmark: str = "", nicknames: tuple[str, ...] = ()) -> Customer:
    return Customer(cid, 1, name, None, nicknames, landmark, name.lower(), "", False, 0, datetime.now(IST))


def test_match_strength() -> None:
    rahul = _customer(1, "Rahul Sharma", nicknames=("Pappu",))
    assert is_strong_match("Rahul", rahul)
    assert is_strong_match("rahul sharma ji", rahul)
    assert is_strong_match("pappu", rahul)
    assert not is_strong_match("Rohit", rahul)
    assert not is_strong_match("", rahul)


def test_choosing_between_customers() -> None:
    a, b = _customer(1, "Rahul", "Gandhi chowk"), _customer(2, "Rahul", "station road")
    assert customer_choice("station road wale", [a, b]) is b
    assert customer_choice("gandhi chowk wale rahul", [a, b]) is a
    assert customer_choice("pehle wale", [a, b]) is a
    assert customer_choice("doosre", [a, b]) is b
    assert customer_choice("Suresh ka balance", [a, b]) is None


def test_one_sound_off_is_not_a_strong_match() -> None:
    suresh = _customer(1, "Suresh")
    assert not is_strong_match("Sures", suresh)
    assert not is_strong_match("Naresh", suresh)
    assert is_strong_match("suresh ji", suresh)
    assert is_strong_match("Raahul", _customer(2, "Rahul"))
