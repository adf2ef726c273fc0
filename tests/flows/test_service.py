"""Interviews over the real stores: replicas, expiry, restarts and round trips per answer."""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import redis

from flows.facts import to_json_value
from flows.interview import Command, Interview
from flows.personas import persona
from flows.service import InterviewService
from flows.session import PersonKey, Phase
from flows.storage.base import SessionStore
from flows.storage.redis_store import RedisStore, client_options
from framework_data.loader import load_default
from tests.flows.storage.test_contract import CountingConnection
from tests.interleave import barrier_store

FW = load_default()
KEY = PersonKey(team="T1", user="U1")


def service(store: SessionStore) -> InterviewService:
    return InterviewService(
        Interview(FW), store, lambda: datetime.now(UTC), lambda: uuid.uuid4().hex
    )


def answer_current(svc: InterviewService, key: PersonKey, specialty: str, level: int) -> bool:
    """Answer whatever is being asked; False once the interview is in review."""
    session = svc.current(key)
    assert session is not None
    if session.state is not Phase.ASKING:
        return False
    value = to_json_value(persona(specialty, level)[session.current or ""])
    cmd = Command(action="answer", interview=session.id, step=session.step, value=value)
    outcome = svc.act(key, cmd)
    assert outcome.status in ("applied", "stale"), outcome.message
    return True


@pytest.mark.parametrize(
    "specialty", ["system_operations", "network_operations", "customer_support"]
)
def test_full_interview_on_each_store(store: SessionStore, specialty: str) -> None:
    svc = service(store)
    started = svc.start(KEY, specialty)
    assert started.outcome.applied
    assert not started.resumed
    while answer_current(svc, KEY, specialty, 4):
        pass
    session = svc.current(KEY)
    assert session is not None
    outcome = svc.act(KEY, Command(action="confirm", step=session.step))
    assert outcome.record is not None
    assert outcome.record.verdict.level == 4
    assert svc.current(KEY) is None
    assert [r.verdict.level for r in svc.history(KEY)] == [4]


def test_two_replicas_alternating_at_random(redis_url: str, redis_prefix: str) -> None:
    replicas = [service(RedisStore.from_url(redis_url, prefix=redis_prefix)) for _ in range(2)]
    keys = [PersonKey(team="T1", user=f"U{i}") for i in range(10)]
    rng = random.Random(7)
    for i, key in enumerate(keys):
        rng.choice(replicas).start(key, "system_operations" if i % 2 else "customer_support")
    busy = set(keys)
    while busy:
        key = rng.choice(sorted(busy, key=lambda k: k.user))
        specialty = "system_operations" if int(key.user[1:]) % 2 else "customer_support"
        if not answer_current(rng.choice(replicas), key, specialty, int(key.user[1:]) % 6):
            busy.discard(key)
    for i, key in enumerate(keys):
        session = replicas[0].current(key)
        assert session is not None
        outcome = replicas[1].act(key, Command(action="confirm", step=session.step))
        assert outcome.record is not None
        assert outcome.record.verdict.level == i % 6


def test_concurrent_double_answers_apply_once(redis_url: str, redis_prefix: str) -> None:
    svcs = [service(RedisStore.from_url(redis_url, prefix=redis_prefix)) for _ in range(4)]
    svcs[0].start(KEY, "system_operations")
    session = svcs[0].current(KEY)
    assert session is not None
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def click(svc: InterviewService, value: str) -> None:
        barrier.wait()
        cmd = Command(action="answer", interview=session.id, step=session.step, value=value)
        outcomes.append(svc.act(KEY, cmd).status)

    threads = [
        threading.Thread(target=click, args=(s, v))
        for s, v in zip(svcs, ["member", "head", "leader", "operator"], strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["applied", "stale", "stale", "stale"]
    stored = svcs[0].current(KEY)
    assert stored is not None
    assert stored.step == session.step + 1
    assert stored.asked == ["role"]


@pytest.mark.parametrize("action", ["answer", "confirm"])
def test_two_handlers_that_read_the_same_step_apply_once(
    redis_url: str, redis_prefix: str, action: str
) -> None:
    """Two replicas handle a click on the same question (or the same 確定) and both load the
    session before either saves (an exact interleaving, not a hope): the compare-and-set
    on the step lets one through and tells the other it is stale, every run."""
    barrier = threading.Barrier(2)
    stores = [barrier_store(redis_url, redis_prefix) for _ in range(2)]
    svcs = [service(s) for s in stores]
    svcs[0].start(KEY, "system_operations")
    if action == "confirm":
        while answer_current(svcs[0], KEY, "system_operations", 3):
            pass
    session = svcs[0].current(KEY)
    assert session is not None
    for store in stores:
        store.barrier = barrier
    outcomes: list[str] = []

    def click(svc: InterviewService, value: str) -> None:
        cmd = Command(action=action, interview=session.id, step=session.step, value=value)
        outcomes.append(svc.act(KEY, cmd).status)

    threads = [
        threading.Thread(target=click, args=(svc, value))
        for svc, value in zip(svcs, ["member", "head"], strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert not barrier.broken, "both handlers loaded the session before either saved"
    assert sorted(outcomes) == ["applied", "stale"]
    stores[0].barrier = stores[1].barrier = None
    if action == "answer":
        stored = svcs[0].current(KEY)
        assert stored is not None
        assert stored.step == session.step + 1
        assert stored.asked == ["role"]
    else:
        history = stores[0].history(KEY)
        assert [r.verdict.level for r in history] == [3], "one result, not two"
    for store in stores:
        store.close()


def test_in_progress_interview_expires_but_results_stay(redis_url: str, redis_prefix: str) -> None:
    store = RedisStore.from_url(redis_url, prefix=redis_prefix, session_ttl_seconds=1)
    svc = service(store)
    svc.start(KEY, "system_operations")
    while answer_current(svc, KEY, "system_operations", 2):
        pass
    session = svc.current(KEY)
    assert session is not None
    svc.act(KEY, Command(action="confirm", step=session.step))
    svc.start(KEY, "network_operations")
    time.sleep(1.5)
    assert svc.current(KEY) is None
    late = svc.act(KEY, Command(action="answer", value="member"))
    assert late.status == "stale"
    assert "/itss start" in late.message
    assert [r.specialty for r in svc.history(KEY)] == ["system_operations"]


@pytest.fixture
def counted(redis_url: str, redis_prefix: str) -> Iterator[tuple[RedisStore, type[Any]]]:
    class Counting(CountingConnection):
        pass

    pool = redis.ConnectionPool.from_url(redis_url, connection_class=Counting, **client_options())
    store = RedisStore(redis.Redis(connection_pool=pool), prefix=redis_prefix)
    store.ping()
    yield store, Counting
    store.close()


def test_two_round_trips_per_answered_question(counted: tuple[RedisStore, type[Any]]) -> None:
    store, counter = counted
    svc = service(store)
    svc.start(KEY, "network_operations")
    per_answer = []
    while True:
        session = svc.current(KEY)
        assert session is not None
        if session.state is not Phase.ASKING:
            break
        value = to_json_value(persona("network_operations", 5)[session.current or ""])
        counter.sent = 0
        svc.act(KEY, Command(action="answer", step=session.step, value=value))
        per_answer.append(counter.sent)
    assert per_answer
    assert max(per_answer) <= 2
