import base64
import json

from twilio.request_validator import RequestValidator

from telephony.simulated_caller import protocol as tw

TOKEN = "test-twilio-token"


def test_signature_validates_with_twilios_validator() -> None:
    form = tw.voice_webhook_form("CA1", "AC1", "+919800000001", "+14155550100")
    url = "https://execora.test/twilio/voice"
    sig = tw.sign_webhook(url, form, TOKEN)
    assert RequestValidator(TOKEN).validate(url, form, sig)
    assert not RequestValidator("other-token").validate(url, form, sig)
    assert not RequestValidator(TOKEN).validate("https://evil.test/twilio/voice", form, sig)


def test_parse_twiml_connect_stream_with_parameters() -> None:
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><Response><Connect>'
        '<Stream url="wss://execora.test/twilio/stream/abc"><Parameter name="shop" value="7"/>'
        '<Parameter name="lang" value="hi"/></Stream></Connect></Response>'
    )
    answer = tw.parse_twiml(xml)
    assert answer.connects
    assert answer.stream_url == "wss://execora.test/twilio/stream/abc"
    assert answer.parameters == {"shop": "7", "lang": "hi"}


def test_parse_twiml_refusal() -> None:
    answer = tw.parse_twiml("<Response><Say>Sorry</Say><Hangup/></Response>")
    assert not answer.connects
    assert answer.says == ("Sorry",)
    assert answer.hangs_up


def test_rewrite_stream_url_points_at_the_real_server() -> None:
    assert (
        tw.rewrite_stream_url("wss://execora.test/twilio/stream/t1", "http://127.0.0.1:3000")
        == "ws://127.0.0.1:3000/twilio/stream/t1"
    )
    assert tw.rewrite_stream_url("wss://a/x", "https://b.example") == "wss://b.example/x"


def test_frames_are_160_bytes_padded_with_mulaw_silence() -> None:
    frames = tw.frames_20ms(b"\x01" * 400)
    assert [len(f) for f in frames] == [160, 160, 160]
    assert frames[-1].endswith(b"\xff" * 80)
    assert tw.frames_20ms(b"") == []


def test_start_message_shape() -> None:
    msg = json.loads(tw.start_message("MZ1", "CA1", "AC1", {"k": "v"}))
    assert msg["event"] == "start"
    assert msg["start"]["callSid"] == "CA1"
    assert msg["start"]["streamSid"] == "MZ1"
    assert msg["start"]["customParameters"] == {"k": "v"}
    assert msg["start"]["mediaFormat"] == {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}


def test_media_message_shape_and_payload() -> None:
    msg = json.loads(tw.media_message("MZ1", 5, 4, 60, b"\x00\x01"))
    assert msg["event"] == "media" and msg["sequenceNumber"] == "5"
    assert msg["media"]["timestamp"] == "60" and msg["media"]["chunk"] == "4"
    assert base64.b64decode(msg["media"]["payload"]) == b"\x00\x01"
    assert tw.decode_media_payload(msg) == b"\x00\x01"


def test_decode_media_payload_tolerates_garbage() -> None:
    assert tw.decode_media_payload({"media": "x"}) == b""
    assert tw.decode_media_payload({}) == b""
    assert tw.decode_media_payload({"media": {"payload": 5}}) == b""


def test_dtmf_mark_stop_messages() -> None:
    assert json.loads(tw.dtmf_message("MZ1", 2, "5"))["dtmf"] == {"track": "inbound_track", "digit": "5"}
    assert json.loads(tw.mark_message("MZ1", 3, "m1"))["mark"] == {"name": "m1"}
    stop = json.loads(tw.stop_message("MZ1", 4, "CA1", "AC1"))
    assert stop["event"] == "stop" and stop["stop"]["callSid"] == "CA1"


def test_sids_look_like_twilios() -> None:
    assert tw.new_call_sid().startswith("CA") and len(tw.new_call_sid()) == 34
    assert tw.new_stream_sid().startswith("MZ")
