"""The OutboxStore contract against both backends, and the Redis specifics (round trips,
data from a newer version, never replacing a newer session)."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
import redis

from flows.outbox import Delivery, Mark, Settled, result_deliveries
from flows.session import PersonKey, ResultRecord
from flows.storage.base import SessionStore, StaleWriteError
from flows.storage.redis_store import RedisStore
from tests.flows.storage.test_contract import (
    ALICE,
    BOB,
    T0,
    counted,
    record,
    round_trips,
    session,
)

NOW = T0.timestamp()
LEASE = 120.0


def completed(
    store: SessionStore,
    key: PersonKey = ALICE,
    managers: tuple[str, ...] = ("carol",),
    admins: tuple[str, ...] = (),
    n: int = 1,
) -> tuple[ResultRecord, list[Delivery]]:
    store.save(session(key, step=0), expected_step=None)
    rec = record(key).model_copy(update={"interview_id": f"iv-{n}"})  # completed at NOW
    deliveries = result_deliveries(rec, managers, admins)
    store.complete(
        session(key, step=1), rec, expected_step=0, deliveries=deliveries, lease_until=NOW + LEASE
    )
    return rec, deliveries


def ids(items: list[Delivery]) -> list[str]:
    return sorted(d.id for d in items)


def test_completion_queues_every_delivery_claimed_by_the_writer(store: SessionStore) -> None:
    _, deliveries = completed(store, managers=("carol", "dave"))
    assert [d.recipient for d in deliveries] == ["alice", "carol", "dave"]
    assert ids(store.outbox.pending(ALICE)) == ids(deliveries)
    # the writer holds the lease: nobody else may claim them before it runs out
    assert store.outbox.claim(ALICE, NOW + 1, LEASE) == []
    later = store.outbox.claim(ALICE, NOW + LEASE, LEASE)
    assert sorted(c.delivery.id for c in later) == ids(deliveries)
    assert {(c.attempt, c.unsure) for c in later} == {(2, True)}  # the first may have gone out


def test_no_manager_queues_notices_for_the_person_and_each_admin(store: SessionStore) -> None:
    _, deliveries = completed(store, managers=(), admins=("adm1", "adm2"))
    kinds = sorted((d.kind, d.recipient) for d in deliveries)
    assert kinds == [
        ("no_manager", "alice"),
        ("no_manager_admin", "adm1"),
        ("no_manager_admin", "adm2"),
        ("result", "alice"),
    ]


def test_sent_deliveries_are_gone_and_never_queued_again(store: SessionStore) -> None:
    _, deliveries = completed(store)
    marks = [Mark(d.id, "sent") for d in deliveries]
    assert store.outbox.settle(ALICE, Settled(marks), NOW) is None
    assert store.outbox.pending(ALICE) == []
    # a notice with the same id (a retried settle) is not queued again
    assert store.outbox.settle(ALICE, Settled(notices=[deliveries[0]]), NOW) is None
    assert store.outbox.pending(ALICE) == []


def test_a_retry_is_due_at_its_time_and_says_whether_it_may_have_gone_out(
    store: SessionStore,
) -> None:
    _, (mine, theirs) = completed(store)
    settled = Settled([Mark(mine.id, "sent"), Mark(theirs.id, "retry", NOW + 30, "ratelimited")])
    assert store.outbox.settle(ALICE, settled, NOW) == pytest.approx(NOW + 30)
    assert store.outbox.claim(ALICE, NOW + 29, LEASE) == []
    (again,) = store.outbox.claim(ALICE, NOW + 30, LEASE)
    assert (again.delivery.id, again.attempt, again.unsure) == (theirs.id, 2, False)
    store.outbox.settle(ALICE, Settled([Mark(theirs.id, "retry", NOW + 60, "x", True)]), NOW)
    (third,) = store.outbox.claim(ALICE, NOW + 60, LEASE)
    assert (third.attempt, third.unsure) == (3, True)


def test_a_failed_delivery_is_kept_with_its_error_and_its_notices_queued(
    store: SessionStore,
) -> None:
    _, (mine, theirs) = completed(store)
    notice = Delivery(
        id=f"{theirs.id}:undelivered",
        team=ALICE.team,
        user=ALICE.user,
        recipient=ALICE.user,
        kind="undelivered",
        about="carol",
        reason="user_not_found",
        created_at=T0,
    )
    settled = Settled([Mark(mine.id, "sent"), Mark(theirs.id, "failed", error="user_not_found")])
    settled.notices.append(notice)
    assert store.outbox.settle(ALICE, settled, NOW) == 0.0  # the notice is due at once
    assert store.outbox.failed(ALICE) == [(theirs, "user_not_found")]
    assert store.outbox.pending(ALICE) == [notice]
    (claimed,) = store.outbox.claim(ALICE, NOW, LEASE)
    assert (claimed.delivery, claimed.attempt, claimed.unsure) == (notice, 1, False)


def test_the_index_points_at_people_with_deliveries_and_release_is_a_compare_and_set(
    store: SessionStore,
) -> None:
    completed(store)
    completed(store, BOB)
    # nothing to look at before the writer's lease ends (it is sending them)
    assert store.outbox.due_people(NOW, NOW + LEASE, 10) == []
    later = NOW + 2 * LEASE  # the lease of a batch of two
    taken = store.outbox.due_people(later, later + LEASE, 10)
    assert sorted(k.user for k, _ in taken) == ["alice", "bob"]
    assert store.outbox.due_people(later, later + LEASE, 10) == []  # leased
    (alice_token,) = [t for k, t in taken if k == ALICE]
    (bob_token,) = [t for k, t in taken if k == BOB]
    store.outbox.release(ALICE, alice_token, None)
    # Bob completes another interview while his entry is taken: his release must not drop it
    completed(store, BOB, n=2)
    store.outbox.release(BOB, bob_token, None)
    assert [k for k, _ in store.outbox.due_people(later + 1, later + LEASE, 10)] == [BOB]


def test_two_claimers_never_get_the_same_delivery(store: SessionStore) -> None:
    for i in range(20):
        completed(store, PersonKey(team="T1", user=f"p{i:02d}"), managers=("m1", "m2"))
    people = [PersonKey(team="T1", user=f"p{i:02d}") for i in range(20)]
    barrier = threading.Barrier(2)
    got: list[list[tuple[str, str]]] = [[], []]

    def claimer(slot: int) -> None:
        barrier.wait()
        for key in people:
            claimed = store.outbox.claim(key, NOW + LEASE, 999)
            got[slot] += [(key.user, c.delivery.id) for c in claimed]

    threads = [threading.Thread(target=claimer, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not set(got[0]) & set(got[1])
    assert len(got[0]) + len(got[1]) == 60


def test_forget_erases_pending_and_failed_deliveries(store: SessionStore) -> None:
    _, (mine, theirs) = completed(store)
    store.outbox.settle(ALICE, Settled([Mark(theirs.id, "failed", error="x")]), NOW)
    store.forget(ALICE)
    assert store.outbox.pending(ALICE) == []
    assert store.outbox.failed(ALICE) == []
    assert store.outbox.claim(ALICE, NOW + LEASE, LEASE) == []
    assert mine.kind == "result"


def test_a_completion_without_deliveries_queues_nothing(store: SessionStore) -> None:
    store.save(session(step=0), expected_step=None)
    store.complete(session(step=1), record(n=1), expected_step=0)
    assert store.outbox.pending(ALICE) == []
    assert store.outbox.due_people(NOW + 10, NOW + LEASE, 10) == []


# ---------------------------------------------------------------------- Redis specifics


def test_redis_delivery_of_a_newer_version_is_left_for_a_newer_reader(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    _, (mine, _) = completed(redis_store, managers=())
    box, due = redis_store.outbox.keys(ALICE)[:2]
    newer = mine.model_dump(mode="json") | {"schema_version": 2, "new_field": "x"}
    redis_client.hset(box, "future", json.dumps(newer))
    redis_client.zadd(due, {"future": 0})
    claimed = redis_store.outbox.claim(ALICE, NOW + LEASE, LEASE)
    assert "future" not in [c.delivery.id for c in claimed]
    assert redis_client.hexists(box, "future")  # still stored, not failed or dropped


def test_redis_never_replaces_a_session_written_by_a_newer_version(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    redis_store.save(session(step=0), expected_step=None)
    redis_client.hset(redis_store.session_key(ALICE), "v", "2")
    with pytest.raises(StaleWriteError, match="newer version"):
        redis_store.save(session(step=1), expected_step=0)
    with pytest.raises(StaleWriteError, match="newer version"):
        redis_store.complete(session(step=1), record(n=1), expected_step=0)
    assert redis_client.hget(redis_store.session_key(ALICE), "step") == "0"
    assert redis_store.history(ALICE) == []


def test_redis_a_newer_latest_result_is_kept_and_the_new_one_joins_the_history(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    newer = '{"schema_version": 3, "whatever": true}'
    rec = record(n=1)
    redis_client.hset(redis_store.latest_key(ALICE), rec.specialty, newer)
    redis_store.save(session(step=0), expected_step=None)
    redis_store.complete(session(step=1), rec, expected_step=0)
    assert redis_client.hget(redis_store.latest_key(ALICE), rec.specialty) == newer
    assert redis_store.history(ALICE) == [rec]
    assert redis_store.load(ALICE) is None


def test_redis_round_trips_of_the_outbox(counted: tuple[RedisStore, type[Any]]) -> None:
    store, counter = counted
    store.outbox.claim(BOB, NOW, 1)  # load the scripts before counting
    store.outbox.settle(BOB, Settled(), NOW)
    store.save(session(BOB, step=0), expected_step=None)
    rec = record(BOB, n=1)
    deliveries = result_deliveries(rec, ["carol"], [])
    done = lambda: store.complete(  # noqa: E731
        session(BOB, step=1), rec, expected_step=0, deliveries=deliveries, lease_until=NOW + 9
    )
    # ZADD LT on the index, EVALSHA, ZADD on the index again: one pipeline
    assert round_trips(counter, done) == (1, 3)
    marks = Settled([Mark(d.id, "sent") for d in deliveries])
    assert round_trips(counter, lambda: store.outbox.settle(BOB, marks, NOW)) == (1, 1)
    assert round_trips(counter, lambda: store.outbox.claim(BOB, NOW, 1)) == (1, 1)
    assert round_trips(counter, lambda: store.managers_of("T1", "bob")) == (1, 1)


def test_retried_completion_does_not_queue_twice(store: SessionStore) -> None:
    rec, deliveries = completed(store)
    store.complete(
        session(step=1), rec, expected_step=0, deliveries=deliveries, lease_until=NOW + LEASE
    )
    assert ids(store.outbox.pending(ALICE)) == ids(deliveries)
    assert len(store.history(ALICE)) == 1


__all__ = ["counted"]  # the fixture, imported for the round-trip test


def test_redis_a_session_of_the_first_release_without_v_is_continued(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    """The first release wrote `step`, `data`, `op` only: it reads as version 1 and is saved
    over as usual (the migration is lazy: the next save adds `v`)."""
    name = redis_store.session_key(ALICE)
    old = session(step=3)
    redis_client.hset(name, mapping={"step": "3", "data": old.model_dump_json(), "op": "x"})
    assert redis_store.load(ALICE) == old
    redis_store.save(session(step=4), expected_step=3)
    assert redis_client.hget(name, "v") == "1"
    rec = record(n=1)
    redis_store.complete(session(step=5), rec, expected_step=4)
    assert redis_store.history(ALICE) == [rec]


def test_a_retry_sooner_than_the_writers_lease_is_found_by_the_index(
    store: SessionStore,
) -> None:
    """The writer holds a long lease on its batch; when it settles a retry due sooner, the
    index must say so, or the retry would wait for the lease."""
    _, (mine, theirs) = completed(store)  # leased until NOW + LEASE
    settled = Settled([Mark(mine.id, "sent"), Mark(theirs.id, "retry", NOW + 10, "ratelimited")])
    assert store.outbox.settle(ALICE, settled, NOW) == pytest.approx(NOW + 10)
    assert [k for k, _ in store.outbox.due_people(NOW + 10, NOW + 10 + LEASE, 10)] == [ALICE]
