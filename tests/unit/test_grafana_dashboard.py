"""deploy/grafana/execora.json reads only metrics that bot.metrics defines (names drift otherwise)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client import REGISTRY

import bot.metrics  # noqa: F401  (registers the metrics)

ROOT = Path(__file__).resolve().parents[2]


def _exported() -> set[str]:
    names = {"execora_queue_depth"}  # read at scrape time, not registered
    for family in REGISTRY.collect():
        if family.name.startswith("execora_"):
            suffixes = ("_total",) if family.type == "counter" else ("_bucket", "_count", "_sum", "")
            names |= {family.name + s for s in suffixes} | {family.name}
    return names


def test_every_panel_query_names_a_defined_metric() -> None:
    dash = json.loads((ROOT / "deploy/grafana/execora.json").read_text())
    used = {m for p in dash["panels"] for t in p["targets"] for m in re.findall(r"\bexecora_[a-z_]+", t["expr"])}
    assert used, "no queries"
    assert used <= _exported(), sorted(used - _exported())
    for family in ("execora_active_calls", "execora_turns_total", "execora_turn_stage_seconds_bucket",
                   "execora_speech_errors_total", "execora_speech_failovers_total", "execora_llm_errors_total",
                   "execora_bookings_total", "execora_reminder_sends_total", "execora_queue_depth",
                   "execora_recording_upload_lag_seconds_bucket"):
        assert family in used, family
