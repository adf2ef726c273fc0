"""The Slack app under load: whole interviews by simulated people against the production server.

    benchmarks/run                      # 100 concurrent interviews, writes docs/benchmarks.md
    benchmarks/run --interviews 1000    # the big one
    benchmarks/run --interviews 3 --team 20 --no-doc --json out.json   # a smoke run
    benchmarks/run --transport https    # only over TLS (default: both, HTTPS first)

One run starts a private redis-server and the fake Slack Web API (benchmarks/slack_fake.py, in
this process), listening on HTTPS with a certificate made at run time (benchmarks/tls.py) and on
plain HTTP. Then, for each transport, the bot under `itss-bot serve --http` (gunicorn, gthread)
and the floor app (benchmarks/floor_app.py) under gunicorn with the same workers and threads,
both calling the fake over that transport (over HTTPS they trust it as a deployment trusts
Slack: SSL_CERT_FILE is the system CA bundle plus the run's CA), go through phases 1–5 with a
cohort of people of their own (the HTTPS cohort in team T0001, the HTTP one in T0002; the same
plans, clicks and think times); phases 6–8 run once, over the first transport:

1. warm-up: a few interviews on the bot and the floors (not measured);
2. idle: people one after another, think time 0.15 s — the ack with nothing else running;
3. paced: N people at once (think time ~`--think` s between screens, starts spread over two
   think times), 3 % of answers double-clicked, 10 % pause after a few answers, 10 % leave the
   review open; then the same requests, freshly signed, with the same think times, to the
   floor in the bot's ack-then-post-in-a-thread configuration and in Bolt's default one;
4. saturation: `--saturation-users` people with no think time, each starting a new interview
   when one ends, for `--saturation-seconds`; interactions per second over the last 3/4; the
   floor replays the same requests the same way;
5. requests in flight: for each N of `--concurrency` (10, 50), N people with no think time for
   `--concurrency-seconds`, so N requests are always in flight (an ack or a next screen
   awaited); throughput and client-side latency; the floor replays the same way;
6. Redis accounting on a second bot instance whose Redis traffic goes through a round-trip
   counting proxy (benchmarks/servers.RedisTurns): round trips and commands per request kind;
7. `/itss team` for a manager with `--team` reports (times on the main bot, round trips on the
   counted one);
8. Redis memory of the interviews left open; every answer sent checked against the stored
   sessions and results, and the Web API calls each person received against what they did.

Times are time.monotonic(), one clock for every process on Linux: client send and receive,
the server's own start and duration per request (bot.server.timed, ITSS_TIMING_FILE, matched
by the X-Request-Id header), and the arrival of each Web API call at the fake.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import random
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import report, spy
from benchmarks.servers import (
    BOT_TOKEN,
    FLOOR_TOKEN,
    ROOT,
    Proc,
    RedisProbe,
    RedisTurns,
    read_timing,
    server_env,
    start_bot,
    start_floor,
    start_redis,
)
from benchmarks.slack_fake import TRANSPORTS, FakeSlack
from benchmarks.slack_users import (
    SHORT,
    Driver,
    Kind,
    Plan,
    Sample,
    Stop,
    Transcript,
    interview,
    replay,
)
from benchmarks.team_steps import persona_interview
from benchmarks.tls import make_certificates
from flows.facts import to_json_value
from flows.interview import Interview
from flows.session import PersonKey
from flows.storage.redis_store import RedisStore
from framework_data.loader import load_default

TEAM_ID = "T0001"  # the first transport's cohort, the accounting and the team summary
OTHER_TEAM_ID = "T0002"
BOSS, OTHER_BOSS = "UBOSS", "UBOSS2"
SECRET = "bench-signing-secret-0123456789"  # noqa: S105 - a test secret
SPECIALTIES = tuple(SHORT)
FLOOR_MODES = ("after-ack", "bolt-default")
FW = load_default()


@dataclass(frozen=True)
class Config:
    interviews: int = 100
    think: float = 3.0
    workers: int = 2
    threads: int = 16
    team: int = 1000
    team_repeats: int = 5
    team_sizes: tuple[int, ...] = (100, 1000, 5000)  # the read model (benchmarks/team_steps.py)
    saturation_users: int = 100
    saturation_seconds: float = 20.0
    duplicate_rate: float = 0.03
    warmup: int = 6
    idle: int = 3
    floors: bool = True
    profile: bool = False
    seed: str = "itss-bench"
    transports: tuple[str, ...] = TRANSPORTS
    concurrency: tuple[int, ...] = (10, 50)
    concurrency_seconds: float = 10.0


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0–100), linear between closest ranks; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def dist_ms(values: list[float]) -> dict[str, float]:
    """n, p50, p99, max of seconds, in milliseconds."""
    ms = [v * 1000 for v in values if not math.isnan(v)]
    return {
        "n": len(ms),
        "p50": pct(ms, 50),
        "p99": pct(ms, 99),
        "max": max(ms) if ms else math.nan,
    }


class LoopLag:
    """How late the event loop wakes up: the fake Slack and the people share it, so this
    bounds how much their timestamps can be late."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            began = time.monotonic()
            await asyncio.sleep(0.005)
            self.lags.append(time.monotonic() - began - 0.005)

    def __enter__(self) -> LoopLag:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()


@dataclass
class Cpu:
    """CPU seconds of each process (tree) over a phase."""

    procs: dict[str, Proc]

    def read(self) -> dict[str, float]:
        own = resource.getrusage(resource.RUSAGE_SELF)
        out = {name: proc.cpu_seconds() for name, proc in self.procs.items()}
        out["harness"] = own.ru_utime + own.ru_stime
        return out

    @staticmethod
    def diff(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
        return {k: after[k] - before[k] for k in after}


@dataclass(frozen=True)
class Cohort:
    """The people of one transport: user ids `prefix` + a suffix, in `team`. Their plans are
    seeded by `key(user)`, the same for every cohort, so each transport gets the same work."""

    transport: str
    team: str
    prefix: str

    def key(self, user: str) -> str:
        return "UT" + user.removeprefix(self.prefix)

    def name(self, phase: str) -> str:
        return f"{self.transport}:{phase}"


def cohorts(cfg: Config) -> list[Cohort]:
    """The first transport's cohort is team T0001 (`UT…`): BOSS's reports are theirs."""
    return [
        Cohort(t, TEAM_ID, "UT") if i == 0 else Cohort(t, OTHER_TEAM_ID, "UP")
        for i, t in enumerate(cfg.transports)
    ]


@dataclass
class Servers:
    """The bot and the floors of one transport."""

    cohort: Cohort
    bot: Proc
    floors: dict[str, Proc]


@dataclass
class Run:
    cfg: Config
    fake: FakeSlack
    counted_bot: Proc
    redis: Proc
    turns: RedisTurns
    probe: RedisProbe
    store: RedisStore
    tmp: Path
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    phases: dict[str, Any] = field(default_factory=dict)
    profiles: dict[str, Any] = field(default_factory=dict)

    def driver(self, proc: Proc, phase: str, cohort: Cohort) -> Driver:
        return Driver(
            "127.0.0.1", proc.port, SECRET, self.fake, phase, cohort.transport, cohort.team
        )

    async def phase(
        self,
        name: str,
        srv: Servers,
        proc: Proc,
        work: Callable[[Driver], Any],
        *,
        profiled: bool = False,
    ) -> Any:
        """Run `work` with a driver aimed at `proc`; book its samples, CPU per process (the
        transport's bot and floors, Redis, this harness), Redis commands and Web API calls."""
        print(f"  {name} …", file=sys.stderr, flush=True)
        await asyncio.sleep(0.5)  # the Web API calls of the previous phase have all arrived
        self.fake.drain()
        driver = self.driver(proc, name, srv.cohort)
        cpu, lag = Cpu({"bot": srv.bot, "redis": self.redis, **srv.floors}), LoopLag()
        recording = None
        if profiled and self.cfg.profile:
            recording = spy.record(proc.pid, self.tmp / f"{name}.spy")
            await asyncio.sleep(1.0)  # py-spy attaches
        busy_before, calls_before = self.fake.busy_seconds, len(self.fake.log)
        cpu_before, redis_before, began = cpu.read(), self.probe.counters(), time.monotonic()
        with lag:
            result = await work(driver)
        seconds = time.monotonic() - began
        if recording is not None:
            await asyncio.to_thread(recording.stop)
            self.profiles[name] = spy.summarise(recording.path)
        redis_delta = RedisProbe.diff(redis_before, self.probe.counters())
        self.samples[name] = driver.samples
        self.phases[name] = {
            "seconds": seconds,
            "cpu_seconds": Cpu.diff(cpu_before, cpu.read()),
            "loop_lag": dist_ms(lag.lags),
            "redis": {"commands": sum(redis_delta.commands.values()), "reads": redis_delta.reads},
            "fake_busy_seconds": self.fake.busy_seconds - busy_before,
            "api_calls": len(self.fake.log) - calls_before,
        }
        return result


# ---------------------------------------------------------------------- people


def members(cfg: Config, prefix: str = "UT") -> list[str]:
    """A cohort's people on the roster: in the first cohort `team` of them report to BOSS,
    all others to OTHER_BOSS. The paced people are the first N; the people of saturation and
    of the in-flight phases come after them."""
    pool = max((cfg.saturation_users + sum(cfg.concurrency)) * 10, 50)
    return [f"{prefix}{i:05d}" for i in range(max(cfg.team, cfg.interviews + pool))]


def plan_for(cfg: Config, user: str, index: int, key: str = "", **kw: Any) -> Plan:
    rng = random.Random(f"{cfg.seed}:plan:{key or user}")
    stop: Stop = "finish"
    if index % 10 == 1:
        stop = "pause"
    elif index % 10 == 2:
        stop = "review"
    fields: dict[str, Any] = {
        "user": user,
        "specialty": rng.choice(SPECIALTIES),
        "level": rng.randint(0, 5),
        "stop": stop,
        "pause_after": rng.randint(2, 5),
        "seed": cfg.seed,
        "key": key,
    }
    return Plan(**(fields | kw))


async def everyone(driver: Driver, plans: list[Plan]) -> list[Transcript]:
    return list(await asyncio.gather(*(interview(driver, p) for p in plans)))


async def one_by_one(driver: Driver, plans: list[Plan]) -> list[Transcript]:
    return [await interview(driver, p) for p in plans]


async def saturate(
    driver: Driver, cfg: Config, cohort: Cohort, pool: Iterator[str], *, until: float, slots: int
) -> list[list[Transcript]]:
    """`slots` people at once, each interviewing new people back to back until `until`."""

    async def slot() -> list[Transcript]:
        logs = []
        while time.monotonic() < until and (user := next(pool, None)) is not None:
            plan = plan_for(cfg, user, 0, cohort.key(user), stop="finish", until=until)
            logs.append(await interview(driver, plan))
        return logs

    return list(await asyncio.gather(*(slot() for _ in range(slots))))


async def saturate_floor(driver: Driver, slots: list[list[Transcript]], until: float) -> None:
    """Each slot sends again what the same slot sent to the bot, cycling, until `until`."""

    async def slot(logs: list[Transcript]) -> None:
        while logs and time.monotonic() < until:
            for log in logs:
                if time.monotonic() >= until:
                    return
                await replay(driver, log, paced=False, until=until)

    await asyncio.gather(*(slot(logs) for logs in slots))


def throughput(samples: list[Sample], start: float, until: float) -> float:
    """Interactions whose awaited Web API call arrived in the last 3/4 of the window, per s."""
    begin = start + (until - start) / 4
    done = sum(1 for s in samples if begin <= s.next_at <= until and s.kind != "duplicate")
    return done / (until - begin)


# ---------------------------------------------------------------------- phases


async def accounting(run: Run, cfg: Config, srv: Servers) -> dict[str, Any]:
    """Round trips (proxy) and Redis commands (INFO commandstats) per request kind, people one
    after another on the counted bot, waiting for the after-ack work to finish each time."""
    per_kind: dict[str, list[tuple[int, Counter[str]]]] = {}
    state: dict[str, Any] = {"kind": None, "turns": run.turns.turns, "counters": None}

    async def settle_and_book(next_kind: Kind | None) -> None:
        await asyncio.sleep(0.15)
        counters = run.probe.counters()
        if state["kind"] is not None:
            delta = RedisProbe.diff(state["counters"], counters)
            per_kind.setdefault(state["kind"], []).append(
                (run.turns.turns - state["turns"], delta.commands)
            )
        state.update(kind=next_kind, turns=run.turns.turns, counters=counters)

    driver = run.driver(run.counted_bot, "count", srv.cohort)
    logs = []
    for i, user in enumerate(("UA0001", "UA0002", "UA0003")):
        plan = plan_for(cfg, user, 0, level=3 + i % 2)

        async def before(kind: Kind) -> None:
            await settle_and_book(kind)

        logs.append(await interview(driver, plan, before))
    await settle_and_book(None)
    out: dict[str, Any] = {}
    for kind, rows in per_kind.items():
        commands: Counter[str] = Counter()
        for _, c in rows:
            commands.update(c)
        out[kind] = {
            "n": len(rows),
            "round_trips": statistics.mean(t for t, _ in rows),
            "round_trips_max": max(t for t, _ in rows),
            "commands": sum(commands.values()) / len(rows),
            "by_command": {k: v / len(rows) for k, v in sorted(commands.items())},
        }
    out["_transcripts"] = logs
    return out


async def team_summary(run: Run, cfg: Config, srv: Servers) -> dict[str, Any]:
    """`/itss team` by BOSS: times on the main bot (repeated), round trips on the counted bot."""
    inbox = run.fake.inbox(f"D{BOSS}")

    async def once(proc: Proc) -> dict[str, float]:
        run.fake.drain()
        driver = run.driver(proc, "team", srv.cohort)
        sample = await driver.send("team", driver.slash_body(BOSS, "team"))
        posts: list[float] = []
        uploaded = math.nan
        while True:
            call = await asyncio.wait_for(inbox.get(), 60)
            if call.method == "chat.postMessage":
                posts.append(call.at)
            elif call.method == "files.completeUploadExternal":
                uploaded = call.at
            elif call.method == "response_url":
                break
        listed = [at for m, at in run.fake.log if m == "users.list" and at >= sample.sent]
        return {
            "ack": sample.acked - sample.sent,
            "users_list_calls": len(listed),
            "users_list_first": (listed[0] - sample.sent) if listed else math.nan,
            "users_list_last": (listed[-1] - sample.sent) if listed else math.nan,
            "first_post": posts[0] - sample.sent,
            "last_post": posts[-1] - sample.sent,
            "messages": len(posts),
            "csv_uploaded": uploaded - sample.sent,
            "done": call.at - sample.sent,
        }

    runs = [await once(srv.bot) for _ in range(cfg.team_repeats)]
    recording = spy.record(srv.bot.pid, run.tmp / "team.spy") if cfg.profile else None
    if recording is not None:  # extra runs: sampling slows the workers down
        await asyncio.sleep(1.0)  # py-spy attaches
        for _ in range(cfg.team_repeats):
            await once(srv.bot)
        await asyncio.to_thread(recording.stop)
    breakdown = await asyncio.to_thread(team_breakdown, run, cfg)
    await asyncio.sleep(0.2)
    turns, before = run.turns.turns, run.probe.counters()
    counted = await once(run.counted_bot)
    await asyncio.sleep(0.2)
    delta = RedisProbe.diff(before, run.probe.counters())
    return {
        "members": cfg.team,
        "runs": runs,
        "median": {k: statistics.median(r[k] for r in runs) for k in runs[0]},
        "round_trips": run.turns.turns - turns,
        "commands": dict(delta.commands),
        "counted_run": counted,
        "breakdown_ms": breakdown,
        "profile": spy.summarise(recording.path) if recording is not None else None,
    }


def fill_team(run: Run, cfg: Config) -> int:
    """Give every report of BOSS with neither a result nor an interview in progress a result,
    so the summary shows the worst case (a stored result is ~10 KB of JSON) whatever this
    run's interviews reached. The records come from interviews of the personas run with the
    bot's own Interview and written through the store's API. Returns how many were added."""
    interview_ = Interview(FW)
    now = datetime.now(UTC)
    filled = 0
    for i, user in enumerate(members(cfg)[: cfg.team]):
        key = PersonKey(team=TEAM_ID, user=user)
        if run.store.latest(key) or run.store.load(key) is not None:
            continue
        plan = plan_for(cfg, user, i)
        session, done, _ = persona_interview(interview_, key, plan.specialty, plan.level, now)
        assert done.record is not None
        run.store.save(session, expected_step=None)
        run.store.complete(done.session, done.record, expected_step=session.step)
        filled += 1
    return filled


def team_breakdown(run: Run, cfg: Config) -> dict[str, Any]:
    """benchmarks/team_steps.py in a fresh process (this one is busy and full of objects):
    the read model at each of `cfg.team_sizes`, beside its raw-read floor, by size."""
    sizes = ",".join(map(str, cfg.team_sizes))
    if not sizes:
        return {}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.team_steps", run.probe.url, "--sizes", sizes],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    steps: dict[str, Any] = json.loads(done.stdout)
    return steps


# ---------------------------------------------------------------------- checks


def team_of(user: str) -> str:
    return OTHER_TEAM_ID if user.startswith("UP") else TEAM_ID


def expected_json(log: Transcript) -> dict[str, Any]:
    return {fact: to_json_value(v) for fact, v in log.answers.items()}


def check(run: Run, logs: list[Transcript], managed: set[str]) -> dict[str, Any]:
    """Every answer the bot confirmed is stored exactly once, and each person received exactly
    the Web API calls their clicks call for."""
    lost = doubled = answers = unanswered_dups = stale_notes = 0
    problems: list[str] = []
    outcomes: Counter[str] = Counter()
    for log in logs:
        user = log.plan.user
        outcomes[log.outcome.split(":")[0]] += 1
        answers += len(log.answers)
        key = PersonKey(team=team_of(user), user=user)
        want = expected_json(log)
        if log.outcome.startswith("lost"):
            problems.append(f"{user}: {log.outcome}")
            lost += 1
        if log.outcome == "finished":
            history = run.store.history(key)
            stored = history[-1].answers if history else {}
            doubled += max(0, len(history) - 1)
            if run.store.load(key) is not None:
                problems.append(f"{user}: a session is left after the result")
        else:
            session = run.store.load(key)
            stored = session.answers if session else {}
        missing = [f for f in want if stored.get(f) != want[f]]
        extra = [f for f in stored if f not in want]
        lost += len(missing)
        doubled += len(extra)
        if missing or extra:
            problems.append(f"{user}: missing {missing}, not sent {extra}")
        channel = f"D{user}"
        n = len(log.answers)
        finished = log.outcome == "finished"
        paused = log.outcome == "paused"
        posts = 1 + n + (1 if finished else 0) + (1 if finished and user not in managed else 0)
        updates = n + (1 if finished or paused else 0)
        got_posts = run.fake.count("chat.postMessage", channel, BOT_TOKEN)
        got_updates = run.fake.count("chat.update", channel, BOT_TOKEN)
        notes = run.fake.count("chat.postEphemeral", channel, BOT_TOKEN)
        if log.outcome.startswith(("finished", "paused", "review", "cut")):
            doubled += max(0, got_posts - posts) + max(0, got_updates - updates)
            if (got_posts, got_updates) != (posts, updates):
                problems.append(
                    f"{user}: {got_posts}/{posts} posts, {got_updates}/{updates} updates"
                )
        unanswered_dups += max(0, log.duplicates - notes)
        stale_notes += notes
    return {
        "people": len(logs),
        "outcomes": dict(outcomes),
        "answers": answers,
        "duplicates": sum(log.duplicates for log in logs),
        "stale_notes": stale_notes,
        "duplicates_without_note": unanswered_dups,
        "lost": lost,
        "doubled": doubled,
        "problems": problems[:20],
    }


def memory(run: Run, logs: list[Transcript]) -> dict[str, Any]:
    """MEMORY USAGE of the session keys of the interviews left open, by how they were left."""
    out: dict[str, Any] = {}
    for outcome in ("paused", "review"):
        sizes = [
            run.probe.memory_usage(
                run.store.session_key(PersonKey(team=TEAM_ID, user=log.plan.user))
            )
            for log in logs
            if log.outcome == outcome
        ]
        answered = [len(log.answers) for log in logs if log.outcome == outcome]
        if sizes:
            out[outcome] = {
                "n": len(sizes),
                "mean_bytes": statistics.mean(sizes),
                "max_bytes": max(sizes),
                "mean_answers": statistics.mean(answered),
            }
    return out


# ---------------------------------------------------------------------- the run


def latencies(samples: list[Sample], timing: dict[str, tuple[float, float]]) -> dict[str, Any]:
    """Ack (server, client) over every request; next screen over answers."""
    requests = [s for s in samples if s.status == 200]
    answers = [s for s in requests if s.kind == "answer"]
    server = [timing[s.rid][1] for s in requests if s.rid in timing]
    return {
        "requests": len(requests),
        "timed_by_server": len(server),
        "ack_server": dist_ms(server),
        "ack_client": dist_ms([s.acked - s.sent for s in requests]),
        "next_client": dist_ms([s.next_at - s.sent for s in answers]),
        "next_server": dist_ms([s.next_at - timing[s.rid][0] for s in answers if s.rid in timing]),
        "update_client": dist_ms([s.update_at - s.sent for s in answers]),
        "by_kind_ack_server": {
            kind: dist_ms(
                [timing[s.rid][1] for s in requests if s.kind == kind and s.rid in timing]
            )
            for kind in sorted({s.kind for s in requests})
        },
    }


@dataclass
class CohortLogs:
    """What one transport's people did: every transcript, and those of the paced phase."""

    all: list[Transcript] = field(default_factory=list)
    paced: list[Transcript] = field(default_factory=list)
    saturation: int = 0


async def transport_phases(run: Run, srv: Servers, first: bool) -> CohortLogs:
    """Phases 1–5 for one transport: warm-up, idle, paced, saturation, requests in flight."""
    cfg, cohort = run.cfg, srv.cohort
    name = cohort.name
    people = members(cfg, cohort.prefix)
    paced_people, pool = people[: cfg.interviews], iter(people[cfg.interviews :])
    out = CohortLogs()

    def plan(user: str, index: int, **kw: Any) -> Plan:
        return plan_for(cfg, user, index, cohort.key(user), **kw)

    warm = [plan(f"{cohort.prefix}W{i:04d}", i, stop="finish") for i in range(cfg.warmup)]
    warm_logs = await run.phase(name("warmup"), srv, srv.bot, lambda d: everyone(d, warm))
    out.all += warm_logs
    for mode, proc in srv.floors.items():
        await run.phase(
            name(f"warmup-{mode}"),
            srv,
            proc,
            lambda d: asyncio.gather(*(replay(d, w, paced=False) for w in warm_logs)),
        )

    idle = [plan(f"{cohort.prefix}I{i:04d}", 0, think=0.15, stop="finish") for i in range(cfg.idle)]
    out.all += await run.phase(name("idle"), srv, srv.bot, lambda d: one_by_one(d, idle))

    rng = random.Random(f"{cfg.seed}:delays")
    paced = [
        plan(
            user,
            i,
            think=cfg.think,
            duplicate_rate=cfg.duplicate_rate,
            delay=rng.uniform(0, 2 * cfg.think),
        )
        for i, user in enumerate(paced_people)
    ]
    out.paced = await run.phase(name("paced"), srv, srv.bot, lambda d: everyone(d, paced))
    out.all += out.paced
    for mode, proc in srv.floors.items():
        await run.phase(
            name(f"paced-{mode}"),
            srv,
            proc,
            lambda d: asyncio.gather(*(replay(d, log, paced=True) for log in out.paced)),
        )

    async def closed_loop(phase: str, slots: int, seconds: float) -> None:
        """`slots` people with no think time on the bot, then the floor replaying them."""
        window: dict[str, float] = {}

        def until() -> float:
            window["start"] = time.monotonic()
            window["until"] = window["start"] + seconds
            return window["until"]

        logs = await run.phase(
            name(phase),
            srv,
            srv.bot,
            lambda d: saturate(d, cfg, cohort, pool, until=until(), slots=slots),
        )
        run.phases[name(phase)]["per_second"] = throughput(run.samples[name(phase)], **window)
        run.phases[name(phase)]["slots"] = slots
        flat = [log for slot in logs for log in slot]
        out.all += flat
        if phase == "saturation":
            out.saturation = len(flat)
        if "after-ack" in srv.floors:
            floor = name(f"{phase}-after-ack")
            await run.phase(
                floor, srv, srv.floors["after-ack"], lambda d: saturate_floor(d, logs, until())
            )
            run.phases[floor]["per_second"] = throughput(run.samples[floor], **window)
            run.phases[floor]["slots"] = slots

    await closed_loop("saturation", cfg.saturation_users, cfg.saturation_seconds)
    for n in cfg.concurrency:
        await closed_loop(f"inflight-{n}", n, cfg.concurrency_seconds)

    if cfg.profile and first:  # apart from the measured run: sampling slows the workers down
        slots = await run.phase(
            name("saturation-profiled"),
            srv,
            srv.bot,
            lambda d: saturate(
                d, cfg, cohort, pool, until=time.monotonic() + 10, slots=cfg.saturation_users
            ),
            profiled=True,
        )
        out.all += [log for slot in slots for log in slot]
    return out


async def common_phases(run: Run, srv: Servers) -> dict[str, Any]:
    """Phases 6–7 over the first transport: Redis accounting, the team summary."""
    cfg = run.cfg
    # Right before the accounting, so that no pooled connection has been idle for 30 s
    # (redis-py would PING it first) and both workers have loaded the Lua scripts.
    warm_count = [plan_for(cfg, f"UWC{i:04d}", i, stop="finish") for i in range(4)]
    logs = await run.phase("warmup-count", srv, run.counted_bot, lambda d: everyone(d, warm_count))
    print("  accounting …", file=sys.stderr, flush=True)
    counted = await accounting(run, cfg, srv)
    logs += counted.pop("_transcripts")
    print("  team …", file=sys.stderr, flush=True)
    filled = await asyncio.to_thread(fill_team, run, cfg)
    team = await team_summary(run, cfg, srv)
    team["filled"] = filled
    if team["profile"] is not None:
        run.profiles["team"] = team.pop("profile")
    await asyncio.sleep(0.5)  # late stale-click notes
    return {"accounting": counted, "team": team, "_transcripts": logs}


def roster(cfg: Config, cohort: Cohort) -> dict[str, list[str]]:
    people = members(cfg, cohort.prefix)
    boss = cohort.team == TEAM_ID
    out = {user: [BOSS] if boss and i < cfg.team else [OTHER_BOSS] for i, user in enumerate(people)}
    if boss:
        out |= {f"UA000{i}": [OTHER_BOSS] for i in range(1, 4)}
    return out


def workspace(cfg: Config) -> list[str]:
    """Everyone users.list returns (the team summary's CSV names, team T0001), in a fixed
    shuffled order (a real list is not sorted by team), with the managers and a few people
    who are not on the roster."""
    main = Cohort("", TEAM_ID, "UT")
    people = [*roster(cfg, main), BOSS, OTHER_BOSS, *(f"UX{i:05d}" for i in range(100))]
    random.Random(f"{cfg.seed}:workspace").shuffle(people)
    return people


async def main_async(cfg: Config) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="itss-bench-") as tmp_name:
        tmp = Path(tmp_name)
        procs: list[Proc] = []
        certs = make_certificates(tmp / "tls")
        fake = FakeSlack()
        await fake.start(certs.server_context() if "https" in cfg.transports else None)
        redis_proc, redis_url = start_redis(tmp)
        procs.append(redis_proc)
        turns = RedisTurns(redis_proc.port)
        await turns.start()
        groups = cohorts(cfg)
        try:
            store = RedisStore.from_url(redis_url)
            for cohort in groups:
                store.set_managers(cohort.team, roster(cfg, cohort))
            fake.users = workspace(cfg)

            def env(
                name: str, transport: str, url: str = redis_url, token: str = BOT_TOKEN
            ) -> dict[str, str]:
                api = fake.url(transport)
                timing = tmp / f"{name}.timing"
                # Trusted as a deployment trusts Slack: the system bundle and the run's CA.
                return {
                    **server_env(api, SECRET, url, timing, token),
                    "SSL_CERT_FILE": str(certs.bundle),
                }

            async def start(name: str, env: dict[str, str]) -> Proc:
                # In a thread: this loop must keep answering the fake Slack.
                proc = await asyncio.to_thread(start_bot, tmp, env, cfg.workers, cfg.threads, name)
                procs.append(proc)
                return proc

            first = groups[0].transport
            # The counted bot's background outbox drain is off (OUTBOX_POLL_SECONDS=0): its
            # polls would land in whichever request kind is being counted. The main bots' run.
            counted_env = {**env("bot-counted", first, turns.url), "OUTBOX_POLL_SECONDS": "0"}
            counted = await start("bot-counted", counted_env)
            probe = RedisProbe(redis_url)
            run = Run(cfg, fake, counted, redis_proc, turns, probe, store, tmp)
            bots: list[Proc] = [counted]
            logs: list[Transcript] = []
            per_cohort: dict[str, CohortLogs] = {}
            main_servers: Servers | None = None
            for i, cohort in enumerate(groups):
                t = cohort.transport
                print(f"  over {t} …", file=sys.stderr, flush=True)
                bot = await start(f"bot-{t}", env(f"bot-{t}", t))
                bots.append(bot)
                floors = {}
                modes = FLOOR_MODES if i == 0 else ("after-ack",)  # Bolt's default: once
                for mode in modes if cfg.floors else ():
                    floor_env = env(f"floor-{mode}-{t}", t, token=FLOOR_TOKEN)
                    floors[mode] = await asyncio.to_thread(
                        start_floor, tmp, floor_env, mode, cfg.workers, cfg.threads,
                        name=f"floor-{mode}-{t}",
                    )  # fmt: skip
                    procs.append(floors[mode])
                srv = Servers(cohort, bot, floors)
                per_cohort[t] = await transport_phases(run, srv, first=i == 0)
                logs += per_cohort[t].all
                # Free the cores and the memory for what follows; the first bot stays for
                # the team summary.
                for proc in [*floors.values(), *([bot] if i else [])]:
                    await asyncio.to_thread(proc.stop)
                if i == 0:
                    main_servers = srv
            assert main_servers is not None
            common = await common_phases(run, main_servers)
            logs += common.pop("_transcripts")
            timing: dict[str, tuple[float, float]] = {}
            for path in tmp.glob("*.timing"):
                timing |= read_timing(path)
            managed = {u for cohort in groups for u in roster(cfg, cohort)}
            main_logs = per_cohort[first]
            figures = {
                "transports": [c.transport for c in groups],
                "latency": {name: latencies(s, timing) for name, s in run.samples.items()},
                "phases": run.phases,
                **common,
                "memory": memory(run, main_logs.paced),
                "check": check(run, logs, managed),
                "bot_errors": sum(bot.errors() for bot in bots),
                "profile": run.profiles,
                "paced_people": len(main_logs.paced),
                "saturation_people": {t: c.saturation for t, c in per_cohort.items()},
                "ca_bundle_certificates": certs.bundle.read_text().count("BEGIN CERTIFICATE"),
                "fake_requests_by_transport": dict(fake.by_transport),
            }
            probe.close()
            store.close()
            return figures
        finally:
            for proc in reversed(procs):
                await asyncio.to_thread(proc.stop)
            await turns.stop()
            await fake.stop()


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": f"{platform.python_version()} ({platform.python_implementation()})",
        "system": f"{platform.system()} {platform.release()} {platform.machine()}",
        "load_before": os.getloadavg()[0],
    }


def parse(argv: list[str]) -> tuple[Config, argparse.Namespace]:
    defaults = Config()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interviews", type=int, default=defaults.interviews)
    parser.add_argument(
        "--think", type=float, default=defaults.think, help="mean seconds per screen"
    )
    parser.add_argument("--workers", type=int, default=defaults.workers)
    parser.add_argument("--threads", type=int, default=defaults.threads)
    parser.add_argument("--team", type=int, default=defaults.team, help="reports of the manager")
    parser.add_argument("--team-repeats", type=int, default=defaults.team_repeats)
    parser.add_argument(
        "--team-sizes",
        default=",".join(map(str, defaults.team_sizes)),
        help="team sizes for the read-model figures (benchmarks/team_steps.py)",
    )
    parser.add_argument("--saturation-users", type=int, default=defaults.saturation_users)
    parser.add_argument("--saturation-seconds", type=float, default=defaults.saturation_seconds)
    parser.add_argument(
        "--transport",
        choices=("https", "http", "both"),
        default="both",
        help="how the bot and the floor reach the fake Slack (both: HTTPS first, then HTTP)",
    )
    parser.add_argument(
        "--concurrency",
        default=",".join(map(str, defaults.concurrency)),
        help="requests in flight of the closed-loop phases, comma-separated (empty: none)",
    )
    parser.add_argument("--concurrency-seconds", type=float, default=defaults.concurrency_seconds)
    parser.add_argument(
        "--duplicates",
        type=float,
        default=defaults.duplicate_rate,
        help="share of answers double-clicked (sent twice at once)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="py-spy the bot at saturation (py-spy on PATH)"
    )
    parser.add_argument("--no-floor", action="store_true", help="skip the floor app")
    parser.add_argument("--out", type=Path, default=report.DOC, help="Markdown file to update")
    parser.add_argument("--no-doc", action="store_true", help="do not write --out")
    parser.add_argument("--json", type=Path, help="also write every figure as JSON here")
    args = parser.parse_args(argv)
    cfg = Config(
        interviews=args.interviews,
        think=args.think,
        workers=args.workers,
        threads=args.threads,
        team=args.team,
        team_repeats=args.team_repeats,
        team_sizes=tuple(int(n) for n in args.team_sizes.split(",") if n.strip()),
        saturation_users=min(args.saturation_users, max(1, args.interviews)),
        saturation_seconds=args.saturation_seconds,
        floors=not args.no_floor,
        profile=args.profile,
        duplicate_rate=args.duplicates,
        idle=min(Config.idle, max(1, args.interviews)),
        warmup=min(Config.warmup, max(2, args.interviews)),
        transports=TRANSPORTS if args.transport == "both" else (args.transport,),
        concurrency=tuple(int(n) for n in args.concurrency.split(",") if n.strip()),
        concurrency_seconds=args.concurrency_seconds,
    )
    return cfg, args


def main(argv: list[str] | None = None) -> int:
    cfg, args = parse(sys.argv[1:] if argv is None else argv)
    command = "benchmarks/run" + "".join(
        f" {shlex.quote(a)}" for a in (sys.argv[1:] if argv is None else argv)
    )
    print(f"{command}: {cfg.interviews} interviews …", file=sys.stderr, flush=True)
    started = datetime.now(UTC)
    figures = asyncio.run(main_async(cfg))
    result = {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "command": command,
        "machine": machine(),
        "config": asdict(cfg),
        **figures,
    }
    text = report.section(result)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str, allow_nan=True))
    if not args.no_doc:
        report.write_section(args.out, text)
        print(f"wrote {args.out}", file=sys.stderr)
    ok = result["check"]["lost"] == 0 and result["check"]["doubled"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
