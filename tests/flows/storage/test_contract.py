"""The SessionStore contract, run against both backends (the `store` fixture), plus the
Redis specifics: key layout, TTLs, round trips, retries, an unreachable server. Values written
by a newer version or corrupt: tests/flows/storage/test_tolerant_reads.py (Redis only)."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis
from pydantic import ValidationError
from redis.connection import Connection
from redis.crc import key_slot

from flows.inference import Result, evaluate
from flows.session import InterviewSession, PersonKey, Phase, ResultRecord
from flows.storage import open_store
from flows.storage.base import (
    MemberSummary,
    SessionStore,
    StaleWriteError,
    StoreUnavailableError,
)
from flows.storage.memory import MemoryStore
from flows.storage.redis_store import RedisStore, client_options
from framework_data.loader import load_default
from tests.conftest import FakeClock

FW = load_default()
SPECIALTIES = [s.id for s in FW.job_category.specialties]
RESULTS: dict[str, Result] = {sp: evaluate(FW, sp, {}) for sp in SPECIALTIES}
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
ALICE = PersonKey(team="T1", user="alice")
BOB = PersonKey(team="T1", user="bob")
OTHER_ALICE = PersonKey(team="T2", user="alice")  # same user id, another workspace


def session(key: PersonKey = ALICE, step: int = 0, **changes: Any) -> InterviewSession:
    return InterviewSession(
        id=f"iv-{key.team}-{key.user}",
        team=key.team,
        user=key.user,
        step=step,
        framework_id=FW.id,
        framework_version=FW.version,
        started_at=T0,
        updated_at=T0 + timedelta(minutes=step),
        **changes,
    )


def asking(key: PersonKey = ALICE, step: int = 3) -> InterviewSession:
    return session(
        key,
        step,
        state=Phase.ASKING,
        specialty="system_operations",
        current="q3",
        answers={"q1": True, "q2": 12, "q4": ["a", "b"], "q5": "mid"},
        raw_answers={"q2": "十二"},
        skipped=["q0"],
        asked=["q1", "q2", "q4", "q5"],
        notes={"q1": "夜間の一次対応を担当"},
    )


def record(
    key: PersonKey = ALICE, specialty: str = "system_operations", n: int = 0
) -> ResultRecord:
    return ResultRecord.judged(
        RESULTS[specialty],
        interview_id=f"iv-{n}",
        team=key.team,
        user=key.user,
        completed_at=T0 + timedelta(days=n),
        answers={"n": n},
    )


def stale(fn: Callable[[], object]) -> None:
    with pytest.raises(StaleWriteError):
        fn()


@pytest.fixture
def make_store(
    store: SessionStore, request: pytest.FixtureRequest
) -> Iterator[Callable[[int], SessionStore]]:
    """Another store on the same backend and data (same server and prefix; same clock)."""
    made: list[RedisStore] = []

    def make(session_ttl_seconds: int) -> SessionStore:
        if isinstance(store, MemoryStore):
            clock = request.getfixturevalue("fake_clock")
            return MemoryStore(session_ttl_seconds=session_ttl_seconds, clock=clock)
        assert isinstance(store, RedisStore)
        url = request.getfixturevalue("redis_url")
        other = RedisStore.from_url(
            url, prefix=store.prefix, session_ttl_seconds=session_ttl_seconds
        )
        made.append(other)
        return other

    yield make
    for other in made:
        other.close()


@pytest.fixture
def replica(store: SessionStore, make_store: Callable[[int], SessionStore]) -> SessionStore:
    """A second replica: another RedisStore on the server, or the same MemoryStore."""
    return store if isinstance(store, MemoryStore) else make_store(30 * 86400)


@pytest.fixture
def elapse(store: SessionStore, request: pytest.FixtureRequest) -> Callable[[float], None]:
    """Let time pass for the backend: the fake clock moves, or (Redis) we wait."""
    if isinstance(store, MemoryStore):
        clock: FakeClock = request.getfixturevalue("fake_clock")
        return clock.advance
    return time.sleep


# ------------------------------------------------------------------------ sessions


def test_load_of_nothing_is_none(store: SessionStore) -> None:
    assert store.load(ALICE) is None


def test_save_then_load_round_trips(store: SessionStore) -> None:
    stored = asking()
    store.save(stored, expected_step=None)
    assert store.load(ALICE) == stored
    assert store.load(BOB) is None
    assert store.load(OTHER_ALICE) is None


def test_callers_cannot_mutate_what_is_stored(store: SessionStore) -> None:
    mine = asking()
    store.save(mine, expected_step=None)
    mine.answers["q1"] = False
    mine.asked.append("zzz")
    loaded = store.load(ALICE)
    assert loaded == asking()
    assert loaded is not None
    loaded.notes.clear()
    assert store.load(ALICE) == asking()


def test_create_when_one_exists_is_stale_and_keeps_the_stored_one(store: SessionStore) -> None:
    store.save(session(step=0), expected_step=None)
    stale(lambda: store.save(session(step=0, notes={"x": "other"}), expected_step=None))
    assert store.load(ALICE) == session(step=0)


def test_wrong_step_is_stale_and_changes_nothing(store: SessionStore) -> None:
    stale(lambda: store.save(session(step=1), expected_step=0))  # nothing stored yet
    assert store.load(ALICE) is None
    store.save(session(step=0), expected_step=None)
    stale(lambda: store.save(session(step=6), expected_step=5))
    assert store.load(ALICE) == session(step=0)


def test_steps_advance_by_compare_and_set(store: SessionStore) -> None:
    store.save(session(step=0), expected_step=None)
    store.save(session(step=1), expected_step=0)
    store.save(session(step=2), expected_step=1)
    stale(lambda: store.save(session(step=2, notes={"late": "click"}), expected_step=1))
    assert store.load(ALICE) == session(step=2)


def test_racing_replicas_exactly_one_wins(store: SessionStore, replica: SessionStore) -> None:
    barrier = threading.Barrier(2, timeout=10)

    def attempt(which: SessionStore, who: str, step: int) -> str | None:
        mine = session(step=step, notes={"by": who})
        barrier.wait()
        try:
            which.save(mine, expected_step=None if step == 0 else step - 1)
        except StaleWriteError:
            return None
        return who

    with ThreadPoolExecutor(max_workers=2) as pool:
        for step in range(20):
            a = pool.submit(attempt, store, "a", step)
            b = pool.submit(attempt, replica, "b", step)
            winners = [w for w in (a.result(), b.result()) if w is not None]
            assert len(winners) == 1, f"step {step}: winners {winners}"
            assert store.load(ALICE) == session(step=step, notes={"by": winners[0]})
            assert replica.load(ALICE) == store.load(ALICE)


def test_delete_session_is_compare_and_set(store: SessionStore) -> None:
    stale(lambda: store.delete_session(ALICE, expected_step=0))
    store.save(session(step=0), expected_step=None)
    store.save(session(step=1), expected_step=0)
    stale(lambda: store.delete_session(ALICE, expected_step=0))
    assert store.load(ALICE) == session(step=1)
    store.delete_session(ALICE, expected_step=1)
    assert store.load(ALICE) is None
    stale(lambda: store.delete_session(ALICE, expected_step=1))


# ------------------------------------------------------------------------ results


def test_complete_keeps_history_in_order_and_latest_per_specialty(store: SessionStore) -> None:
    done = [
        record(specialty="system_operations", n=1),
        record(specialty="network_operations", n=2),
        record(specialty="system_operations", n=3),
        record(specialty="customer_support", n=4),
    ]
    for i, rec in enumerate(done):
        store.save(session(step=0), expected_step=None)
        store.save(session(step=1), expected_step=0)
        store.complete(session(step=2, state=Phase.COMPLETED), rec, expected_step=1)
        assert store.load(ALICE) is None
        assert store.history(ALICE) == done[: i + 1]
    assert store.latest(ALICE) == {
        "system_operations": done[2],
        "network_operations": done[1],
        "customer_support": done[3],
    }
    assert store.history(BOB) == []
    assert store.latest(BOB) == {}


def test_stale_complete_changes_nothing(store: SessionStore) -> None:
    first = record(n=1)
    store.save(session(step=0), expected_step=None)
    store.complete(session(step=1), first, expected_step=0)
    store.save(session(step=0), expected_step=None)
    store.save(session(step=1), expected_step=0)
    stale(lambda: store.complete(session(step=2), record(n=2), expected_step=0))
    stale(lambda: store.complete(session(key=BOB, step=1), record(BOB, n=2), expected_step=0))
    assert store.load(ALICE) == session(step=1)
    assert store.history(ALICE) == [first]
    assert store.latest(ALICE) == {"system_operations": first}
    assert store.history(BOB) == []


def test_repeating_the_same_completion_does_not_duplicate_it(store: SessionStore) -> None:
    """What a retried call (lost reply) amounts to: success, recorded once."""
    rec = record(n=1)
    store.save(session(step=0), expected_step=None)
    store.complete(session(step=1), rec, expected_step=0)
    store.complete(session(step=1), rec, expected_step=0)
    assert store.history(ALICE) == [rec]
    stale(lambda: store.complete(session(step=1), record(n=2), expected_step=0))


def test_complete_refuses_a_record_of_someone_else(store: SessionStore) -> None:
    store.save(session(step=0), expected_step=None)
    with pytest.raises(ValueError, match="cannot complete"):
        store.complete(session(step=1), record(BOB), expected_step=0)
    assert store.load(ALICE) == session(step=0)
    assert store.history(BOB) == []


def test_sessions_expire_but_results_do_not(
    make_store: Callable[[int], SessionStore], elapse: Callable[[float], None]
) -> None:
    short = make_store(1)
    short.save(session(step=0), expected_step=None)
    short.complete(session(step=1), record(n=1), expected_step=0)
    short.save(session(step=0), expected_step=None)
    short.save(session(BOB, step=0), expected_step=None)
    short.claim_event("Ev1", 1)
    elapse(1.5)
    assert short.load(ALICE) is None
    assert short.summaries("T1", ["alice", "bob"]) == {
        "alice": MemberSummary(record(n=1).summary()),
        "bob": MemberSummary(),
    }
    assert short.history(ALICE) == [record(n=1)]
    short.save(session(step=0), expected_step=None)  # an expired session is no session
    assert short.claim_event("Ev1", 1) is True


def test_memory_save_refreshes_the_session_ttl(fake_clock: FakeClock) -> None:
    mem = MemoryStore(session_ttl_seconds=10, clock=fake_clock)
    mem.save(session(step=0), expected_step=None)
    fake_clock.advance(8)
    mem.save(session(step=1), expected_step=0)
    fake_clock.advance(8)
    assert mem.load(ALICE) == session(step=1)
    fake_clock.advance(2)
    assert mem.load(ALICE) is None
    stale(lambda: mem.save(session(step=2), expected_step=1))
    fake_clock.advance(10 * 365 * 86400)
    assert mem.history(ALICE) == []


# ------------------------------------------------------------------------ many people


def test_forget_removes_everything_of_that_person_only(store: SessionStore) -> None:
    for key in (ALICE, BOB, OTHER_ALICE):
        store.save(session(key, step=0), expected_step=None)
        store.complete(session(key, step=1), record(key, n=1), expected_step=0)
        store.save(session(key, step=0), expected_step=None)
    store.set_managers("T1", {"alice": ["carol"], "bob": ["alice"]})
    store.set_managers("T2", {"alice": ["dave"]})

    store.forget(ALICE)

    assert store.load(ALICE) is None
    assert store.history(ALICE) == []
    assert store.latest(ALICE) == {}
    assert store.summaries("T1", ["alice", "bob"]) == {
        "alice": MemberSummary(),
        "bob": MemberSummary(record(BOB, n=1).summary(), in_progress=True),
    }
    assert store.roster("T1") == {"bob": ["alice"]}  # alice as someone's manager stays
    for key in (BOB, OTHER_ALICE):
        assert store.load(key) == session(key, step=0)
        assert store.history(key) == [record(key, n=1)]
    assert store.roster("T2") == {"alice": ["dave"]}
    store.forget(ALICE)  # nothing left to forget: fine


def test_summaries_of_a_thousand_people(store: SessionStore) -> None:
    users = [f"u{i:04d}" for i in range(1000)]
    for i, user in enumerate(users):
        key = PersonKey(team="T1", user=user)
        if i % 3 == 0:
            store.save(session(key, step=0), expected_step=None)
            store.complete(session(key, step=1), record(key, n=i), expected_step=0)
            if i % 2 == 1:  # a second result, in another specialty, is the one summarised
                store.save(session(key, step=0), expected_step=None)
                later = record(key, specialty="customer_support", n=i + 1)
                store.complete(session(key, step=1), later, expected_step=0)
        if i % 2 == 0:
            started = session(key, step=0)
            started.specialty = "network_operations" if i % 4 == 0 else None
            store.save(started, expected_step=None)
    store.save(session(PersonKey(team="T2", user="u0001")), expected_step=None)

    summaries = store.summaries("T1", users)

    assert list(summaries) == users
    for i, user in enumerate(users):
        key = PersonKey(team="T1", user=user)
        member = summaries[user]
        assert member.in_progress is (i % 2 == 0), user
        want_specialty = ("network_operations" if i % 4 == 0 else None) if i % 2 == 0 else None
        assert member.specialty_in_progress == want_specialty, user
        if i % 3 == 0:
            last = (
                record(key, n=i)
                if i % 2 == 0
                else record(key, specialty="customer_support", n=i + 1)
            )
            assert member.latest == last.summary(), user
        else:
            assert member.latest is None, user
        assert member.unreadable == ()
    assert store.summaries("T1", []) == {}


# ------------------------------------------------------------------------ roster, events


def test_roster_round_trip(store: SessionStore) -> None:
    assert store.roster("T1") == {}
    store.set_managers("T1", {"alice": ["carol", "dave"], "bob": ["carol"]})
    store.set_managers("T2", {"alice": ["erin"]})
    assert store.roster("T1") == {"alice": ["carol", "dave"], "bob": ["carol"]}
    store.set_managers("T1", {"alice": [], "bob": ["dave"], "zed": ["carol"]})
    assert store.roster("T1") == {"bob": ["dave"], "zed": ["carol"]}
    assert store.roster("T2") == {"alice": ["erin"]}
    store.set_managers("T1", {})
    assert store.roster("T1") == {"bob": ["dave"], "zed": ["carol"]}


def test_set_managers_is_all_or_nothing(store: SessionStore) -> None:
    store.set_managers("T1", {"alice": ["carol"], "bob": ["carol"]})
    bad: dict[str, Any] = {"alice": [], "bob": ["dave"], "zed": "carol"}  # a str, not a list
    with pytest.raises(TypeError, match="zed"):
        store.set_managers("T1", bad)
    assert store.roster("T1") == {"alice": ["carol"], "bob": ["carol"]}


def test_claim_event_once_per_ttl(store: SessionStore, elapse: Callable[[float], None]) -> None:
    assert store.claim_event("Ev1", 1) is True
    assert store.claim_event("Ev1", 1) is False
    assert store.claim_event("Ev2", 600) is True
    elapse(1.5)
    assert store.claim_event("Ev1", 600) is True
    assert store.claim_event("Ev1", 600) is False
    assert store.claim_event("Ev2", 600) is False


def test_ids_that_would_break_a_key_are_refused(store: SessionStore) -> None:
    for bad in ("T1}", "T:1", "", "x" * 65):
        with pytest.raises(ValueError, match="letters, digits"):
            store.roster(bad)
        with pytest.raises(ValueError, match="letters, digits"):
            store.set_managers(bad, {"alice": ["carol"]})
        with pytest.raises(ValidationError):
            store.summaries("T1", [bad])


def test_ping_asks_the_server(counted: tuple[RedisStore, type[Any]]) -> None:
    """`ping` is one real round trip (a no-op `ping` would pass a reachable check by doing
    nothing); that it fails when nothing answers is test_redis_unreachable_…[ping]."""
    store, counter = counted
    assert round_trips(counter, store.ping) == (1, 1)


def test_open_store_picks_the_backend(redis_url: str) -> None:
    assert isinstance(open_store(None, session_ttl_seconds=60), MemoryStore)
    assert isinstance(open_store("memory://", session_ttl_seconds=60), MemoryStore)
    opened = open_store(redis_url, session_ttl_seconds=60)
    assert isinstance(opened, RedisStore)
    assert opened.session_ttl_seconds == 60
    opened.ping()
    opened.close()
    with pytest.raises(ValueError, match="http://"):
        open_store("http://example.com", session_ttl_seconds=60)


# ------------------------------------------------------------------------ Redis specifics


def stored_json(raw: object) -> Any:
    """A value read back with the test client (decode_responses): present, and JSON."""
    assert isinstance(raw, str), raw
    return json.loads(raw)


def test_redis_key_layout_and_values(redis_store: RedisStore, redis_client: redis.Redis) -> None:
    p = redis_store.prefix
    redis_store.save(asking(step=3), expected_step=None)
    redis_store.complete(asking(step=4), record(n=1), expected_step=3)
    redis_store.save(asking(step=0), expected_step=None)
    redis_store.set_managers("T1", {"alice": ["carol"]})
    redis_store.claim_event("Ev1", 600)

    kinds = ("session", "history", "latest", "summary")
    person = [f"{p}:{{T1:alice}}:{kind}" for kind in kinds]
    assert [
        redis_store.session_key(ALICE),
        redis_store.history_key(ALICE),
        redis_store.latest_key(ALICE),
        redis_store.summary_key(ALICE),
    ] == person
    assert len({key_slot(k.encode()) for k in person}) == 1  # one cluster hash tag
    assert sorted(redis_client.scan_iter(match=f"{p}*")) == sorted(
        [*person, f"{p}:{{T1}}:roster", f"{p}:event:Ev1"]
    )
    stored = redis_client.hgetall(person[0])
    assert set(stored) == {"step", "data", "op", "v"}
    assert stored["v"] == "1"  # the writer's schema version: a newer one is never replaced
    assert stored["step"] == "0"
    assert json.loads(stored["data"])["schema_version"] == 1
    first = stored_json(redis_client.lindex(person[1], 0))
    assert first["schema_version"] == 2  # the answers and the verdict shown, not the tree
    assert "result" not in first
    assert first["verdict"] == record(n=1).verdict.model_dump()
    assert stored_json(redis_client.hget(person[2], "system_operations")) == first
    opened, _, specialty = str(redis_client.hget(person[3], "open")).partition("|")
    assert specialty == "system_operations"  # what a team summary reads of a session
    assert time.time() * 1000 < int(opened) <= (time.time() + 30 * 86400) * 1000
    summary = stored_json(redis_client.hget(person[3], "r"))
    assert summary == {
        "schema_version": 1,
        "specialty": "system_operations",
        "level": record(n=1).verdict.level,
        "next_level": record(n=1).verdict.next_level,
        "missing": record(n=1).verdict.missing,
        "completed_at": record(n=1).completed_at.isoformat().replace("+00:00", "Z"),
        "framework_version": FW.version,
    }
    assert stored_json(redis_client.hget(f"{p}:{{T1}}:roster", "alice")) == ["carol"]


def test_redis_session_ttl_is_set_and_refreshed_results_never_expire(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    ttl = 30 * 86400
    redis_store.save(session(step=0), expected_step=None)
    key = redis_store.session_key(ALICE)
    assert ttl - 5 <= redis_client.ttl(key) <= ttl
    redis_client.expire(key, 100)
    redis_store.save(session(step=1), expected_step=0)
    assert ttl - 5 <= redis_client.ttl(key) <= ttl
    redis_store.complete(session(step=2), record(n=1), expected_step=1)
    assert redis_client.exists(key) == 0
    assert redis_client.ttl(redis_store.history_key(ALICE)) == -1  # no expiry
    assert redis_client.ttl(redis_store.latest_key(ALICE)) == -1
    assert redis_client.ttl(redis_store.summary_key(ALICE)) == -1
    redis_store.set_managers("T1", {"alice": ["carol"]})
    assert redis_client.ttl(redis_store.roster_key("T1")) == -1
    redis_store.claim_event("Ev1", 600)
    assert 595 <= redis_client.ttl(redis_store.event_key("Ev1")) <= 600


class CountingConnection(Connection):
    """Counts round trips (packets sent; a pipeline sends one) and replies read."""

    sent = 0
    replies = 0
    drop_replies = 0  # read and then lose this many replies, as a flaky network would

    def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        type(self).sent += 1
        super().send_packed_command(command, check_health)

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        reply = super().read_response(*args, **kwargs)
        type(self).replies += 1
        if type(self).drop_replies:
            type(self).drop_replies -= 1
            self.disconnect()
            raise redis.exceptions.ConnectionError("simulated: connection lost before the reply")
        return reply


@pytest.fixture
def counted(redis_url: str, redis_prefix: str) -> Iterator[tuple[RedisStore, type[Any]]]:
    class Counting(CountingConnection):
        pass

    pool = redis.ConnectionPool.from_url(redis_url, connection_class=Counting, **client_options())
    store = RedisStore(redis.Redis(connection_pool=pool), prefix=redis_prefix)
    store.ping()  # connect (handshake) and load the scripts before counting
    store.save(session(step=0), expected_step=None)
    store.delete_session(ALICE, expected_step=0)
    store.save(session(step=0), expected_step=None)
    store.complete(session(step=1), record(n=0), expected_step=0)
    store.claim_event("warm", 60)
    yield store, Counting
    store.close()


def round_trips(counter: type[Any], call: Callable[[], object]) -> tuple[int, int]:
    counter.sent = counter.replies = 0
    call()
    return counter.sent, counter.replies


def test_redis_round_trips_per_operation(counted: tuple[RedisStore, type[Any]]) -> None:
    store, counter = counted
    users = [f"u{i:04d}" for i in range(1000)]
    assert round_trips(counter, lambda: store.save(session(step=0), expected_step=None)) == (1, 1)
    assert round_trips(counter, lambda: store.load(ALICE)) == (1, 1)
    assert round_trips(counter, lambda: store.save(session(step=1), expected_step=0)) == (1, 1)
    assert round_trips(counter, lambda: store.delete_session(ALICE, expected_step=1)) == (1, 1)
    store.save(session(step=0), expected_step=None)
    done = lambda: store.complete(session(step=1), record(n=1), expected_step=0)  # noqa: E731
    assert round_trips(counter, done) == (1, 1)
    # People without a summary might have results of the previous release: one more pipeline
    # (latest and session) and one to store what was found ("" for "no result yet").
    assert round_trips(counter, lambda: store.summaries("T1", users)) == (3, 4000)
    assert round_trips(counter, lambda: store.summaries("T1", users)) == (1, 1000)
    assert round_trips(counter, lambda: store.history(ALICE)) == (1, 1)
    assert round_trips(counter, lambda: store.latest(ALICE)) == (1, 1)
    roster = {"alice": ["carol"], "bob": []}
    # MULTI, HSET, HDEL, HDEL of bob's preset, EXEC: one packet, five replies.
    assert round_trips(counter, lambda: store.set_managers("T1", roster)) == (1, 5)
    presets = {"alice": "system_operations"}
    # MULTI, HSET and HDEL of the roster, HSET alice's preset, HDEL bob's, EXEC
    assert round_trips(counter, lambda: store.set_managers("T1", roster, presets)) == (1, 6)
    assert round_trips(counter, lambda: store.specialties("T1")) == (1, 1)
    assert round_trips(counter, lambda: store.roster("T1")) == (1, 1)
    # 11 × DEL (session, history, latest, summary, campaign memberships, reviews, preferences,
    # 4 outbox keys) + HDEL of the roster row and the preset, pipelined (no MULTI: the roster
    # is in another cluster slot)
    assert round_trips(counter, lambda: store.forget(ALICE)) == (1, 13)
    assert round_trips(counter, lambda: store.claim_event("Ev1", 60)) == (1, 1)
    assert round_trips(counter, store.ping) == (1, 1)


def test_redis_retried_writes_after_a_lost_reply_are_not_stale(
    counted: tuple[RedisStore, type[Any]],
) -> None:
    """redis-py resends a command when the connection drops before the reply; the scripts
    recognise their own earlier write instead of reporting a race that did not happen."""
    store, counter = counted
    store.save(session(step=0), expected_step=None)
    counter.drop_replies = 1
    sent, _ = round_trips(counter, lambda: store.save(session(step=1), expected_step=0))
    assert sent >= 2  # the script did run twice
    assert store.load(ALICE) == session(step=1)
    counter.drop_replies = 1
    store.complete(session(step=2), record(n=5), expected_step=1)
    assert store.history(ALICE) == [record(n=0), record(n=5)]
    counter.drop_replies = 1
    assert store.claim_event("Ev-retried", 60) is True
    assert store.claim_event("Ev-retried", 60) is False


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda s: s.ping(), id="ping"),
        pytest.param(lambda s: s.load(ALICE), id="load"),
        pytest.param(lambda s: s.save(session(), expected_step=None), id="save"),
        pytest.param(lambda s: s.delete_session(ALICE, expected_step=0), id="delete_session"),
        pytest.param(lambda s: s.complete(session(), record(), expected_step=0), id="complete"),
        pytest.param(lambda s: s.history(ALICE), id="history"),
        pytest.param(lambda s: s.latest(ALICE), id="latest"),
        pytest.param(lambda s: s.summaries("T1", ["alice"]), id="summaries"),
        pytest.param(lambda s: s.forget(ALICE), id="forget"),
        pytest.param(lambda s: s.roster("T1"), id="roster"),
        pytest.param(lambda s: s.set_managers("T1", {"a": ["b"]}), id="set_managers"),
        pytest.param(lambda s: s.claim_event("Ev1", 60), id="claim_event"),
    ],
)
def test_redis_unreachable_is_store_unavailable_quickly(
    call: Callable[[RedisStore], object],
) -> None:
    down = RedisStore.from_url("redis://:hunter2@127.0.0.1:1/0")
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError) as caught:
        call(down)
    assert time.monotonic() - started < 5
    assert caught.value.where == "redis://127.0.0.1:1/0"
    assert "127.0.0.1:1" in str(caught.value)
    assert "hunter2" not in str(caught.value)
    down.close()


@pytest.mark.parametrize(
    ("reply", "problem"),
    [(None, "TimeoutError"), (b"HTTP/1.1 400 Bad Request\r\n\r\n", "InvalidResponse")],
    ids=["silent", "not-redis"],
)
def test_redis_server_that_does_not_answer_redis_is_unavailable(
    reply: bytes | None, problem: str
) -> None:
    """Accepts connections, then says nothing (overloaded, stuck proxy) or speaks HTTP."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        held: list[socket.socket] = []

        def serve() -> None:
            with contextlib.suppress(OSError):
                while True:
                    conn, _ = listener.accept()
                    held.append(conn)
                    if reply is not None:
                        conn.sendall(reply)

        threading.Thread(target=serve, daemon=True).start()
        odd = RedisStore.from_url(f"redis://127.0.0.1:{port}/0")
        started = time.monotonic()
        with pytest.raises(StoreUnavailableError, match=problem) as caught:
            odd.load(ALICE)
        assert time.monotonic() - started < 5  # a timeout is not retried (~2 s)
        assert caught.value.where == f"redis://127.0.0.1:{port}/0"
        odd.close()
        for conn in held:
            conn.close()
