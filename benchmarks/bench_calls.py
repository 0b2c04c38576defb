"""Live-call benchmark: concurrent and sequential simulated calls against a real server.

Starts the Execora app as a separate process (uvicorn, embedded speech engines,
a fresh database on the local PostgreSQL, Redis) plus a fake Twilio REST API,
then places Twilio-faithful simulated calls (real-time 20 ms mu-law frames).

Prints:
1. N concurrent calls (default 20): turn latency p50/p95 split by stage (the
   server's own per-turn timings) and end-of-speech to first bot audio as the
   caller hears it; server CPU (share of one core) and RSS per call; late bot
   audio frames (playback buffer ran dry mid-reply) and late caller frames.
2. RSS of the server after M sequential calls (default 200), sampled along the way.
3. Recognition through the router: the voice package's spoken test set
   (benchmarks/bench_recognition.py: the demo shop's commands in several espeak
   voices, speeds and noise levels, through the phone codec and the embedded
   recogniser) fed to the call's conversation on a demo shop, compared with the
   same sentences as text: commands right, commands asked again (read-back,
   question, not understood), wrong bookings (must be zero), wrong reads.

    .venv/bin/python benchmarks/bench_calls.py [--calls 20] [--sequential 200] [--recognition full|quick|off]

Counts are configurable; the figures say what was run. Needs PostgreSQL and
Redis (BENCH_ADMIN_DSN, BENCH_REDIS_URL; defaults: the local servers).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
import httpx  # noqa: E402
import psutil  # noqa: E402

from telephony.simulated_caller import CallerOptions, SimulatedCaller  # noqa: E402
from telephony.simulated_caller.timeline import PlaybackTimeline  # noqa: E402
from tests.e2e.call_harness import (  # noqa: E402
    PUBLIC_BASE_URL,
    DemoShop,
    FakeTwilio,
    _Servers,
    create_demo_shop,
    free_port,
)

ADMIN_DSN = os.environ.get("BENCH_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
AUTH_TOKEN = "bench-twilio-token"
ACCOUNT_SID = "AC" + "b" * 32
STAGES = (
    ("recognise", "speech_end", "transcript_final"),
    ("understand", "transcript_final", "understood"),
    ("action", "understood", "action_done"),
    ("reply_audio", None, "first_reply_audio"),
    ("server_total", "speech_end", "first_reply_audio"),
)
CONVERSATION = ["Suresh ka balance batao", "Suresh ne bees rupaye diye", "Suresh ko do packet bread"]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


class BenchTimeline(PlaybackTimeline):
    """The caller's playback timeline, also counting bot audio that arrived after playback needed it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.late_bot_frames = 0
        self._last_bot_at: float | None = None

    def add_bot_audio(self, audio: bytes, now: float) -> None:
        if self._last_bot_at is not None and now - self._last_bot_at < 0.25 and now > self.play_end + 0.02:
            self.late_bot_frames += 1  # mid-reply, and the caller's playback had already run dry
        self._last_bot_at = now
        super().add_bot_audio(audio, now)


class BenchCaller(SimulatedCaller):
    """The simulated caller, listening on a `BenchTimeline`, optionally speaking through noise."""

    timeline_class = BenchTimeline

    def __init__(self, *args: Any, snr_db: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._snr_db = snr_db

    @property
    def late_bot_frames(self) -> int:
        assert isinstance(self.timeline, BenchTimeline)
        return self.timeline.late_bot_frames

    def speech_frames(self, text: str, voice: str | None = None, rate_wpm: int | None = None) -> list[bytes]:
        if self._snr_db is None:
            return super().speech_frames(text, voice, rate_wpm)
        from bot.voice import espeak
        from bot.voice.audio import PHONE_RATE, add_noise_snr, mulaw_encode, resample
        from telephony.simulated_caller import protocol as tw
        from telephony.simulated_caller.media_pump import trim_silence

        utt = espeak.synthesize(text, voice or self.options.voice, rate_wpm or self.options.rate_wpm)
        pcm8 = trim_silence(resample(utt.pcm, utt.sample_rate, PHONE_RATE))
        return tw.frames_20ms(mulaw_encode(add_noise_snr(pcm8, self._snr_db, seed=len(text))))


@dataclass
class Env:
    dsn: str
    server_url: str
    process: subprocess.Popen[bytes]
    twilio: FakeTwilio
    fake: _Servers
    pool: asyncpg.Pool
    ps: psutil.Process
    data_dir: Path
    shops: list[DemoShop] = field(default_factory=list)

    def rss_mb(self) -> float:
        return float(self.ps.memory_info().rss) / 2**20

    def cpu_s(self) -> float:
        t = self.ps.cpu_times()
        return float(t.user + t.system)


def start_server(cmd: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    with open(log_path, "wb") as log:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)


async def setup_env(tmp: Path) -> Env:
    from db.migrate import apply_migrations
    from db.pool import create_pool

    name = f"execora_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(ADMIN_DSN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    dsn = ADMIN_DSN.rpartition("/")[0] + f"/{name}"
    await apply_migrations(dsn)
    pool = await create_pool(dsn, min_size=1, max_size=10)
    twilio = FakeTwilio()
    import uvicorn

    twilio_port, app_port = free_port(), free_port()
    fake = _Servers([uvicorn.Config(twilio.app(), host="127.0.0.1", port=twilio_port, log_level="warning")])
    fake.start()
    env = dict(os.environ)
    env.update(
        DATABASE_URL=dsn, REDIS_URL=REDIS_URL, DATA_DIR=str(tmp), APP_SECRET="bench-secret-0123456789abcdef-0123456789",
        PUBLIC_BASE_URL=PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN=AUTH_TOKEN, TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_API_BASE_URL=f"http://127.0.0.1:{twilio_port}", LOG_LEVEL="WARNING",
    )
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app", "--host", "127.0.0.1",
           "--port", str(app_port), "--log-level", "warning", "--ws-max-size", "1048576",
           "--ws-per-message-deflate", "false"]  # as `execora serve` (app.commands.common.uvicorn_options)
    proc = start_server(cmd, env, tmp / "server.log")
    url = f"http://127.0.0.1:{app_port}"
    async with httpx.AsyncClient() as client:
        for _ in range(300):
            try:
                if (await client.get(url + "/health")).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
        else:
            raise RuntimeError(f"server did not start; see {tmp / 'server.log'}")
    return Env(dsn, url, proc, twilio, fake, pool, psutil.Process(proc.pid), tmp)


async def teardown_env(env: Env) -> None:
    env.process.terminate()
    try:
        env.process.wait(15)
    except subprocess.TimeoutExpired:
        env.process.kill()
    env.fake.stop()
    await env.pool.close()
    name = env.dsn.rpartition("/")[2]
    admin = await asyncpg.connect(ADMIN_DSN)
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


def make_caller(env: Env, shop: DemoShop, *, voice: str = "en-us", rate: int = 150,
                snr_db: float | None = None) -> BenchCaller:
    opts = CallerOptions(server_url=env.server_url, public_base_url=PUBLIC_BASE_URL, auth_token=AUTH_TOKEN,
                         account_sid=ACCOUNT_SID, from_number=shop.owner_phone, voice=voice, rate_wpm=rate)
    return BenchCaller(opts, snr_db=snr_db)


async def latest_turn(pool: asyncpg.Pool, call_sid: str, after: int, timeout_s: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        row = await pool.fetchrow(
            """SELECT t.* FROM call_turns t JOIN calls c ON c.id = t.call_id
               WHERE c.call_sid = $1 AND t.turn_no > $2 ORDER BY t.turn_no DESC LIMIT 1""",
            call_sid, after,
        )
        if row is not None:
            return row
        await asyncio.sleep(0.1)
    return None


async def say_and_wait(call: BenchCaller, text: str, timeout_s: float = 20.0, quiet_s: float = 0.9) -> None:
    """Say `text` and wait for the reply; a call the bot already ended is left alone
    (the simulated caller's `say` would wait for a line that no longer runs)."""
    if call.closed:
        return
    turn = await call.say(text)
    await call.wait_for_reply(turn, timeout_s=timeout_s, quiet_s=quiet_s)


async def one_call(env: Env, shop: DemoShop, commands: list[str]) -> BenchCaller:
    call = make_caller(env, shop)
    try:
        await call.place_call()
        await call.connect()
        await call.wait_for_greeting(timeout_s=20)
        for text in commands:
            await say_and_wait(call, text)
        await say_and_wait(call, "theek hai bye", timeout_s=10)
        await call.wait_closed(5)
    finally:
        await call.hangup()
    return call


async def concurrent_phase(env: Env, n: int) -> None:
    shops = env.shops[:n]
    rss0, cpu0, t0 = env.rss_mb(), env.cpu_s(), time.monotonic()
    peak = {"rss": rss0}
    stop = asyncio.Event()

    async def sample() -> None:
        while not stop.is_set():
            peak["rss"] = max(peak["rss"], env.rss_mb())
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample())
    calls = await asyncio.gather(
        *(asyncio.wait_for(one_call(env, s, CONVERSATION), 180) for s in shops), return_exceptions=True
    )
    stop.set()
    await sampler
    wall, cpu = time.monotonic() - t0, env.cpu_s() - cpu0
    ok = [c for c in calls if isinstance(c, BenchCaller)]
    failed = len(calls) - len(ok)
    heard = [t.latency_s for c in ok for t in c.turns[1:] if t.said and t.latency_s is not None]
    stage_values: dict[str, list[float]] = {name: [] for name, _, _ in STAGES}
    turns_total = 0
    for c in ok:
        rows = await env.pool.fetch(
            """SELECT t.timings FROM call_turns t JOIN calls c ON c.id = t.call_id
               WHERE c.call_sid = $1 AND t.source = 'speech'""", c.call_sid)
        for r in rows:
            tm = r["timings"]
            turns_total += 1
            for name, a, b in STAGES:
                start = tm.get(a) if a else max(tm.get("action_done", 0), tm.get("understood", 0)) or None
                if start is not None and b in tm:
                    stage_values[name].append(tm[b] - start)
    print(f"\n== {n} concurrent calls ({len(ok)} completed, {failed} failed), {turns_total} spoken turns, "
          f"{wall:.1f} s wall ==")
    print(f"{'stage (ms)':<16}{'p50':>9}{'p95':>9}{'n':>6}")
    for name, values in stage_values.items():
        print(f"{name:<16}{pct(values, .5):>9.0f}{pct(values, .95):>9.0f}{len(values):>6}")
    ms = [x * 1000 for x in heard]
    print(f"{'caller_hears':<16}{pct(ms, .5):>9.0f}{pct(ms, .95):>9.0f}{len(ms):>6}   "
          "(end of caller speech -> first bot audio, caller side)")
    print(f"server CPU: {cpu:.1f} s over {wall:.1f} s = {cpu / wall * 100:.0f}% of one core; "
          f"{cpu / wall * 100 / max(n, 1):.1f}% of a core per concurrent call")
    print(f"server RSS: {rss0:.0f} MB before, {peak['rss']:.0f} MB peak -> "
          f"{(peak['rss'] - rss0) / max(n, 1):.1f} MB per concurrent call")
    late_bot = sum(c.late_bot_frames for c in ok)
    bot_frames = sum(len(c.timeline.bot_track) // 160 for c in ok)
    late_caller = sum(c.events.late_frames for c in ok)
    sent = sum(c.events.frames_sent for c in ok)
    print(f"late bot audio frames: {late_bot} of ~{bot_frames}; late caller frames (bench host load): "
          f"{late_caller} of {sent}")
    hung = sum(1 for c in ok if env.twilio.hung_up(c.call_sid))
    print(f"calls the bot hung up through the (fake) Twilio REST API: {hung}/{len(ok)}")


async def _short_call(call: BenchCaller) -> None:
    await call.place_call()
    await call.connect()
    await call.wait_for_greeting(timeout_s=20)
    await say_and_wait(call, "Suresh ka balance batao", quiet_s=0.3)


async def sequential_phase(env: Env, m: int) -> None:
    shop = env.shops[0]
    samples: list[tuple[int, float]] = [(0, env.rss_mb())]
    t0 = time.monotonic()
    errors = 0
    every = max(1, m // 8)
    for i in range(1, m + 1):
        call = make_caller(env, shop)
        try:
            await asyncio.wait_for(_short_call(call), 60)
        except Exception:
            errors += 1
        finally:
            await call.hangup()
        if i % every == 0 or i == m:
            await asyncio.sleep(0.5)
            samples.append((i, env.rss_mb()))
    print(f"\n== {m} sequential calls ({errors} failed) in {time.monotonic() - t0:.0f} s ==")
    print("server RSS (MB) after calls: " + ", ".join(f"{i}: {r:.0f}" for i, r in samples))
    warm = [(i, r) for i, r in samples if i >= m // 4]
    if len(warm) >= 2:
        # Least-squares slope over the calls after the first quarter (allocator warm-up).
        xs, ys = [i for i, _ in warm], [r for _, r in warm]
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / max(
            sum((x - mx) ** 2 for x in xs), 1e-9)
        print(f"growth after warm-up (calls {xs[0]}-{xs[-1]}, least squares): {slope * 1024:.0f} KB per call")


async def demo_shop(pool: asyncpg.Pool) -> tuple[int, str, dict[int, str]]:
    """The demo shop's data (customers, products) under a fresh owner phone: (shop id, phone, names by id)."""
    from business.books import Books
    from business.demo_shop import CUSTOMERS, PRODUCTS, SHOP
    from db.uow import PostgresUnitOfWorkFactory
    from tests.e2e.call_harness import unique_phone

    books = Books(PostgresUnitOfWorkFactory(pool))
    phone = unique_phone()
    shop, _ = await books.create_shop(SHOP["name"], phone)
    names: dict[int, str] = {}
    for c in CUSTOMERS:
        cust = await books.add_customer(shop.id, **{**c, "phone": None})
        names[cust.id] = cust.name
    for p in PRODUCTS:
        await books.add_product(shop.id, **p)
    return shop.id, phone, names


class Router:
    """The call's conversation (IntentRouter's logic) on one shop, one fresh conversation per command."""

    def __init__(self, pool: asyncpg.Pool, shop_id: int, phone: str, names: dict[int, str]) -> None:
        from bot.call.services import conversation_functions
        from business.books import Books
        from db.uow import PostgresUnitOfWorkFactory

        self.books = Books(PostgresUnitOfWorkFactory(pool))
        self.parse, self.render = conversation_functions()
        self.shop_id, self.phone, self.names = shop_id, phone, names

    async def say(self, text: str, confidence: float) -> tuple[Any, Any]:
        from bot.call.clock import CallClock
        from bot.call.conversation import Conversation
        from bot.call.speech import Speaker
        from bot.call.state import CallState

        state = CallState(shop_id=self.shop_id, caller_phone=self.phone, language="hinglish",
                          confirm_limit_paise=200_000)
        conv = Conversation(books=self.books, parse=self.parse, speaker=Speaker(self.render, "hinglish"),
                            state=state, call_sid="CA" + secrets.token_hex(16), clock=CallClock(),
                            greeting_name="Sharma")
        return await conv.on_text(text, confidence), conv


POSTED = ("invoice_id", "payment_ids", "entry_id", "reminder_id")


def signature(outcome: Any, names: dict[int, str]) -> tuple[Any, ...]:
    """What an outcome did, comparable across shops: action, customer name, money."""
    r = outcome.result or {}
    cid = r.get("customer_id")
    return (outcome.action, names.get(cid, cid) if isinstance(cid, int) else cid,
            r.get("amount_paise"), r.get("total_paise"), r.get("due_at"), r.get("balance_paise") is not None)


def asked(outcome: Any) -> bool:
    r = outcome.result or {}
    return bool(r.get("awaiting_confirmation") or r.get("asked") or r.get("error")) or outcome.code == "not_understood"


async def recognition_phase(env: Env, quick: bool, workers: int, meaning: bool = True) -> None:
    from benchmarks.bench_recognition import HELD_OUT_VOICES, TEST_SET, TUNING_VOICES, run, spoken_cases

    voices = (TUNING_VOICES[:1] + HELD_OUT_VOICES[:1]) if quick else (TUNING_VOICES[:2] + HELD_OUT_VOICES)
    snrs: tuple[float | None, ...] = (None, 20.0) if quick else (30.0, 20.0)
    cases = spoken_cases(TEST_SET, voices=voices, snrs=snrs)
    t0 = time.monotonic()
    results = await asyncio.to_thread(run, cases, workers, env.data_dir / "rec-cache", meaning)
    rec_s = time.monotonic() - t0
    truth_shop = await demo_shop(env.pool)
    truth_router = Router(env.pool, *truth_shop)
    truth: dict[str, Any] = {}
    for text in TEST_SET:
        truth[text], _ = await truth_router.say(text, 1.0)
    routers: dict[tuple[str, float | None], Router] = {}
    tally = {"right": 0, "asked_again": 0, "wrong_booking": 0, "wrong_read": 0}
    held = {"right": 0, "asked_again": 0, "wrong_booking": 0, "wrong_read": 0}
    readbacks = {"right": 0, "wrong": 0}
    wrong: list[str] = []
    verdicts: dict[tuple[str, str], dict[float | None, str]] = defaultdict(dict)
    for res in results:
        seen = verdicts[(res.case.text, res.case.voice)]
        key = (res.case.voice, res.case.snr_db)
        if key not in routers:
            routers[key] = Router(env.pool, *(await demo_shop(env.pool)))
        router = routers[key]
        out, conv = await router.say(res.hypothesis, res.confidence)
        expected = truth[res.case.text]
        group = held if res.case.held_out else None
        if asked(out) and not (asked(expected) and out.code == expected.code):
            tally["asked_again"] += 1
            seen[res.case.snr_db] = "asked_again"
            if group is not None:
                group["asked_again"] += 1
            pending = conv.state.pending
            if pending is not None:  # what a blind "haan" would have booked
                waiting = pending.waiting[0]
                try:
                    done = await waiting.confirm.execute(waiting.key)
                except Exception:  # the books refuse what was misheard (a unit that does not fit): nothing booked
                    done = None
                out.result = {**getattr(done, "result", {})}
                same = signature(out, router.names) == signature(expected, truth_router.names)
                readbacks["right" if same else "wrong"] += 1
            continue
        if signature(out, router.names) == signature(expected, truth_router.names) and out.code == expected.code:
            tally["right"] += 1
            seen[res.case.snr_db] = "right"
            if group is not None:
                group["right"] += 1
        elif any(k in (out.result or {}) for k in POSTED):
            tally["wrong_booking"] += 1
            if group is not None:
                group["wrong_booking"] += 1
            wrong.append(f"{res.case.voice}/{res.case.rate}/{res.case.snr_db}: said {res.case.text!r}, heard "
                         f"{res.hypothesis!r} ({res.confidence:.2f}) -> {out.action} {out.result}")
        else:
            tally["wrong_read"] += 1
            if group is not None:
                group["wrong_read"] += 1
    total = sum(tally.values())
    print(f"\n== recognition through the router: the voice set ({len(TEST_SET)} commands) x voices {voices} x "
          f"SNR {['clean' if s is None else s for s in snrs]} = {total} utterances "
          f"(recognised in {rec_s:.0f} s, first-utterance CMN) ==")
    held_total = sum(held.values())
    print(f"{'':<14}{'all':>13}   {'held-out voices':>18}")
    for k, v in tally.items():
        print(f"{k:<14}{v:>5}  ({v / max(total, 1) * 100:5.1f}%)   {held[k]:>5}  ({held[k] / max(held_total, 1) * 100:5.1f}%)")
    print(f"read-backs among those asked again: {readbacks['right']} would have booked the right thing, "
          f"{readbacks['wrong']} the wrong thing (the caller hears it and says no)")
    # A caller asked again repeats the sentence: the same voice's other take (the noisier line, another
    # speed) stands for the second try.
    if len(snrs) == 2:
        for label, keep in (("all voices", lambda v: True), ("held-out voices", lambda v: v in HELD_OUT_VOICES)):
            pairs = [(seen.get(snrs[0]), seen.get(snrs[1])) for (_, voice), seen in verdicts.items() if keep(voice)]
            first = sum(1 for a, _ in pairs if a == "right")
            two = sum(1 for a, b in pairs if a == "right" or (a == "asked_again" and b == "right"))
            print(f"{label}: right first time {first}/{len(pairs)} ({first / max(len(pairs), 1) * 100:.1f}%), "
                  f"within two tries {two}/{len(pairs)} ({two / max(len(pairs), 1) * 100:.1f}%)")
    for w in wrong:
        print("WRONG BOOKING:", w)


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=20, help="concurrent calls")
    ap.add_argument("--sequential", type=int, default=200, help="sequential calls for the RSS check")
    ap.add_argument("--recognition", choices=["full", "quick", "off"], default="full",
                    help="the voice set through the router: 4 voices x 3 noise levels (quick: 2 x 2)")
    ap.add_argument("--workers", type=int, default=2, help="recognition processes")
    ap.add_argument("--no-meaning", action="store_true", help="recognition: the best path only (before issue 16)")
    args = ap.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory(prefix="execora-bench-") as tmp:
        env = await setup_env(Path(tmp))
        try:
            need = max(args.calls, 1)
            env.shops = [await create_demo_shop(env.pool) for _ in range(need)]
            print(f"server pid {env.process.pid}; {os.cpu_count()} CPUs on this host (callers share them)")
            if args.calls:
                await concurrent_phase(env, args.calls)
            if args.sequential:
                await sequential_phase(env, args.sequential)
            if args.recognition != "off":
                await recognition_phase(env, args.recognition == "quick", args.workers, not args.no_meaning)
        finally:
            await teardown_env(env)
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
