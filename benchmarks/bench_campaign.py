"""A campaign of many people through the real app: invitations, then one reminder round.

    benchmarks/run campaign                       # 1,000 people, 3 runs, writes docs/benchmarks.md
    benchmarks/run campaign --people 20 --runs 1 --no-doc --json out.json   # a smoke run

Each run starts from an empty private redis-server and a fresh app (`bot.app.create_app`, in
this process, with a clock the benchmark moves and the outbox thread off) served over HTTP
on loopback by the production WSGI entry (`bot.server.wsgi_app`). The Web API is the fake
Slack of benchmarks/slack_fake.py over HTTPS (a certificate made at run time; the app trusts
the system CA bundle plus that CA, as a deployment trusts Slack), in a thread of this process.

1. The roster: `--people` members, ten to a manager, each with a specialty preset.
2. A signed `/itss campaign start NAME 3/25 all` by an admin; the clock is Friday 09:00 JST.
   Timed from the request to the arrival of the last invitation DM at the fake (the start
   sends them after the ack, through the outbox drain, before it replies).
3. The clock moves to the first reminder moment (Tuesday 10:00 JST); the outbox is drained
   as the poller would (`Courier.drain_due()` until nobody is due). Timed from the round's
   start to the last reminder DM.
4. The floor, in the same run: as many bare `chat.postMessage` calls, one after another
   (the drain sends one at a time), with the app's own Web API client configuration
   (`bot.app.web_client`: one TLS context, the retry handlers) to the same fake; and the same
   with a `conversations.open` before each post, the two calls an invitation makes.

Redis round trips are the packets the app's client sent (tests/flows/storage/test_contract's
CountingConnection: a pipeline is one); commands are the server's `INFO commandstats` delta
(commands run inside scripts included). Web API calls are what reached the fake. Every
member must get exactly one invitation and one reminder; otherwise the run fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis

from benchmarks import report
from benchmarks.campaign_report import HEADING, section, summary
from benchmarks.servers import RedisProbe, start_redis
from benchmarks.slack_fake import FakeSlack
from benchmarks.tls import Certificates, make_certificates
from bot.app import create_app, web_client
from bot.context import BotContext
from bot.server import wsgi_app
from bot.settings import Settings
from flows.calendar import reminder_moments, zone
from flows.storage.redis_scripts import client_options
from flows.storage.redis_store import RedisStore
from tests.flows.storage.test_contract import CountingConnection
from tests.slack_requests import SlackClient, serve_wsgi

SECRET = "bench-campaign-signing-secret"  # noqa: S105 - signs the benchmark's own requests
TOKEN = "xoxb-bench-campaign"  # noqa: S105
ADMIN, TEAM = "UADMIN", "T0001"
START = datetime(2027, 3, 19, 0, 0, tzinfo=UTC)  # Friday 09:00 JST
DUE = "3/25"
SPECIALTIES = ("system_operations", "network_operations", "customer_support")
WAIT_SECONDS = 600.0


class Counted(CountingConnection):
    """The app's Redis packets, this benchmark's own class (the counters are class-wide)."""


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@contextmanager
def fake_slack(certs: Certificates) -> Iterator[FakeSlack]:
    """The fake Slack over HTTPS in a thread with its own event loop."""
    fake, loop = FakeSlack(), asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fake-slack", daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(fake.start(certs.server_context()), loop).result(10)
    try:
        yield fake
    finally:
        asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def arrivals(fake: FakeSlack, since: float, method: str) -> list[float]:
    return [at for m, at in list(fake.log) if m == method and at >= since]


def wait_for(what: Callable[[], bool], label: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not what():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench_campaign: timed out waiting for {label}")
        time.sleep(0.005)


def calls_since(fake: FakeSlack, since: float) -> dict[str, int]:
    return dict(Counter(m for m, at in list(fake.log) if at >= since))


class Phase:
    """Round trips (client packets), server commands, Web API calls and CPU of one phase."""

    def __init__(self, fake: FakeSlack, probe: RedisProbe) -> None:
        self.fake, self.probe = fake, probe
        Counted.sent = Counted.replies = 0
        self.before = probe.counters()
        self.cpu = time.process_time()
        self.began = time.monotonic()

    def figures(self, people: int, last_dm: float) -> dict[str, Any]:
        commands = RedisProbe.diff(self.before, self.probe.counters()).commands
        calls = calls_since(self.fake, self.began)
        return {
            "dms": len(arrivals(self.fake, self.began, "chat.postMessage")),
            "seconds": last_dm - self.began,
            "cpu_seconds": time.process_time() - self.cpu,
            "round_trips_per_person": Counted.sent / people,
            "commands_per_person": sum(commands.values()) / people,
            "web_api_calls": calls,
            "web_api_calls_per_person": sum(calls.values()) / people,
        }


def floor(fake: FakeSlack, settings: Settings, users: list[str], *, open_first: bool) -> float:
    """Seconds from the first bare call to the arrival of the last post at the fake."""
    client = web_client(settings)
    began = time.monotonic()
    for user in users:
        if open_first:
            client.conversations_open(users=user)
        client.chat_postMessage(channel=f"D{user}", text="floor")
    return max(arrivals(fake, began, "chat.postMessage")) - began


@dataclass(frozen=True)
class Rig:
    """One run's app and what it talks to."""

    fake: FakeSlack
    settings: Settings
    store: RedisStore
    probe: RedisProbe
    clock: Clock
    ctx: BotContext
    slack: SlackClient


def campaign_phases(rig: Rig, members: list[str]) -> dict[str, Any]:
    """The start and its invitations, then the first reminder round; checked: every member
    got exactly one of each."""
    fake, people = rig.fake, len(members)
    phase = Phase(fake, rig.probe)
    hook = f"{fake.hooks_url('https')}/commands/{ADMIN}/1"
    sent = rig.slack.slash(ADMIN, f"campaign start bench {DUE} all", response_url=hook)
    assert sent.status == 200, sent
    wait_for(lambda: bool(arrivals(fake, phase.began, "response_url")), "the reply")
    invites = arrivals(fake, phase.began, "chat.postMessage")
    out = {"invite": phase.figures(people, max(invites, default=phase.began))}
    (campaign,) = rig.store.campaigns(TEAM)
    policy = rig.settings.reminder_policy
    rig.clock.now = reminder_moments(START, campaign.due, zone("Asia/Tokyo"), policy)[0].at
    phase = Phase(fake, rig.probe)
    while rig.ctx.courier.drain_due():
        pass
    reminders = arrivals(fake, phase.began, "chat.postMessage")
    out["remind"] = phase.figures(people, max(reminders, default=phase.began))
    wrong = [u for u in members if fake.count("chat.postMessage", f"D{u}", TOKEN) != 2]
    if wrong or len(invites) != people or len(reminders) != people:
        raise SystemExit(f"bench_campaign: DMs lost or doubled for {len(wrong)}: {wrong[:5]}")
    return out


def one_run(args: argparse.Namespace, tmp: Path, certs: Certificates) -> dict[str, Any]:
    redis_proc, url = start_redis(tmp)
    members = [f"UC{i:05d}" for i in range(args.people)]
    roster = {u: [f"UM{i // 10:04d}"] for i, u in enumerate(members)}
    presets = {u: SPECIALTIES[i % 3] for i, u in enumerate(members)}
    load = os.getloadavg()[0]
    try:
        with fake_slack(certs) as fake:
            fake.users = [ADMIN, *members, *sorted({m for ms in roster.values() for m in ms})]
            settings = Settings(
                slack_bot_token=TOKEN,
                slack_signing_secret=SECRET,
                slack_api_url=fake.url("https"),
                slack_ca_file=certs.bundle,
                redis_url=url,
                itss_admins=(ADMIN,),
                outbox_poll_seconds=0,
            )
            pool = redis.ConnectionPool.from_url(url, connection_class=Counted, **client_options())
            store = RedisStore(redis.Redis(connection_pool=pool))
            store.set_managers(TEAM, roster, presets)
            store.ping()
            clock = Clock()
            app, ctx = create_app(settings, store, clock)
            try:
                with serve_wsgi(wsgi_app(app, store)) as base:
                    rig = Rig(fake, settings, store, RedisProbe(url), clock, ctx,
                              SlackClient(base, SECRET, TEAM))  # fmt: skip
                    phases = campaign_phases(rig, members)
                    posts = floor(fake, settings, members, open_first=False)
                    opens = floor(fake, settings, members, open_first=True)
                    rig.probe.close()
            finally:
                ctx.close()
                store.close()
    finally:
        redis_proc.stop()
    flat: dict[str, Any] = {"load_before": load, "load_after": os.getloadavg()[0]}
    for kind, figures in phases.items():
        flat |= {f"{kind}_{k}": v for k, v in figures.items() if k != "web_api_calls"}
        flat[f"{kind}_vs_floor"] = figures["seconds"] / posts
        flat[f"{kind}_vs_open_floor"] = figures["seconds"] / opens
        flat[f"{kind}_calls"] = figures["web_api_calls"]
    return flat | {"floor_posts_seconds": posts, "floor_open_and_post_seconds": opens}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=report.DOC, help="the Markdown to update")
    parser.add_argument("--no-doc", action="store_true", help="do not write --out")
    parser.add_argument("--json", type=Path, help="write every run's figures here")
    args = parser.parse_args(argv)
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-campaign-") as tmp:
        certs = make_certificates(Path(tmp) / "tls")
        for i in range(args.runs):
            run_dir = Path(tmp) / f"run{i}"
            run_dir.mkdir()
            runs.append(one_run(args, run_dir, certs))
            print(json.dumps(runs[-1], default=str), file=sys.stderr)
    text = section(args.people, runs)
    if not args.no_doc:
        report.write_section(args.out, text, HEADING)
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "summary": summary(runs)}, indent=1))
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
