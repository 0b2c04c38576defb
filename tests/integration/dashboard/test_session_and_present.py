"""The pure pieces: the session cookie's signing rules and how values read on the pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from dashboard import present, session

NO_DATA_DIR = Path("/nonexistent")  # an APP_SECRET is given: the data dir is never read
KEY = session.session_key("k1", NO_DATA_DIR)


def test_session_round_trip_and_refusals() -> None:
    value = session.encode(KEY, 7, "hash-a", ttl_s=60, now=1000.0)
    s = session.decode(KEY, value, now=1010.0)
    assert s is not None and s.operator_id == 7 and s.key_fp == session.key_fingerprint(KEY, "hash-a")
    assert session.decode(KEY, value, now=1061.0) is None  # expired
    assert session.decode(session.session_key("k2", NO_DATA_DIR), value, now=1010.0) is None  # other key
    payload, sig = value.split(".")
    forged = session.encode(KEY, 8, "hash-a", ttl_s=60, now=1000.0).split(".")[0] + "." + sig
    assert session.decode(KEY, forged, now=1010.0) is None
    for junk in (None, "", "a.b.c", "x" * 600, "é.é", payload + ".", "." + sig, "!!!." + sig):
        assert session.decode(KEY, junk, now=1010.0) is None


def test_present_helpers() -> None:
    assert present.mask_number("+919876543210") == "••••••••3210"
    assert present.mask_number("") == "unknown" and present.mask_number("123") == "hidden"
    t0 = datetime(2026, 1, 1, 18, 30, tzinfo=UTC)
    assert present.ist(t0) == "02 Jan 2026, 00:00:00"
    assert present.duration(t0, t0 + timedelta(seconds=65)) == "1m 05s"
    assert present.duration(t0, None) == ""
    assert present.rupees(123456) == "₹1,234.56" and present.rupees(None) == ""
    assert present.stage_timings({"b": 250, "a": 100, "note": "x"}) == [("a", "+0 ms"), ("b", "+150 ms"), ("note", "x")]
    assert present.stage_timings({}) == []
    assert present.pretty_json({}) == "" and '"a": 1' in present.pretty_json({"a": 1})
