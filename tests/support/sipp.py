"""Run SIPp (Debian's sip-tester) against a local SIP listener and read its statistics file.

SIPp replays RTP from a pcap (`play_pcap_audio`), which needs raw sockets: root,
as in CI. Tests skip when `sipp` is not installed.
"""

from __future__ import annotations

import asyncio
import csv
import os
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

SCENARIOS = Path(__file__).resolve().parents[1] / "e2e" / "sip"


def sipp_path() -> str | None:
    return shutil.which("sipp")


def sipp_usable() -> bool:
    return sipp_path() is not None and os.geteuid() == 0  # play_pcap_audio opens a raw socket


def free_udp_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class SippRun:
    rc: int
    output: str
    stats: dict[str, str]  # the last row of -trace_stat's CSV (cumulative columns end in "(C)")
    setup_ms: tuple[float, ...] = ()  # per call, INVITE -> 200 (the scenario's rtd="true"), from -trace_rtt
    errors: str = ""  # SIPp's whole error file (unexpected messages, timeouts)

    def count(self, column: str) -> int:
        return int(self.stats.get(column, "0") or 0)


async def run_sipp(scenario: str, target: str, *, cwd: Path, callid: str, keys: dict[str, str], local_ip: str = "127.0.0.1",
                   calls: int = 1, limit: int = 1, rate: float = 1.0, timeout_s: int = 120,
                   pause_ms: int = 1000, extra: tuple[str, ...] = ()) -> SippRun:
    """Run `scenario` (a file in tests/e2e/sip) `calls` times, at most `limit` at once, `rate` new calls/s;
    call n has the SIP Call-ID `{callid}-n`."""
    stats_file = cwd / f"stats-{free_udp_port()}.csv"
    args = [sipp_path() or "sipp", target, "-sf", str(SCENARIOS / scenario), "-m", str(calls), "-l", str(limit),
            "-r", str(rate), "-i", local_ip, "-p", str(free_udp_port(local_ip)), "-mp", str(free_udp_port(local_ip)),
            "-cid_str", f"{callid}-%u", "-nostdin", "-timeout", f"{timeout_s}s", "-timeout_error", "-trace_stat", "-stf", str(stats_file),
            "-fd", "1", "-d", str(pause_ms), "-trace_err", "-error_file", str(stats_file.with_suffix(".err")),
            "-trace_rtt", "-rtt_freq", "1"]
    for key, value in keys.items():
        args += ["-key", key, value]
    args += list(extra)
    proc = await asyncio.create_subprocess_exec(*args, cwd=cwd, stdin=asyncio.subprocess.DEVNULL,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), timeout_s + 30)
    return await asyncio.to_thread(_results, cwd, stats_file, scenario, proc.pid, proc.returncode or 0,
                                   out.decode(errors="replace"))


def _results(cwd: Path, stats_file: Path, scenario: str, pid: int, rc: int, output: str) -> SippRun:
    """What SIPp left behind: its statistics CSV, per-call response times and errors."""
    stats: dict[str, str] = {}
    if stats_file.exists():
        rows = list(csv.DictReader(stats_file.read_text().splitlines(), delimiter=";"))
        stats = rows[-1] if rows else {}
    setup_ms: list[float] = []
    for rtt in cwd.glob(f"{Path(scenario).stem}_{pid}_rtt.csv"):
        for row in csv.DictReader(rtt.read_text().splitlines(), delimiter=";"):
            value = row.get("response_time_ms") or ""
            if value.replace(".", "", 1).isdigit():
                setup_ms.append(float(value))
    errors = stats_file.with_suffix(".err")
    error_text = errors.read_text(errors="replace") if errors.exists() else ""
    return SippRun(rc, output[-3000:] + error_text[-3000:], stats, tuple(setup_ms), error_text)
