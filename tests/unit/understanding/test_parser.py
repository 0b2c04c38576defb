"""Parser behaviour beyond the corpus: numbers, times, context, data validation, CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.understanding import Parser, parse
from bot.understanding.data import DATA_DIR, DataFileError, load
from bot.understanding.schema import validate
from bot.understanding.vocabulary import command_phrases

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("vikas ke khate mein pachees rupaye likh do", 25),
        ("vikas ke khate mein saadhe teen sau likh do", 350),
        ("vikas ke khate mein dhai hazaar likh do", 2500),
        ("vikas ke khate mein sawa do hazaar likh do", 2250),
        ("vikas ke khate mein paune do sau likh do", 175),
        ("vikas ke khate mein dedh sau likh do", 150),
        ("vikas ke khate mein ek lakh likh do", 100000),
        ("vikas ke khate mein ek hazaar do sau pachas likh do", 1250),
        ("put two fifty on vikas's account", 250),
        ("put two hundred and fifty on vikas's account", 250),
        ("vikas ke khate mein 2,500 likh do", 2500),
        ("vikas ke khate mein Rs. 500 likh do", 500),
        ("vikas ke khate mein ₹500 likh do", 500),
        ("विकास के खाते में पाँच सौ लिख दो", 500),
    ],
)
def test_amounts(text: str, amount: int) -> None:
    r = parse(text)
    assert r["intent"] == "add_udhaar", r
    assert r["entities"]["amount"] == amount


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("vikas ko kal subah 10 baje yaad dilana", {"phrase": "kal subah 10 baje", "day_offset": 1, "part_of_day": "morning", "hour": 10}),
        ("vikas ko dopahar 3 baje yaad dilana", {"phrase": "dopahar 3 baje", "part_of_day": "afternoon", "hour": 15}),
        ("vikas ko raat 9 baje yaad dilana", {"phrase": "raat 9 baje", "part_of_day": "night", "hour": 21}),
        ("vikas ko saadhe saat baje yaad dilana", {"phrase": "saadhe saat baje", "hour": 7, "minute": 30}),
        ("vikas ko paune das baje yaad dilana", {"phrase": "paune das baje", "hour": 9, "minute": 45}),
        ("vikas ko aadhe ghante baad yaad dilana", {"phrase": "aadhe ghante baad", "relative_minutes": 30}),
        ("vikas ko shukravar ko yaad dilana", {"phrase": "shukravar", "weekday": "friday"}),
        ("vikas ko har mahine 1 tareekh ko yaad dilana", {"phrase": "har mahine 1 tareekh", "recurrence": {"freq": "monthly", "interval": 1, "day_of_month": 1}}),
        ("remind vikas at 6 pm", {"phrase": "at 6 pm", "hour": 18}),
    ],
)
def test_when(text: str, when: dict) -> None:
    r = parse(text)
    assert r["intent"] == "schedule_reminder"
    assert r["entities"]["when"] == when


def test_tense_decides_kal() -> None:
    assert parse("rahul ka kal wala bill cancel karo")["entities"]["when"]["day_offset"] == -1
    assert parse("rahul ko kal yaad dilana")["entities"]["when"]["day_offset"] == 1
    assert parse("kal kitna dhandha hua")["entities"]["period"] == {"phrase": "kal", "day_offset": -1}


def test_context_resolves_when_and_is_not_global() -> None:
    ctx = {"now": "2026-11-25T10:00:00+05:30", "timezone": "Asia/Kolkata"}
    r = parse("vikas ko kal shaam 7 baje yaad dilana", ctx)
    assert r["entities"]["when"]["at"] == "2026-11-26T19:00:00+05:30"
    assert "at" not in parse("vikas ko kal shaam 7 baje yaad dilana")["entities"]["when"]


def test_context_pending_question_is_answered_by_a_fragment() -> None:
    pending = {"intent": "add_udhaar", "entities": {"customer": "Vikas"}, "missing": ["amount"]}
    assert parse("paanch sau", {"pending": pending}) == {"intent": "add_udhaar", "entities": {"customer": "Vikas", "amount": 500}}
    pending = {"intent": "check_balance", "entities": {}, "missing": "customer"}
    assert parse("sharma ji", {"pending": pending}) == {"intent": "check_balance", "entities": {"customer": "Sharma"}}


def test_negation_and_self_correction() -> None:
    assert parse("vikas ko reminder mat bhejna")["intent"] == "unknown"
    assert parse("gst mat lagao") == {"intent": "toggle_gst", "entities": {"with_gst": False}}
    r = parse("rahul ko 2 maggi nahi nahi 3 maggi")
    assert r["entities"]["items"] == [{"product": "maggi", "quantity": 3, "unit": None}]
    assert parse("rahul ko sorry mohan ko 500 udhaar diye")["entities"]["customer"] == "Mohan"


def test_single_nahi_between_values_is_a_correction() -> None:
    assert parse("sunil ko 5 kilo nahi 6 kilo aata")["entities"]["items"] == [{"product": "aata", "quantity": 6, "unit": "kg"}]
    assert parse("kal nahi parso yaad dilana vikas ko")["entities"]["when"] == {"phrase": "parso", "day_offset": 2}
    assert parse("vikas ko bill nahi bhejna")["intent"] == "unknown"


def test_elliptic_segment_borrows_the_next_commands_intent() -> None:
    r = parse("vikas ka 200 aur rahul ka 300 udhaar likho")
    assert r == {"intent": "multi", "entities": {"commands": [
        {"intent": "add_udhaar", "entities": {"customer": "Vikas", "amount": 200}},
        {"intent": "add_udhaar", "entities": {"customer": "Rahul", "amount": 300}}]}}


def test_every_result_has_the_spec_shape() -> None:
    for text in ["vikas ko 2 kilo chini aur uska balance batao", "kuch bhi", "gst laga do aur bill sunao", "namaste"]:
        assert validate(parse(text))


def test_parser_instances_are_independent() -> None:
    p = Parser(load(DATA_DIR))
    assert p.parse("chini kitni bachi hai") == parse("chini kitni bachi hai")


def test_broken_data_file_fails_loudly(tmp_path: Path) -> None:
    for f in DATA_DIR.glob("*.json"):
        shutil.copy(f, tmp_path / f.name)
    intents = json.loads((tmp_path / "intents.json").read_text(encoding="utf-8"))
    intents["intents"]["help"]["rules"][0]["re"] = "(unclosed"
    (tmp_path / "intents.json").write_text(json.dumps(intents), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"intents\.json.*'help' rule 0.*bad regex"):
        load(tmp_path)
    intents["intents"]["help"]["rules"][0]["re"] = "help"
    intents["intents"]["help"]["entities"] = ["no_such_extractor"]
    (tmp_path / "intents.json").write_text(json.dumps(intents), encoding="utf-8")
    with pytest.raises(DataFileError, match="unknown entity extractor"):
        load(tmp_path)
    (tmp_path / "units.json").write_text('{"units": {"kilo": "kilogram"}}', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"units\.json"):
        load(tmp_path)
    (tmp_path / "lexicon.json").write_text("{oops", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"lexicon\.json: invalid JSON"):
        load(tmp_path)


def test_vocabulary_covers_command_words() -> None:
    phrases = command_phrases()
    for w in ["baaki", "udhaar", "yaad dilana", "pakka kar do", "kilo", "pachees", "phonepe"]:
        assert w in phrases
    assert "vikas" not in phrases


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app.cli", "parse", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, timeout=60, check=False)


def test_cli_single_sentence() -> None:
    out = _cli("Vikas ne 300 PhonePe kiye")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"intent": "record_payment", "entities": {"customer": "Vikas", "amount": 300, "payment_mode": "upi"}}


def test_cli_jsonl_many_lines_in_order() -> None:
    lines = ["chini kitni bachi hai", json.dumps({"text": "kal shaam 7 baje vikas ko yaad dilana", "context": {"now": "2026-11-25T10:00:00+05:30"}}), "namaste"] * 500
    out = _cli("--jsonl", stdin="\n".join(lines) + "\n")
    assert out.returncode == 0, out.stderr
    results = [json.loads(x) for x in out.stdout.splitlines()]
    assert len(results) == 1500
    assert [r["intent"] for r in results[:3]] == ["check_stock", "schedule_reminder", "greeting"]
    assert results[1]["entities"]["when"]["at"].startswith("2026-11-26T19:00")


def test_cli_parse_does_not_import_heavy_modules() -> None:
    code = "import sys; from app.commands.parse import main; main(['namaste']); print(sorted(m for m in ('pipecat', 'asyncpg', 'openai', 'indic_transliteration') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_fuzz_never_crashes_and_always_validates() -> None:
    import random
    import string

    rng = random.Random(7)
    vocab = ("ko ka ne se aur nahi mat 2 do teen sau hazaar kal parso subah baje reminder bill gst 500 rs ₹ @ at the rate "
             "dot com vikas ji wale kilo packet maggi , . ? - 7:30 1.5 har mahine tareekh every monday baad sawa paune "
             "saadhe dedh dhai विकास को नहीं 😀").split(" ")
    for _ in range(2000):
        if rng.random() < 0.1:
            text = "".join(rng.choice(string.printable) for _ in range(rng.randint(0, 40)))
        else:
            text = " ".join(rng.choice(vocab) for _ in range(rng.randint(0, 12)))
        result = parse(text)
        assert validate(result), (text, result)
        json.dumps(result)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("rahul ko 500 ka reminder kal shaam 7 baje bhejna", 500),
        ("suresh ko parso subah 10 baje yaad dila dena ki 1200 baaki hai", 1200),
        ("remind rahul to pay 500 tomorrow at 7 pm", 500),
        ("ajay ko raat 8 baje yaad dila dena 2000 ke liye", 2000),
        ("राहुल को परसों सुबह 9 बजे रिमाइंडर भेजो कि 800 बाकी है", 800),
    ],
)
def test_reminder_keeps_its_amount_apart_from_the_time(text: str, amount: int) -> None:
    got = parse(text)
    assert got["intent"] == "schedule_reminder"
    assert got["entities"]["amount"] == amount
    assert "hour" in got["entities"]["when"]


@pytest.mark.parametrize(
    ("text", "hour", "minute"),
    [("remind sunita at 5 30 pm", 17, 30), ("remind ajay at quarter to seven in the evening", 18, 45),
     ("remind hari at half past six in the evening", 18, 30)],
)
def test_spoken_clock_times(text: str, hour: int, minute: int) -> None:
    when = parse(text)["entities"]["when"]
    assert (when["hour"], when["minute"]) == (hour, minute)
