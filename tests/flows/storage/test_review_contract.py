"""The ReviewStore contract against both backends: a completion stores the pending review
with the result in one step; a decision is a compare-and-set on it (still pending, still the
person's latest) that updates the summary and queues the notices atomically; forget erases
reviews. The SignOff service over it: who may decide, first decision wins, return → reopen
→ resubmit, modify recomputes the level on the manager's facts."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from flows.audit import AuditAction
from flows.campaign import Membership, Submission
from flows.facts import to_json_value
from flows.interview import Command, Interview
from flows.personas import persona
from flows.review import Decision, Denied, Review, notices
from flows.service import InterviewService, Notify
from flows.session import PersonKey, Phase, ResultRecord
from flows.signoff import SignOff
from flows.storage.base import SessionStore, StaleWriteError
from flows.storage.redis_scripts import DECIDE
from flows.storage.redis_store import RedisStore
from tests.flows.storage import test_contract
from tests.flows.storage.test_contract import FW, record, round_trips, session

counted = test_contract.counted  # the store counting round trips (a fixture)
T0 = datetime(2027, 3, 19, 0, 0, tzinfo=UTC)
ANN = PersonKey(team="T1", user="ann")
SO = "system_operations"


def complete(store: SessionStore, rec: ResultRecord, managers: list[str]) -> Review:
    key = PersonKey(team=rec.team, user=rec.user)
    store.save(session(key, 0), expected_step=None)
    review = Review.pending(rec, managers)
    store.complete(session(key, 1), rec, expected_step=0, review=review)
    return review


def approved(review: Review, by: str = "boss") -> Review:
    return review.model_copy(
        update={
            "status": "approved",
            "decided_by": by,
            "decided_at": T0,
            "confirmed_level": review.self_level,
        }
    )


def test_a_completion_stores_the_pending_review_with_the_result(store: SessionStore) -> None:
    rec = record(ANN, n=1)
    review = complete(store, rec, ["boss", "ann"])
    assert review.managers == ["boss"]  # never the person themself
    assert store.latest_review(ANN) == review
    assert store.reviews(ANN) == {rec.interview_id: review}
    summary = store.summaries("T1", ["ann"])["ann"]
    assert summary.review == review.summary()
    assert summary.review is not None
    assert summary.review.status == "pending"
    assert summary.latest is not None


def test_without_a_manager_the_review_is_stored_all_the_same(store: SessionStore) -> None:
    review = complete(store, record(ANN, n=1), [])
    assert store.latest_review(ANN) == review
    assert review.managers == []


def test_a_decision_is_stored_once_and_queues_its_notices(store: SessionStore) -> None:
    rec = record(ANN, n=1)
    pending = complete(store, rec, ["boss"])
    decided = approved(pending)
    queued = notices(decided, ["boss", "vice"], T0)
    store.decide(decided, expected=pending, deliveries=queued, lease_until=T0.timestamp())
    assert store.latest_review(ANN) == decided
    assert store.summaries("T1", ["ann"])["ann"].review == decided.summary()
    kinds = sorted((d.kind, d.recipient) for d in store.outbox.pending(ANN))
    assert kinds == [("review_decided", "vice"), ("review_outcome", "ann")]
    # the same decision again (a retry after a lost reply) is no error and queues nothing twice
    store.decide(decided, expected=pending, deliveries=queued, lease_until=T0.timestamp())
    assert len(store.outbox.pending(ANN)) == 2
    # another decision on the review as first read loses: it is no longer pending
    other = approved(pending, by="vice")
    with pytest.raises(StaleWriteError):
        store.decide(other, expected=pending)
    assert store.latest_review(ANN) == decided


def test_only_the_latest_submission_can_be_decided(store: SessionStore) -> None:
    first = complete(store, record(ANN, n=1), ["boss"])
    second = complete(store, record(ANN, n=2), ["boss"])
    with pytest.raises(StaleWriteError):
        store.decide(approved(first), expected=first)
    assert store.reviews(ANN)[first.interview_id] == first
    assert store.latest_review(ANN) == second


def test_a_completion_without_a_review_has_none(store: SessionStore) -> None:
    complete(store, record(ANN, n=1), ["boss"])
    key = ANN
    store.save(session(key, 0), expected_step=None)
    store.complete(session(key, 1), record(ANN, n=2), expected_step=0)
    assert store.latest_review(ANN) is None
    assert store.summaries("T1", ["ann"])["ann"].review is None


def test_forget_erases_the_reviews(store: SessionStore) -> None:
    complete(store, record(ANN, n=1), ["boss"])
    store.forget(ANN)
    assert store.reviews(ANN) == {}
    assert store.latest_review(ANN) is None


def test_a_completion_submitting_two_campaigns_stores_its_review(store: SessionStore) -> None:
    """COMPLETE reads the review after a variable number of campaign submissions."""
    rec = record(ANN, n=1)
    subs = []
    for n in range(2):
        member = Membership(
            campaign=f"c{n}",
            team="T1",
            user="ann",
            tz="Asia/Tokyo",
            invited_at=T0,
            reminders=[f"r{n}a", f"r{n}b"][: n + 1],
        )
        done = member.model_copy(update={"submitted_at": rec.completed_at})
        subs.append(Submission(done, tuple(member.reminders)))
    store.save(session(ANN, 0), expected_step=None)
    review = Review.pending(rec, ["boss"])
    store.complete(session(ANN, 1), rec, expected_step=0, submissions=subs, review=review)
    assert set(store.memberships(ANN)) == {"c0", "c1"}
    assert all(m.submitted_at == rec.completed_at for m in store.memberships(ANN).values())
    assert store.latest_review(ANN) == review


def test_an_older_reader_ignores_the_summary_field(redis_store: RedisStore) -> None:
    """`d` is a field of its own: the summary's `r` is byte for byte what it was."""
    rec = record(ANN, n=1)
    complete(redis_store, rec, ["boss"])
    raw = redis_store.client.hget(redis_store.summary_key(ANN), "r")
    assert raw == rec.summary().model_dump_json()


# ---------------------------------------------------------------------- the service


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def submit(store: SessionStore, key: PersonKey, level: int, clock: Clock) -> ResultRecord:
    svc = InterviewService(Interview(FW), store, clock, lambda: uuid.uuid4().hex, Notify())
    session_now = svc.current(key)
    if session_now is None:
        svc.start(key, SO)
    while True:
        current = svc.current(key)
        assert current is not None
        if current.state is not Phase.ASKING:
            break
        value = to_json_value(persona(SO, level)[current.current or ""])
        svc.act(key, Command(action="answer", interview=current.id, step=current.step, value=value))
    outcome = svc.act(key, Command(action="confirm", step=current.step))
    assert outcome.record is not None
    return outcome.record


@pytest.fixture
def signoff(store: SessionStore) -> SignOff:
    store.set_managers("T1", {"ann": ["boss", "vice"], "boss": ["boss"]})
    return SignOff(Interview(FW), store, Clock(), lambda: uuid.uuid4().hex)


def no() -> bool:
    return False


def yes() -> bool:
    return True


def test_the_first_manager_wins_and_the_second_is_told_who(
    store: SessionStore, signoff: SignOff
) -> None:
    rec = submit(store, ANN, 4, Clock())
    decided = signoff.decide(ANN, rec.interview_id, Decision("approve", "boss"), no)
    assert decided.review.confirmed_level == 4
    assert {d.recipient for d in decided.deliveries} == {"ann", "vice"}
    with pytest.raises(Denied, match=r"<@boss> さんが既に承認しました"):
        signoff.decide(ANN, rec.interview_id, Decision("approve", "vice"), no)
    events = [(e.action, e.actor, e.subject) for e in store.audit.events("T1")]
    assert (AuditAction.RESULT_APPROVED, "boss", "ann") in events


@pytest.mark.parametrize(
    ("actor", "admin", "reason"),
    [
        ("ann", True, "自分自身"),  # the person, even as an admin
        ("stranger", False, "マネージャー"),
    ],
)
def test_who_may_not_decide_changes_nothing(
    store: SessionStore, signoff: SignOff, actor: str, admin: bool, reason: str
) -> None:
    rec = submit(store, ANN, 4, Clock())
    before = store.latest_review(ANN)
    with pytest.raises(Denied, match=reason):
        signoff.decide(ANN, rec.interview_id, Decision("approve", actor), lambda: admin)
    assert store.latest_review(ANN) == before
    assert not [e for e in store.audit.events("T1") if e.action != AuditAction.RESULT_SUBMITTED]


def test_a_manager_on_the_roster_as_their_own_manager_cannot_approve_themself(
    store: SessionStore, signoff: SignOff
) -> None:
    boss = PersonKey(team="T1", user="boss")
    rec = submit(store, boss, 3, Clock())
    with pytest.raises(Denied, match="自分自身"):
        signoff.decide(boss, rec.interview_id, Decision("approve", "boss"), yes)


def test_an_admin_acting_for_the_managers_is_recorded(
    store: SessionStore, signoff: SignOff
) -> None:
    rec = submit(store, ANN, 4, Clock())
    decided = signoff.decide(ANN, rec.interview_id, Decision("approve", "UADMIN"), yes)
    assert decided.review.acted_as_admin
    assert {d.recipient for d in decided.deliveries} == {"ann", "boss", "vice"}
    acted = [e for e in store.audit.events("T1") if e.action == AuditAction.ADMIN_ACTED_FOR]
    assert [(e.actor, e.subject, e.detail["managers"]) for e in acted] == [
        ("UADMIN", "ann", "boss vice")
    ]


def test_modify_recomputes_the_level_on_the_managers_facts(
    store: SessionStore, signoff: SignOff
) -> None:
    rec = submit(store, ANN, 4, Clock())
    with pytest.raises(Denied, match="理由"):
        signoff.decide(
            ANN, rec.interview_id, Decision("modify", "boss", "", {"role": "operator"}), no
        )
    with pytest.raises(Denied, match="1 つ以上"):
        signoff.decide(ANN, rec.interview_id, Decision("modify", "boss", "根拠不足", {}), no)
    decided = signoff.decide(
        ANN, rec.interview_id, Decision("modify", "boss", "役割は担当者", {"role": "operator"}), no
    )
    assert decided.review.status == "modified"
    assert (decided.review.self_level, decided.review.confirmed_level) == (4, 2)
    assert store.summaries("T1", ["ann"])["ann"].review == decided.review.summary()
    (modified,) = [e for e in store.audit.events("T1") if e.action == AuditAction.RESULT_MODIFIED]
    assert modified.detail == {
        "interview": rec.interview_id,
        "specialty": SO,
        "facts": "role",
        "reason": "given",
    }
    assert "役割は担当者" not in modified.model_dump_json()  # forget erases the reason


def test_return_reopen_resubmit(store: SessionStore, signoff: SignOff) -> None:
    clock = Clock()
    rec = submit(store, ANN, 3, clock)
    with pytest.raises(Denied, match="コメント"):
        signoff.decide(ANN, rec.interview_id, Decision("return", "boss", "  "), no)
    signoff.decide(ANN, rec.interview_id, Decision("return", "vice", "根拠メモを追加して"), no)
    reopened = signoff.reopen(ANN, rec.interview_id)
    assert reopened.state is Phase.REVIEWING
    assert reopened.answers == rec.answers
    assert reopened.id != rec.interview_id
    with pytest.raises(Denied, match="進行中"):  # a second click: the first one's session
        signoff.reopen(ANN, rec.interview_id)
    again = submit(store, ANN, 3, clock)
    assert again.interview_id == reopened.id
    latest = store.latest_review(ANN)
    assert latest is not None
    assert (latest.interview_id, latest.status) == (again.interview_id, "pending")
    assert store.reviews(ANN)[rec.interview_id].status == "returned"
    with pytest.raises(Denied, match="再提出"):
        signoff.reopen(ANN, rec.interview_id)
    with pytest.raises(Denied, match="古い提出"):
        signoff.decide(ANN, rec.interview_id, Decision("approve", "boss"), no)
    signoff.decide(ANN, again.interview_id, Decision("approve", "boss"), no)


def test_the_previous_campaigns_level_is_kept_for_the_trend(store: SessionStore) -> None:
    """A result of an earlier campaign, confirmed at 2 by a modification: a later
    submission's review keeps 2 as the previous level of record."""
    old = record(ANN, n=0).model_copy(update={"campaign": "c-old"})
    review = complete(store, old, ["boss"])
    modified = review.model_copy(
        update={"status": "modified", "decided_by": "boss", "decided_at": T0, "confirmed_level": 2}
    )
    store.decide(modified, expected=review)
    rec = submit(store, ANN, 4, Clock())
    latest = store.latest_review(ANN)
    assert latest is not None
    assert latest.interview_id == rec.interview_id
    assert (latest.self_level, latest.previous_level) == (4, 2)


def test_redis_round_trips_of_a_decision(counted: tuple[RedisStore, type[Any]]) -> None:
    """DECIDE with its notices is one pipeline (index, script, index); a decision by the
    service reads the roster, the latest review (two) and the record first, then audits."""
    store, counter = counted
    store.client.script_load(DECIDE)  # as after a replica's first decision
    rec = record(ANN, n=1)
    pending = complete(store, rec, ["boss"])
    assert round_trips(counter, lambda: store.reviews(ANN)) == (1, 1)
    assert round_trips(counter, lambda: store.latest_review(ANN)) == (2, 2)
    decided = approved(pending)
    queued = notices(decided, ["boss"], T0)
    decide = lambda: store.decide(decided, expected=pending, deliveries=queued)  # noqa: E731
    assert round_trips(counter, decide) == (1, 3)

    store.set_managers("T1", {"bob": ["boss"]})
    signoff = SignOff(Interview(FW), store, Clock(), lambda: "x")
    bob = submit(store, PersonKey(team="T1", user="bob"), 3, Clock())
    by_service = lambda: signoff.decide(  # noqa: E731
        PersonKey(team="T1", user="bob"), bob.interview_id, Decision("approve", "boss"), no
    )
    # roster, latest review (2), latest results, DECIDE pipeline, audit append
    assert round_trips(counter, by_service) == (6, 8)


def test_a_result_an_older_replica_completed_is_not_shown_as_reviewed(
    redis_store: RedisStore,
) -> None:
    """During a rolling deploy a replica of the release before sign-off completes without
    touching the summary's `d`: the earlier review then neither shows beside the newer result
    nor can be decided any more."""
    first = complete(redis_store, record(ANN, n=1), ["boss"])
    newer = record(ANN, n=2)
    client = redis_store.client
    client.rpush(redis_store.history_key(ANN), newer.model_dump_json())  # its COMPLETE's writes
    client.hset(redis_store.latest_key(ANN), newer.specialty, newer.model_dump_json())
    client.hset(redis_store.summary_key(ANN), "r", newer.summary().model_dump_json())
    member = redis_store.summaries("T1", ["ann"])["ann"]
    assert member.latest == newer.summary()
    assert member.review is None
    with pytest.raises(StaleWriteError):
        redis_store.decide(approved(first), expected=first)
    assert redis_store.reviews(ANN)[first.interview_id] == first


def test_two_managers_at_once_one_decision(store: SessionStore, signoff: SignOff) -> None:
    """Two replicas deciding the same review at the same moment: one decides, the other is
    told who did — never two decisions, never an error."""
    rec = submit(store, ANN, 4, Clock())

    def one(manager: str) -> str:
        try:
            signoff.decide(ANN, rec.interview_id, Decision("approve", manager), no)
        except Denied as exc:
            return str(exc)
        return "decided"

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(one, ["boss", "vice"]))
    assert outcomes.count("decided") == 1
    (other,) = [o for o in outcomes if o != "decided"]
    review = store.latest_review(ANN)
    assert review is not None
    assert other.startswith(f"<@{review.decided_by}> さんが既に承認しました")
    approved_events = [
        e for e in store.audit.events("T1") if e.action == AuditAction.RESULT_APPROVED
    ]
    assert [e.actor for e in approved_events] == [review.decided_by]
