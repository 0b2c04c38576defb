import numpy as np

from bot.voice.audio import mulaw_decode, rms
from telephony.simulated_caller import CallerOptions, SimulatedCaller, Turn
from telephony.simulated_caller.caller import trim_silence


def test_trim_silence_keeps_the_sound_and_a_soft_onset() -> None:
    x = np.concatenate([np.zeros(800), 5000 * np.ones(1600), np.zeros(800)]).astype(np.int16)
    assert len(trim_silence(x.tobytes(), lead_samples=0)) == 2 * 1600
    assert len(trim_silence(x.tobytes(), lead_samples=480)) == 2 * (480 + 1600)
    assert trim_silence(np.zeros(10, dtype=np.int16).tobytes()) == np.zeros(10, dtype=np.int16).tobytes()


def test_speech_frames_are_20ms_mulaw_at_the_chosen_voice_and_speed() -> None:
    caller = SimulatedCaller(CallerOptions(voice="en-us", rate_wpm=150))
    frames = caller.speech_frames("Rahul ka balance batao")
    assert frames and all(len(f) == 160 for f in frames)
    slow = caller.speech_frames("Rahul ka balance batao", rate_wpm=100)
    assert len(slow) > 1.3 * len(frames)
    assert rms(mulaw_decode(b"".join(frames))) > 500


def test_turn_latency_and_reply_length() -> None:
    turn = Turn(said="x", started_at=1.0, ended_at=2.0, first_audio_at=2.35)
    turn.reply_mulaw += b"\xff" * 8000
    assert turn.latency_s == 0.35 or abs((turn.latency_s or 0) - 0.35) < 1e-9
    assert turn.reply_seconds == 1.0
    assert Turn(said="y", started_at=0.0).latency_s is None


def test_signing_url_prefers_the_public_base() -> None:
    c = SimulatedCaller(CallerOptions(server_url="http://127.0.0.1:3000", public_base_url="https://shop.example/"))
    assert c.signing_url() == "https://shop.example/twilio/voice"
    assert SimulatedCaller(CallerOptions()).signing_url() == "http://127.0.0.1:3000/twilio/voice"
    assert c.call_sid.startswith("CA") and c.stream_sid.startswith("MZ")
