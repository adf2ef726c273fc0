"""Fault fixtures: private `redis-server` processes, `itss-bot serve --http` processes that can
be killed with SIGKILL, a Web API mock that can refuse chosen users, a load balancer that sends
each request to a random replica, and a Person driver bound to the message it clicks.

Nothing here touches the shared Redis at REDIS_URL: the bot processes use the default key
prefix `itss`, so every test that starts one gets its own `redis-server` on a free loopback
port, in a temporary directory, stopped (SIGKILL if need be) when the test ends.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from bot import ids
from flows.facts import FactValue, to_json_value
from flows.interview import Command, Interview
from flows.personas import persona
from flows.service import InterviewService
from flows.session import PersonKey, Phase, ResultRecord
from flows.storage.memory import MemoryStore
from flows.storage.redis_store import RedisStore
from framework_data.loader import load_default
from tests.bot.slack_env import (
    SECRET,
    Bot,
    Person,
    asked_fact,
    blocks_text,
    checked,
    settings_for,
    ticked,
)
from tests.slack_mock import Call, MockSlackApi
from tests.slack_requests import HttpResult, SlackClient

FW = load_default()
TEAM = "T0001"  # the team SlackClient signs requests for
BIN = Path(sys.executable).parent / "itss-bot"
REDIS_SERVER = shutil.which("redis-server")
REDIS_CLI = shutil.which("redis-cli")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def free_cluster_port() -> int:
    """A free port P whose cluster bus port P + 10000 is free (and exists) too."""
    for _ in range(100):
        port = free_port()
        if port + 10000 > 65535:
            port = random.randrange(20000, 55000)
        try:
            with socket.socket() as a, socket.socket() as b:
                a.bind(("127.0.0.1", port))
                b.bind(("127.0.0.1", port + 10000))
        except OSError:
            continue
        return port
    raise AssertionError("no free pair of ports P, P + 10000 on 127.0.0.1")


def wait_until(predicate: Callable[[], object], timeout: float, what: str) -> None:
    """Poll `predicate` every 20 ms until it is truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


def _pings(url: str) -> bool:
    client = redis.Redis.from_url(
        url, socket_connect_timeout=0.5, socket_timeout=0.5, retry=Retry(NoBackoff(), 0)
    )
    try:
        return bool(client.ping())
    except redis.RedisError:  # refused, or still loading its AOF (LOADING)
        return False
    finally:
        client.close()


# ---------------------------------------------------------------------- redis-server


class RedisProcess:
    """A `redis-server` of this test alone on 127.0.0.1:<free port>, data in `workdir`.

    `aof=True` starts it with `--appendonly yes --appendfsync always`, so a restart (even
    after SIGKILL) finds every acknowledged write again. Production runs `everysec`, whose one
    documented window (a slow disk postpones the AOF write by up to 2 s, so a crash then loses
    acknowledged writes: docs/deploy.md#redis) these tests leave out: they test how our code
    meets a crash, and on a loaded CI disk that window (a lost claim) is the likely cause of
    one duplicate send seen once in CI. `start()` after `kill()` reuses the port and the directory."""

    def __init__(self, workdir: Path, *, aof: bool = False, extra: Sequence[str] = ()) -> None:
        if REDIS_SERVER is None:
            pytest.skip("no redis-server binary on PATH")
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.aof = aof
        self.extra = list(extra)
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def argv(self) -> list[str]:
        assert REDIS_SERVER is not None
        return [
            REDIS_SERVER,
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--dir",
            str(self.dir),
            "--save",
            "",
            "--appendonly",
            "yes" if self.aof else "no",
            "--appendfsync",
            "always" if self.aof else "everysec",
            "--daemonize",
            "no",
            "--logfile",
            "redis.log",
            *self.extra,
        ]

    def start(self, timeout: float = 10.0) -> RedisProcess:
        assert self.proc is None or self.proc.poll() is not None, "already running"
        with (self.dir / "redis.out").open("ab") as out:  # what it says before its log opens
            self.proc = subprocess.Popen(
                self.argv(), cwd=self.dir, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while not _pings(self.url):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                log = self.log_tail()
                self.stop()
                raise AssertionError(f"redis-server on port {self.port} did not start:\n{log}")
            time.sleep(0.02)
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Stop it now (SIGKILL: a crash; SIGTERM: a shutdown) and wait until it is gone."""
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(sig)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def stop(self) -> None:
        self.kill(signal.SIGKILL)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, decode_responses=True)

    def log_tail(self) -> str:
        text = ""
        for name in ("redis.out", "redis.log"):
            path = self.dir / name
            if path.exists():
                text += path.read_text(errors="replace")[-2000:]
        return text


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisProcess]:
    """A Redis of this test alone, without persistence."""
    server = RedisProcess(tmp_path / "redis").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def aof_redis(tmp_path: Path) -> Iterator[RedisProcess]:
    """A Redis of this test alone with AOF persistence: its data survives a restart."""
    server = RedisProcess(tmp_path / "redis-aof", aof=True).start()
    try:
        yield server
    finally:
        server.stop()


# ---------------------------------------------------------------------- Web API mock


class SlackApi(MockSlackApi):
    """MockSlackApi that can also refuse the DM channel of chosen users (conversations.open
    answers `{"ok": false, "error": …}` for them, as Slack does for a deleted or deactivated
    account), while everyone else is served normally."""

    def __init__(self) -> None:
        super().__init__()
        self._refused: dict[str, str] = {}

    def refuse_dm(self, user: str, error: str = "user_not_found") -> None:
        with self._lock:
            self._refused[user] = error

    def clear_faults(self) -> None:
        """Drop injected faults, delays, overrides and refusals (recorded calls stay)."""
        with self._lock:
            self._faults.clear()
            self._delays.clear()
            self._overrides.clear()
            self._refused.clear()

    def _m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        for user in str(args.get("users", "")).split(","):
            if user in self._refused:
                return {"ok": False, "error": self._refused[user]}
        return super()._m_conversations_open(args)

    def dms(self, user: str) -> list[Call]:
        """Messages posted to the user's DM (any outcome, retries included)."""
        return [c for c in self.calls("chat.postMessage") if c.args.get("channel") == f"D{user}"]

    def delivered(self, user: str) -> list[Call]:
        """Messages that reached the user's DM (HTTP 200, ok: true)."""
        return [c for c in self.dms(user) if c.status == 200 and (c.response or {}).get("ok")]


@pytest.fixture
def api() -> Iterator[SlackApi]:
    with SlackApi() as mock:
        yield mock


# ---------------------------------------------------------------------- the bot, as a process


def http_get(url: str, timeout: float = 5.0) -> tuple[int, dict[str, Any]]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(exc.read())
        finally:
            exc.close()


class BotProcess:
    """`itss-bot serve --http` (gunicorn, `workers` processes) on 127.0.0.1:<port>.

    It runs in its own process group with HOME pointing at its own directory (gunicorn's
    control socket lives under $HOME), so `kill9()` takes down the master and every worker at
    once, as a crashed container or an OOM kill would, and `start()` again brings it back on
    the same port. Its log is a file in `workdir` (`log_tail()`)."""

    def __init__(
        self,
        api: MockSlackApi,
        redis_url: str,
        workdir: Path,
        *,
        workers: int = 2,
        threads: int = 8,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.api = api
        self.extra_env = dict(extra_env or {})  # e.g. OUTBOX_LEASE_SECONDS
        self.redis_url = redis_url
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.workers = workers
        self.threads = threads
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.slack = SlackClient(self.base, SECRET, hooks_url=api.hooks_url)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.dir / "bot.log"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ITSS_"))}
        env.pop("XDG_RUNTIME_DIR", None)
        env.update(
            {
                "HOME": str(self.dir),
                "SLACK_BOT_TOKEN": "xoxb-test-token",
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_URL": self.api.url,
                "REDIS_URL": self.redis_url,
                "ITSS_ADMINS": "UADMIN",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def start(self, *, healthy: bool = True, timeout: float = 30.0) -> BotProcess:
        """Start it and wait until /healthz answers (200 when `healthy`, else any status)."""
        assert self.proc is None or self.proc.poll() is not None, "already running"
        argv = [str(BIN), "serve", "--http", "--host", "127.0.0.1", "--port", str(self.port)]
        argv += ["--workers", str(self.workers), "--threads", str(self.threads)]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                argv,
                cwd=self.dir,  # no stray .env is read
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1
        deadline = time.monotonic() + timeout
        while True:
            try:
                status, _ = self.health(timeout=2)
                if status == 200 or not healthy:
                    return self
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                tail = self.log_tail()
                self.stop()
                raise AssertionError(f"itss-bot serve did not come up:\n{tail}")
            time.sleep(0.05)

    def health(self, timeout: float = 5.0) -> tuple[int, dict[str, Any]]:
        return http_get(self.base + "/healthz", timeout=timeout)

    def kill9(self) -> None:
        """SIGKILL the master and all its workers at once (the process group), then reap."""
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        # The master is not reaped yet, so its pid (= the group id) cannot have been reused.
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        # Its workers die with the group; wait until nothing answers on the port any more.
        wait_until(lambda: not self._listening(), 10, "the killed bot's port to close")

    def stop(self) -> None:
        """SIGTERM (gunicorn's graceful shutdown); SIGKILL the group if it hangs."""
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def _listening(self) -> bool:
        with socket.socket() as s:
            s.settimeout(0.5)
            return s.connect_ex(("127.0.0.1", self.port)) == 0

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@contextlib.contextmanager
def bot_processes(
    api: MockSlackApi, redis_url: str, workdir: Path, count: int = 1, **kw: Any
) -> Iterator[list[BotProcess]]:
    """`count` bot processes on one Redis, started in parallel, stopped at the end."""
    bots = [BotProcess(api, redis_url, workdir / f"bot{i}", **kw) for i in range(count)]
    try:
        errors: list[BaseException] = []

        def start(bot: BotProcess) -> None:
            try:
                bot.start()
            except BaseException as exc:
                errors.append(exc)

        with_threads = [threading.Thread(target=start, args=(b,)) for b in bots]
        for t in with_threads:
            t.start()
        for t in with_threads:
            t.join(timeout=60)
        if errors:
            raise errors[0]
        yield bots
    finally:
        for bot in bots:
            bot.stop()


# ---------------------------------------------------------------------- load balancer


class LoadBalancer(SlackClient):
    """A SlackClient that sends every request to one of several replicas chosen at random,
    as a load balancer without sticky sessions would. `served` counts requests per replica."""

    def __init__(self, bases: Sequence[str], hooks_url: str, seed: int = 0) -> None:
        super().__init__(bases[0], SECRET, hooks_url=hooks_url)
        self.bases = [b.rstrip("/") for b in bases]
        self.rng = random.Random(seed)
        self.served: Counter[str] = Counter()
        self._pick = threading.Lock()
        self._local = threading.local()

    @property
    def url(self) -> str:
        return getattr(self._local, "base", self.base_url) + self.path

    def raw(self, body: bytes | str, headers: Any) -> HttpResult:
        with self._pick:
            base = self.rng.choice(self.bases)
            self.served[base] += 1
        self._local.base = base
        try:
            return super().raw(body, headers)
        finally:
            del self._local.base


# ---------------------------------------------------------------------- people


def person(api: MockSlackApi, slack: SlackClient, store: RedisStore, user: str) -> Person:
    """tests.bot.slack_env.Person, talking to `slack` (a bot process or a load balancer)."""
    return Person(Bot(api, slack, store, settings_for(api, store.where)), user)


def fact_on(call: Call) -> str:
    """The fact a question message asks (not necessarily the newest message)."""
    fact = asked_fact(blocks_text(call.args.get("blocks") or []))
    if fact is None:
        raise AssertionError(f"no known question on {call.args.get('text')!r}")
    return fact


def is_review(call: Call) -> bool:
    return ids.CONFIRM in blocks_text(call.args.get("blocks") or [])


def answer_click(who: Person, call: Call, value: FactValue) -> Callable[[], None]:
    """The click that answers the question on `call` with `value`, ready to send (and to send
    again: a double click is the same click twice)."""
    fact = FW.fact(fact_on(call))
    if fact.kind == "set" or fact.statements:
        state = checked(ticked(fact, value))
        element = who.button(call, ids.SET_SUBMIT)
        return lambda: who.click(element, call, state_values=state)
    if fact.kind == "bool":
        element = who.button(call, ids.ANSWER, "はい" if value else "いいえ")
        return lambda: who.click(element, call)
    if fact.kind == "ordinal":
        element = who.button(call, ids.ANSWER, str(value))
        return lambda: who.click(element, call)
    return lambda: who.type_number(str(value), call)


def confirm_click(who: Person, call: Call) -> Callable[[], None]:
    element = who.button(call, ids.CONFIRM)
    return lambda: who.click(element, call)


def question_posts(who: Person) -> list[Call]:
    return [c for c in who.posts() if str(c.args.get("text", "")).startswith("質問 ")]


def answer_until_review(
    who: Person, answers: dict[str, FactValue], limit: int = 40, timeout: float = 15.0
) -> Call:
    """Answer every question as `answers` says, one click at a time; the review message."""
    for _ in range(limit):
        screen = who.screen()
        if is_review(screen):
            return screen
        posts = len(who.posts())
        answer_click(who, screen, answers[fact_on(screen)])()
        who.wait_posts(posts + 1, timeout=timeout)
    raise AssertionError(f"{who.user}: no review after {limit} answers")


@dataclass(frozen=True)
class Expected:
    """What an interview by a persona must end with: the same run on an in-process store."""

    specialty: str
    level: int
    asked: list[str]
    answers: dict[str, Any]
    result_level: int
    answers_by_fact: dict[str, FactValue] = field(default_factory=dict)


def expected(specialty: str, level: int) -> Expected:
    facts = persona(specialty, level)
    svc = InterviewService(
        Interview(FW), MemoryStore(), lambda: datetime.now(UTC), lambda: uuid.uuid4().hex
    )
    key = PersonKey(team=TEAM, user="UREF")
    assert svc.start(key, specialty).outcome.applied
    for _ in range(40):
        session = svc.current(key)
        assert session is not None
        if session.state is not Phase.ASKING:
            break
        value = to_json_value(facts[session.current or ""])
        cmd = Command(action="answer", interview=session.id, step=session.step, value=value)
        assert svc.act(key, cmd).applied
    session = svc.current(key)
    assert session is not None
    assert session.state is Phase.REVIEWING
    outcome = svc.act(key, Command(action="confirm", step=session.step))
    assert outcome.record is not None
    return Expected(
        specialty,
        level,
        list(session.asked),
        dict(outcome.record.answers),
        outcome.record.verdict.level,
        facts,
    )


# By hand, from how flows.personas builds a persona of each level (not from the engine).
PERSONA_ROLE = {1: "operator", 2: "operator", 3: "member", 4: "leader", 5: "head"}
PERSONA_ENGAGEMENTS = {1: 1, 2: 3, 3: 3, 4: 3, 5: 3}


def assert_result(record: ResultRecord, want: Expected) -> None:
    """The stored result is the persona's known level (not only what the same engine on a
    memory store gives), with a few of its answers as the persona gave them."""
    assert record.specialty == want.specialty
    assert record.verdict.level == want.level, "the persona's own level"
    assert record.verdict.next_level == (want.level + 1 if want.level < 5 else None)
    assert record.answers["role"] == PERSONA_ROLE[want.level]
    assert record.answers["operations_count"] == PERSONA_ENGAGEMENTS[want.level]
    assert record.answers["followed_manuals"] is True
    assert record.verdict.level == want.result_level
    assert record.answers == want.answers


def key_of(user: str) -> PersonKey:
    return PersonKey(team=TEAM, user=user)


# ---------------------------------------------------------------------- two replicas


@dataclass
class Fleet:
    """Two bot processes (2 gunicorn workers each) behind a random load balancer, one Redis."""

    api: SlackApi
    redis: RedisProcess
    bots: list[BotProcess]
    store: RedisStore
    lb: LoadBalancer

    def person(self, user: str, via: int | None = None) -> Person:
        """A person whose requests go through the load balancer, or always to bot `via`."""
        slack = self.lb if via is None else self.bots[via].slack
        return person(self.api, slack, self.store, user)


@pytest.fixture(scope="session")
def fleet_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    workdir = tmp_path_factory.mktemp("fleet")
    server = RedisProcess(workdir / "redis").start()
    try:
        with SlackApi() as mock, bot_processes(mock, server.url, workdir, count=2) as bots:
            store = RedisStore.from_url(server.url)
            lb = LoadBalancer([b.base for b in bots], mock.hooks_url, seed=20260105)
            try:
                yield Fleet(mock, server, bots, store, lb)
            finally:
                store.close()
    finally:
        server.stop()


@pytest.fixture
def fleet(fleet_session: Fleet) -> Iterator[Fleet]:
    """The shared replicas; faults injected by a test are dropped when it ends. Tests use
    user ids of their own, so recorded calls and stored data do not mix."""
    yield fleet_session
    fleet_session.api.clear_faults()
    for bot in fleet_session.bots:
        assert bot.proc is not None
        assert bot.proc.poll() is None, f"a replica died:\n{bot.log_tail()}"
