"""The transactional outbox under real faults, with real processes: edits and posts that fail,
`kill -9` of the server at each step of 確定, two replicas draining one outbox, and Redis
killed mid-drain. Whatever happens, the person and each manager get the result DM exactly
once, and the stored result is the persona's level.

Each outcome is awaited by polling the Web API mock (real processes have real clocks); "exactly
once" is asserted when the outbox is quiet: nothing pending for the person and the person out
of the index, i.e. no drain holds or will take anything of theirs.

Timings: OUTBOX_POLL_SECONDS=0.2 and OUTBOX_RETRY_BASE_SECONDS=0.2 everywhere. The lease is
1 s where no send can outlast it (the kill -9 cases: recovery waits for the lease of the dead
process), and 5 s where a send meets HTTP 500: slack_sdk retries a 5xx twice inside one call
with backoff (0.5 s and 1 s, plus up to 1 s jitter each), so one send can take 3.5 s, and the
lease must be longer than that (docs/deploy.md, RetryPolicy.lease_seconds).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import redis

from bot.delivery import METADATA_TYPE
from flows.storage.redis_store import RedisStore
from tests.bot.slack_env import Person
from tests.faults.conftest import (
    TEAM,
    BotProcess,
    Expected,
    RedisProcess,
    SlackApi,
    answer_until_review,
    assert_result,
    bot_processes,
    confirm_click,
    expected,
    key_of,
    person,
    question_posts,
    wait_until,
)
from tests.slack_mock import Call
from tests.slack_requests import SlackClient

pytestmark = pytest.mark.slow

ERROR_DM = "処理中にエラー"


def outbox_env(lease: float) -> dict[str, str]:
    return {
        "OUTBOX_LEASE_SECONDS": str(lease),
        "OUTBOX_POLL_SECONDS": "0.2",
        "OUTBOX_RETRY_BASE_SECONDS": "0.2",
    }


# ---------------------------------------------------------------------- what reached Slack


def delivery_id(call: Call) -> str | None:
    meta = call.args.get("metadata")
    if isinstance(meta, dict) and meta.get("event_type") == METADATA_TYPE:
        return str((meta.get("event_payload") or {}).get("delivery_id"))
    return None


def outbox_posts(api: SlackApi, user: str) -> list[Call]:
    """Every outbox post to the user's DM (any outcome, retries included)."""
    return [c for c in api.dms(user) if delivery_id(c) is not None]


def arrived(api: SlackApi, user: str) -> Counter[str]:
    """How many times each delivery reached the user's DM (HTTP 200, ok: true)."""
    return Counter(str(delivery_id(c)) for c in api.delivered(user) if delivery_id(c))


def arrived_times(api: SlackApi, user: str, did: str) -> int:
    """How many times the delivery `did` reached the user's DM."""
    return arrived(api, user)[did]


def to_channel(user: str) -> Callable[[dict[str, Any]], bool]:
    """A mock predicate: an outbox post to the user's DM."""
    return lambda args: args.get("channel") == f"D{user}" and "metadata" in args


def opening(user: str) -> Callable[[dict[str, Any]], bool]:
    """A mock predicate: conversations.open of the user's DM."""
    return lambda args: args.get("users") == user


def quiet(store: RedisStore, user: str) -> bool:
    """Nothing pending for the person and no drain holding or due to take them."""
    key = key_of(user)
    member = store.outbox.member(key)
    return (
        not store.outbox.pending(key)
        and store.client.zscore(store.outbox.index_key, member) is None
    )


def assert_delivered_once(
    api: SlackApi,
    store: RedisStore,
    user: str,
    managers: list[str],
    want: Expected,
    *bots: BotProcess,
) -> None:
    """The result stored once as the persona's level, and its DM reached the person and
    every manager exactly once; no error DM. A failure shows the logs of `bots`."""
    try:
        _delivered_once(api, store, user, managers, want)
    except AssertionError as exc:
        logs = "\n".join(b.log_tail() for b in bots)
        raise AssertionError(f"{exc}\n{logs}") from None


def _delivered_once(
    api: SlackApi, store: RedisStore, user: str, managers: list[str], want: Expected
) -> None:
    wait_until(lambda: store.history(key_of(user)), 15, f"{user}'s result to be stored")
    (record,) = store.history(key_of(user))
    assert_result(record, want)
    iid = record.interview_id
    wanted = {user: f"{iid}:result", **{m: f"{iid}:manager:{m}" for m in managers}}
    for who, did in wanted.items():
        wait_until(partial(arrived_times, api, who, did), 20, f"{did} to reach {who}")
    wait_until(lambda: quiet(store, user), 20, f"{user}'s outbox to be settled")
    for who, did in wanted.items():
        mine = Counter({d: n for d, n in arrived(api, who).items() if d.startswith(iid)})
        assert mine == Counter({did: 1}), [
            (c.status, delivery_id(c)) for c in outbox_posts(api, who)
        ]
    assert not [c for c in api.dms(user) if ERROR_DM in str(c.args.get("text"))]
    assert not store.outbox.failed(key_of(user))


def to_review(
    api: SlackApi,
    slack: SlackClient,
    store: RedisStore,
    user: str,
    *,
    managers: list[str],
    want: Expected,
) -> tuple[Person, Call]:
    store.set_managers(TEAM, {user: managers})
    who = person(api, slack, store, user)
    who.command(f"start {want.specialty}")
    who.wait_posts(1)
    return who, answer_until_review(who, want.answers_by_fact)


# ---------------------------------------------------------------------- processes


@dataclass
class Setup:
    api: SlackApi
    redis: RedisProcess
    bot: BotProcess
    store: RedisStore


@contextlib.contextmanager
def started(api: SlackApi, server: RedisProcess, workdir: Path, lease: float) -> Iterator[Setup]:
    """One bot process (one gunicorn worker) on `server`, and a store reading what it wrote."""
    bot = BotProcess(
        api, server.url, workdir / "bot", workers=1, threads=4, extra_env=outbox_env(lease)
    )
    store = RedisStore.from_url(server.url)
    try:
        bot.start()
        yield Setup(api, server, bot, store)
    finally:
        bot.stop()
        store.close()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    """One bot for the cases that do not kill anything (each uses users of its own)."""
    workdir = tmp_path_factory.mktemp("outbox")
    server = RedisProcess(workdir / "redis").start()
    try:
        with SlackApi() as api, started(api, server, workdir, lease=5) as setup:
            yield setup
    finally:
        server.stop()


@pytest.fixture
def calm(shared: Setup) -> Iterator[Setup]:
    yield shared
    shared.api.clear_faults()
    assert shared.bot.proc is not None
    assert shared.bot.proc.poll() is None, f"the bot died:\n{shared.bot.log_tail()}"


@pytest.fixture
def crashable(api: SlackApi, private_redis: RedisProcess, tmp_path: Path) -> Iterator[Setup]:
    with started(api, private_redis, tmp_path, lease=1) as setup:
        yield setup


# ---------------------------------------------------------------------- 1-3: Web API errors


def test_edits_failing_always_block_no_question_and_no_result(calm: Setup) -> None:
    api, store = calm.api, calm.store
    want = expected("customer_support", 2)
    api.fail("chat.update", times=10_000, status=500)
    who, review = to_review(api, calm.bot.slack, store, "UOE1", managers=["UOEMGR1"], want=want)
    numbers = [c.args["text"].split(":")[0] for c in question_posts(who)]
    assert numbers == [f"質問 {i}" for i in range(1, len(want.asked) + 1)]
    confirm_click(who, review)()
    assert_delivered_once(api, store, "UOE1", ["UOEMGR1"], want, calm.bot)
    mine = [c for c in api.calls("chat.update") if c.args.get("channel") == "DUOE1"]
    assert mine
    assert all(c.status == 500 for c in mine)


@pytest.mark.parametrize("failures", [2, 3], ids=["edit-retried-in-call", "edit-lost"])
def test_edit_of_the_confirmed_message_failing_then_working(calm: Setup, failures: int) -> None:
    """2 failures: slack_sdk's own retry makes the edit; 3: the edit is lost (logged). The
    result DMs go out before the edit is even tried, so they arrive either way."""
    api, store = calm.api, calm.store
    user, manager = f"UOU{failures}", f"UOUMGR{failures}"
    want = expected("system_operations", 2)
    who, review = to_review(api, calm.bot.slack, store, user, managers=[manager], want=want)
    ts = (review.response or {}).get("ts")
    api.fail("chat.update", times=failures, status=500, where=lambda a: a.get("ts") == ts)
    confirm_click(who, review)()
    assert_delivered_once(api, store, user, [manager], want, calm.bot)
    edits = 3 if failures == 3 else failures + 1  # slack_sdk: 1 try + up to 2 retries

    def tried() -> list[Call]:
        return [c for c in api.calls("chat.update") if c.args.get("ts") == ts]

    wait_until(lambda: len(tried()) >= edits, 15, "the edit of the review message")
    assert [c.status for c in tried()] == [500] * failures + [200] * (edits - failures)
    first_edit = tried()[0].at
    assert all(c.at < first_edit for c in outbox_posts(api, user) + outbox_posts(api, manager))
    if failures < 3:
        assert f"レベル {want.result_level}" in str(tried()[-1].args.get("text"))


def test_result_post_failing_3_times_arrives_once(calm: Setup) -> None:
    """3 × HTTP 500: the first send (1 try + 2 retries of slack_sdk) fails as `unsure`, the
    drain looks at the DM's history, finds nothing, and sends it once more."""
    api, store = calm.api, calm.store
    want = expected("network_operations", 1)
    who, review = to_review(api, calm.bot.slack, store, "UOP1", managers=["UOPMGR1"], want=want)
    api.fail("chat.postMessage", times=3, status=500, where=to_channel("UOP1"))
    confirm_click(who, review)()
    assert_delivered_once(api, store, "UOP1", ["UOPMGR1"], want, calm.bot)
    posts = outbox_posts(api, "UOP1")
    assert [c.status for c in posts] == [500, 500, 500, 200]
    looked = [
        c
        for c in api.calls("conversations.history")
        if c.args.get("channel") == "DUOP1" and posts[2].at < c.at < posts[3].at
    ]
    assert looked, "the unsure send was checked against the DM before it was sent again"
    assert [c.status for c in outbox_posts(api, "UOPMGR1")] == [200]


# ---------------------------------------------------------------------- 4: kill -9 at 確定


def blocked_on(client: redis.Redis, command: str) -> bool:
    """A client of the server waits on `command`, held by CLIENT PAUSE."""
    return any("b" in c["flags"] and c["cmd"] == command for c in client.client_list())


def test_kill_9_before_the_atomic_write_then_confirm_again(crashable: Setup) -> None:
    api, store, bot = crashable.api, crashable.store, crashable.bot
    want = expected("customer_support", 1)
    who, review = to_review(api, bot.slack, store, "UOK1", managers=["UOKMGR1"], want=want)
    admin = crashable.redis.client()
    try:
        # The completion is one pipeline: ZADD (the index), then the COMPLETE script. Hold
        # every write; the click reads the session and the roster, then waits on the ZADD.
        admin.execute_command("CLIENT", "PAUSE", 10_000, "WRITE")
        confirm_click(who, review)()
        wait_until(lambda: blocked_on(admin, "zadd"), 5, "the completion to wait on Redis")
        bot.kill9()
    finally:
        admin.execute_command("CLIENT", "UNPAUSE")
        admin.close()
    # The dead client's commands were never run: the interview is still at its review.
    session = store.load(key_of("UOK1"))
    assert session is not None
    assert session.state.value == "reviewing"
    assert not store.history(key_of("UOK1"))
    assert not outbox_posts(api, "UOK1")

    bot.start()
    confirm_click(who, review)()
    assert_delivered_once(api, store, "UOK1", ["UOKMGR1"], want, bot)
    assert store.load(key_of("UOK1")) is None


def test_kill_9_after_the_write_during_the_first_send(crashable: Setup) -> None:
    """The person's result DM reached Slack (the mock shows it in the history) but the
    answer never came back: the drain after restart finds it there and does not post it
    again; the manager's, never tried, is sent."""
    api, store, bot = crashable.api, crashable.store, crashable.bot
    want = expected("system_operations", 1)
    who, review = to_review(api, bot.slack, store, "UOK2", managers=["UOKMGR2"], want=want)
    api.delay("chat.postMessage", 30, where=to_channel("UOK2"))
    confirm_click(who, review)()
    api.wait_for("chat.postMessage", where=lambda c: to_channel("UOK2")(c.args))
    bot.kill9()
    assert len(store.outbox.pending(key_of("UOK2"))) == 2  # queued, neither settled
    assert not outbox_posts(api, "UOKMGR2")

    bot.start()
    assert_delivered_once(api, store, "UOK2", ["UOKMGR2"], want, bot)
    assert len(outbox_posts(api, "UOK2")) == 1, "looked up in the history, not posted again"
    assert api.calls("conversations.history")


def test_kill_9_between_the_persons_and_the_managers_send(crashable: Setup) -> None:
    api, store, bot = crashable.api, crashable.store, crashable.bot
    want = expected("network_operations", 1)
    who, review = to_review(api, bot.slack, store, "UOK3", managers=["UOKMGR3"], want=want)
    api.delay("conversations.open", 30, where=opening("UOKMGR3"))
    confirm_click(who, review)()
    api.wait_for("conversations.open", where=lambda c: opening("UOKMGR3")(c.args))
    assert [c.status for c in outbox_posts(api, "UOK3")] == [200]
    bot.kill9()
    assert not outbox_posts(api, "UOKMGR3")

    bot.start()
    assert_delivered_once(api, store, "UOK3", ["UOKMGR3"], want, bot)
    assert len(outbox_posts(api, "UOK3")) == 1
    assert len(outbox_posts(api, "UOKMGR3")) == 1


# ---------------------------------------------------------------------- 5: two replicas


def test_two_replicas_draining_one_outbox_send_each_delivery_once(
    api: SlackApi, private_redis: RedisProcess, tmp_path: Path
) -> None:
    """Three people confirm (on alternate replicas) while their shared manager's DM answers
    HTTP 500: every manager delivery is retried by whichever replica's drain gets it, until
    the fault ends."""
    manager = "UORMGR"
    users = [f"UOR{i}" for i in range(3)]
    want = expected("customer_support", 1)
    store = RedisStore.from_url(private_redis.url)
    try:
        with bot_processes(
            api,
            private_redis.url,
            tmp_path,
            count=2,
            workers=1,
            threads=4,
            extra_env=outbox_env(5),
        ) as bots:
            api.fail("chat.postMessage", times=100_000, status=500, where=to_channel(manager))
            reviews = [
                to_review(api, bots[i % 2].slack, store, user, managers=[manager], want=want)
                for i, user in enumerate(users)
            ]
            threads = [threading.Thread(target=confirm_click(w, r)) for w, r in reviews]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=10)

            def retried_each() -> bool:
                tries = Counter(delivery_id(c) for c in outbox_posts(api, manager))
                return len(tries) == len(users) and min(tries.values()) >= 6  # 2 claims each

            # each claim is 3 posts (slack_sdk retries 5xx twice, ~3 s); slow on a loaded machine
            wait_until(retried_each, 90, "every manager delivery to be retried")
            api.clear_faults()
            for user in users:
                assert_delivered_once(api, store, user, [manager], want, *bots)
            assert len(arrived(api, manager)) == len(users)
            for bot in bots:
                assert bot.proc is not None
                assert bot.proc.poll() is None
    finally:
        store.close()


# ---------------------------------------------------------------------- 6: Redis restarted


def test_redis_killed_mid_drain_then_delivered_once(
    api: SlackApi, aof_redis: RedisProcess, tmp_path: Path
) -> None:
    """The manager's first send fails (retryable); the drain's retry reaches Slack but Redis
    dies before it is settled. Redis comes back from its AOF; after the lease the drain finds
    the message in the DM's history and settles it without posting again."""
    with started(api, aof_redis, tmp_path, lease=1) as setup:
        store, bot = setup.store, setup.bot
        want = expected("system_operations", 1)
        who, review = to_review(api, bot.slack, store, "UOD1", managers=["UODMGR1"], want=want)
        to_manager = to_channel("UODMGR1")
        api.fail("chat.postMessage", error="internal_error", where=to_manager)
        # Only the retry (a post to the manager after the first one) is held.
        api.delay(
            "chat.postMessage",
            3,
            where=lambda a: to_manager(a) and bool(outbox_posts(api, "UODMGR1")),
        )
        confirm_click(who, review)()
        api.wait_for("chat.postMessage", count=2, where=lambda c: to_manager(c.args))
        aof_redis.kill()
        wait_until(lambda: "outbox drain skipped" in bot.log_text(), 15, "the drain to fail")
        aof_redis.start()
        assert_delivered_once(api, store, "UOD1", ["UODMGR1"], want, bot)


# ---------------------------------------------------------------------- 5b: a long drain round


def test_a_delivery_late_in_a_drain_round_is_claimed_with_a_live_lease(
    api: SlackApi, private_redis: RedisProcess, tmp_path: Path
) -> None:
    """Three people's manager deliveries are due in one round of the drain, and each send takes
    1.5 s, less than the 2 s lease (the documented bound). The third is claimed 3 s into the
    round: its lease must still run when its send starts."""
    manager = "UOLMGR"
    users = [f"UOL{i}" for i in range(4)]
    want = expected("system_operations", 1)
    to_manager = to_channel(manager)

    def posts_so_far() -> int:
        return len(outbox_posts(api, manager))

    # Manager posts, in order: 1 fails (P0's first try); 2 is P0's retry, held 3 s, so the
    # drain thread is busy while 3-5 (the others' first tries) fail and their retries come
    # due; 6-8 are those retries, in one round, each held 1.5 s.
    api.fail(
        "chat.postMessage",
        times=4,
        error="internal_error",
        where=lambda a: to_manager(a) and posts_so_far() in (0, 2, 3, 4),
    )
    api.delay("chat.postMessage", 3, where=lambda a: to_manager(a) and posts_so_far() == 1)
    api.delay(
        "chat.postMessage", 1.5, times=3, where=lambda a: to_manager(a) and posts_so_far() >= 5
    )
    with started(api, private_redis, tmp_path, lease=2) as setup:
        store, bot = setup.store, setup.bot
        reviews = [
            to_review(api, bot.slack, store, user, managers=[manager], want=want) for user in users
        ]
        confirm_click(*reviews[0])()
        api.wait_for("chat.postMessage", count=2, where=lambda c: to_manager(c.args))
        threads = [threading.Thread(target=confirm_click(w, r)) for w, r in reviews[1:]]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=10)
        api.wait_for("chat.postMessage", count=5, where=lambda c: to_manager(c.args))

        def lease_left(call: Call) -> float:
            """Seconds of lease the delivery on `call` still has, read during its send."""
            did = str(delivery_id(call))
            owner = next(u for u in users if f"<@{u}>" in str(call.args.get("text")))
            due_key = store.outbox.keys(key_of(owner))[1]
            score = store.client.zscore(due_key, did)
            assert score is not None
            return score / 1000 - time.time()

        left = []
        for n in (6, 7, 8):
            (call,) = api.wait_for(
                "chat.postMessage", count=n, timeout=15, where=lambda c: to_manager(c.args)
            )[n - 1 : n]
            left.append(lease_left(call))  # read at once: the send is held 1.5 s
        for user in users:
            assert_delivered_once(api, store, user, [manager], want, bot)
        assert min(left) > 0, f"lease left when each send started: {left}"
