"""The outbox drain policy (flows.outbox) over both stores, with a recording Sender."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
import redis

from flows.drain import Drain, RecordLookup
from flows.outbox import (
    Delivery,
    RetryPolicy,
    SendResult,
    result_deliveries,
)
from flows.session import PersonKey, ResultRecord
from flows.storage.base import SessionStore
from flows.storage.redis_store import RedisStore
from tests.flows.storage.test_contract import ALICE, T0, record, session

NOW = T0.timestamp()
POLICY = RetryPolicy(base_seconds=10, cap_seconds=40, max_attempts=4, lease_seconds=60)


@dataclass
class Sender:
    """Answers each send from `script` (by recipient; default: sent) and records it."""

    script: dict[str, list[SendResult]] = field(default_factory=dict)
    shown: set[str] = field(default_factory=set)  # delivery ids Slack already shows
    sent: list[tuple[str, str]] = field(default_factory=list)  # (recipient, kind)
    looked_up: list[str] = field(default_factory=list)
    tried: list[str] = field(default_factory=list)  # recipients, every send

    def send(self, delivery: Delivery, record: ResultRecord | None) -> SendResult:
        self.tried.append(delivery.recipient)
        answers = self.script.get(delivery.recipient) or [SendResult.ok()]
        result = answers.pop(0) if len(answers) > 1 else answers[0]
        if result.status == "sent":
            self.sent.append((delivery.recipient, delivery.kind))
            self.shown.add(delivery.id)
        return result

    def already_sent(self, delivery: Delivery) -> bool:
        self.looked_up.append(delivery.id)
        return delivery.id in self.shown


def queue(store: SessionStore, managers: tuple[str, ...] = ("carol",)) -> ResultRecord:
    """A completion whose writer died before sending: its lease runs out at NOW."""
    store.save(session(step=0), expected_step=None)
    rec = record(n=0)
    deliveries = result_deliveries(rec, managers, ["admin"])
    store.complete(session(step=1), rec, expected_step=0, deliveries=deliveries, lease_until=NOW)
    return rec


def drainer(store: SessionStore, sender: Sender, record_of: RecordLookup, at: float = NOW) -> Drain:
    return Drain(store.outbox, sender, record_of, lambda: at, POLICY, admins=["admin"])


def queue_bob(store: SessionStore) -> tuple[PersonKey, ResultRecord]:
    """A second person (also managed by carol) whose writer died before sending."""
    bob = ALICE.model_copy(update={"user": "bob"})
    store.save(session(bob, step=0), expected_step=None)
    rec = record(bob, n=0).model_copy(update={"interview_id": "iv-bob"})
    deliveries = result_deliveries(rec, ["carol"], [])
    store.complete(
        session(bob, step=1), rec, expected_step=0, deliveries=deliveries, lease_until=NOW
    )
    return bob, rec


def drain(store: SessionStore, sender: Sender, at: float, rec: ResultRecord | None) -> int:
    return drainer(store, sender, lambda d: rec, at).due()


def test_a_dead_writers_deliveries_are_sent_once_after_its_lease(store: SessionStore) -> None:
    rec = queue(store)
    sender = Sender()
    assert drain(store, sender, NOW, rec) == 1
    assert sorted(sender.sent) == [("alice", "result"), ("carol", "result_manager")]
    assert len(sender.looked_up) == 2  # the writer may have sent them: looked up first
    assert store.outbox.pending(ALICE) == []
    assert drain(store, sender, NOW + 1000, rec) == 0  # the index entry is gone too
    assert len(sender.sent) == 2


def test_what_slack_already_shows_is_not_sent_again(store: SessionStore) -> None:
    rec = queue(store)
    sender = Sender(shown={f"{rec.interview_id}:result"})
    drain(store, sender, NOW, rec)
    assert sender.sent == [("carol", "result_manager")]
    assert store.outbox.pending(ALICE) == []


def test_retries_back_off_and_then_fail_with_the_true_reason_told_once(
    store: SessionStore,
) -> None:
    rec = queue(store)
    sender = Sender(script={"carol": [SendResult("unsure", "server_error")]})
    at, times = NOW, []
    for _ in range(10):
        nxt = drainer(store, sender, lambda d: rec, at).person(ALICE)
        times.append(at - NOW)
        if nxt is None:
            break
        at = nxt
    # claims 2, 3, 4 (the writer's was 1): retried after 20 s and 40 s, then failed
    assert times == [0, 20, 60]
    assert sender.tried.count("carol") == 3
    assert [(d.recipient, e) for d, e in store.outbox.failed(ALICE)] == [("carol", "server_error")]
    assert [s for s in sender.sent if s[1] == "undelivered"] == [("alice", "undelivered")]
    assert store.outbox.pending(ALICE) == []


def test_backoff_doubles_up_to_its_cap_and_honours_retry_after() -> None:
    assert [POLICY.delay(n) for n in (1, 2, 3, 4, 5)] == [10, 20, 40, 40, 40]
    assert POLICY.delay(1, retry_after=30) == 30
    assert POLICY.delay(3, retry_after=5) == 40


def test_a_permanent_error_fails_at_once_and_the_person_is_told(store: SessionStore) -> None:
    rec = queue(store)
    sender = Sender(script={"carol": [SendResult("permanent", "user_disabled")]})
    drain(store, sender, NOW, rec)
    assert ("alice", "result") in sender.sent
    assert ("alice", "undelivered") in sender.sent  # in the same drain, not a round later
    assert [e for _, e in store.outbox.failed(ALICE)] == ["user_disabled"]
    assert store.outbox.pending(ALICE) == []


def test_the_person_unreachable_tells_the_admins(store: SessionStore) -> None:
    rec = queue(store)
    sender = Sender(script={"alice": [SendResult("permanent", "user_not_found")]})
    drain(store, sender, NOW, rec)
    assert ("admin", "undelivered_admin") in sender.sent
    assert ("carol", "result_manager") in sender.sent


def test_a_rate_limited_send_waits_for_retry_after(store: SessionStore) -> None:
    rec = queue(store)
    sender = Sender(script={"carol": [SendResult("retry", "ratelimited", 25.0), SendResult.ok()]})
    drain(store, sender, NOW, rec)
    assert ("carol", "result_manager") not in sender.sent
    drain(store, sender, NOW + 24, rec)
    assert ("carol", "result_manager") not in sender.sent
    drain(store, sender, NOW + 25, rec)
    assert sender.sent.count(("carol", "result_manager")) == 1


def test_deliveries_of_an_erased_result_are_dropped(store: SessionStore) -> None:
    queue(store)
    sender = Sender()
    drain(store, sender, NOW, None)
    assert sender.sent == []
    assert store.outbox.pending(ALICE) == []


def test_drain_person_says_when_the_next_delivery_is_due(store: SessionStore) -> None:
    rec = queue(store)
    sender = Sender(script={"carol": [SendResult("retry", "ratelimited")]})
    nxt = drainer(store, sender, lambda d: rec).person(ALICE)
    assert nxt == pytest.approx(NOW + 10)


def test_redis_a_completion_after_a_script_flush_still_queues(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    redis_store.ping()
    redis_client.script_flush()
    rec = queue(redis_store)
    assert len(redis_store.outbox.pending(ALICE)) == 2
    assert redis_store.latest(ALICE)[rec.specialty] == rec


def test_a_long_round_reads_the_clock_for_each_person(store: SessionStore) -> None:
    """A person drained late in a round is leased from when their turn came, not from when
    the round began: otherwise another replica could claim what is being sent."""
    rec_a = queue(store)
    bob, rec_b = queue_bob(store)
    clock = {"now": NOW}
    stolen: list[str] = []

    class Racing(Sender):
        def send(self, delivery: Delivery, record: ResultRecord | None) -> SendResult:
            if delivery.user == "alice":
                clock["now"] = NOW + 500  # Alice's sends are slow: Bob's turn comes late
            if delivery.user == "bob":  # another replica tries while Bob's are being sent
                stolen.extend(c.delivery.id for c in store.outbox.claim(bob, NOW + 501, 60))
            return super().send(delivery, record)

    records = {"alice": rec_a, "bob": rec_b}
    Drain(store.outbox, Racing(), lambda d: records[d.user], lambda: clock["now"], POLICY).due()
    assert stolen == []
    assert store.outbox.pending(bob) == []


def test_a_send_that_raises_is_retried_and_stalls_nobody_else(store: SessionStore) -> None:
    rec = queue(store)
    _, rec_b = queue_bob(store)

    class Raising(Sender):
        def send(self, delivery: Delivery, record: ResultRecord | None) -> SendResult:
            if delivery.user == "alice" and delivery.recipient == "carol":
                raise RuntimeError("a bug in rendering")
            return super().send(delivery, record)

    errors: list[str] = []
    records = {"alice": rec, "bob": rec_b}
    sender = Raising()
    drain = Drain(
        store.outbox,
        sender,
        lambda d: records[d.user],
        lambda: NOW,
        POLICY,
        on_error=lambda d, exc: errors.append(f"{d.id}: {exc}"),
    )
    assert drain.due() == 2
    assert ("carol", "result_manager") in sender.sent  # Bob's, after Alice's raised
    assert errors == ["iv-0:manager:carol: a bug in rendering"]
    (left,) = store.outbox.pending(ALICE)
    assert left.recipient == "carol"  # kept for a retry, and so on to `failed` in the end
