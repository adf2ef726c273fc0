"""The CampaignStore contract against both backends: a start writes the campaign, the
memberships and the deliveries as one step (or nothing when the name is taken); a completion
submits the membership and removes the person's reminders in its own atomic step."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import redis

from flows.calendar import ReminderPolicy
from flows.campaign import Campaign, plan_start, submissions
from flows.interview import Command, Interview
from flows.service import InterviewService, Notify
from flows.session import PersonKey
from flows.storage.base import SessionStore
from flows.storage.redis_store import RedisStore
from tests.flows.storage.test_contract import FW, record, session
from tests.flows.test_service import answer_current

NOW = datetime(2027, 3, 19, 0, 0, tzinfo=UTC)  # Friday 09:00 JST
ROSTER = {"ann": ["boss"], "ben": ["boss"], "cy": ["boss", "vice"]}


def campaign(name: str = "2027上期", members: list[str] | None = None) -> Campaign:
    return Campaign(
        id=uuid.uuid4().hex[:12],
        team="T1",
        name=name,
        due=date(2027, 3, 25),
        owner="boss",
        scope="team",
        members=members or ["ann", "ben", "cy"],
        created_at=NOW,
    )


def start(store: SessionStore, c: Campaign) -> bool:
    plan = plan_start(c, timezones={}, roster=ROSTER, policy=ReminderPolicy(), now=NOW)
    return store.start_campaign(c, plan)


def key(user: str) -> PersonKey:
    return PersonKey(team="T1", user=user)


def test_a_start_stores_the_campaign_memberships_and_deliveries(store: SessionStore) -> None:
    c = campaign()
    assert start(store, c)
    assert store.campaign_named("T1", c.name) == c
    assert store.campaign_by_id("T1", c.id) == c
    assert store.campaigns("T1") == [c]
    ann = store.memberships(key("ann"))[c.id]
    assert ann.reminders == [f"campaign:{c.id}:reminder:{n}" for n in (1, 2, 3)]
    pending = store.outbox.pending(key("ann"))
    assert sorted(d.kind for d in pending) == ["campaign_invite"] + ["campaign_reminder"] * 3
    # the managers' digests are queued under each manager
    assert [d.kind for d in store.outbox.pending(key("boss"))] == ["campaign_digest"]
    assert [d.kind for d in store.outbox.pending(key("vice"))] == ["campaign_digest"]
    # only the invitations are due now; the index names every member
    due = {
        k.user for k, _ in store.outbox.due_people(NOW.timestamp() + 1, NOW.timestamp() + 60, 10)
    }
    assert {"ann", "ben", "cy"} <= due
    claimed = store.outbox.claim(key("ann"), NOW.timestamp() + 1, 60)
    assert [c.delivery.kind for c in claimed] == ["campaign_invite"]
    assert set(store.campaign_memberships("T1", c.id, ["ann", "ben", "zed"])) == {"ann", "ben"}


def test_a_taken_name_writes_nothing(store: SessionStore) -> None:
    first = campaign()
    assert start(store, first)
    second = campaign(members=["ann", "dee"])
    assert not start(store, second)
    assert store.campaign_named("T1", first.name) == first
    assert store.campaign_by_id("T1", second.id) is None
    assert store.memberships(key("dee")) == {}
    assert set(store.memberships(key("ann"))) == {first.id}
    assert store.outbox.pending(key("dee")) == []
    assert len(store.outbox.pending(key("ann"))) == 4


def test_a_completion_submits_and_cancels_the_reminders_atomically(store: SessionStore) -> None:
    c = campaign()
    start(store, c)
    ann = key("ann")
    store.save(session(ann, 0), expected_step=None)
    done = record(ann).model_copy(update={"completed_at": NOW + timedelta(days=2)})
    linked, subs = submissions(done, store.open_memberships(ann))
    assert linked == c.id
    store.complete(session(ann, 1), done, expected_step=0, submissions=subs)
    member = store.memberships(ann)[c.id]
    assert member.submitted_at == done.completed_at
    assert member.interview_id == done.interview_id
    assert not member.late
    assert [d.kind for d in store.outbox.pending(ann)] == ["campaign_invite"]
    # another member's reminders are untouched
    assert len(store.outbox.pending(key("ben"))) == 4
    # submitted: nothing more to submit for that campaign
    assert submissions(done, store.open_memberships(ann)) == (None, [])
    # … but a resubmission after 差し戻し of that submission stays in its campaign
    assert submissions(done, store.open_memberships(ann), returned=c.id) == (c.id, [])
    assert submissions(done, store.open_memberships(ann), returned="other") == (None, [])


def test_after_the_due_date_a_submission_is_late(store: SessionStore) -> None:
    c = campaign()
    start(store, c)
    ben = key("ben")
    late = record(ben).model_copy(update={"completed_at": datetime(2027, 3, 25, 15, 0, tzinfo=UTC)})
    _, (sub,) = submissions(late, store.open_memberships(ben))
    assert sub.membership.late  # 3/26 00:00 JST


def test_a_closed_campaign_covers_nobody_any_more(store: SessionStore) -> None:
    c = campaign()
    start(store, c)
    closed = c.model_copy(update={"status": "closed", "closed_at": NOW + timedelta(days=9)})
    store.close_campaign(closed)
    assert store.campaign_named("T1", c.name) == closed
    assert store.open_memberships(key("ann")) == []
    assert submissions(record(key("ann")), []) == (None, [])


def test_forget_erases_the_memberships(store: SessionStore) -> None:
    c = campaign()
    start(store, c)
    store.forget(key("ann"))
    assert store.memberships(key("ann")) == {}
    assert store.outbox.pending(key("ann")) == []
    assert set(store.memberships(key("ben"))) == {c.id}
    assert store.campaign_named("T1", c.name) == c  # the campaign is not the person's data


def test_the_service_links_the_result_to_the_open_campaign(store: SessionStore) -> None:
    c = campaign()
    start(store, c)
    clock = iter([NOW + timedelta(minutes=m) for m in range(1000)])
    service = InterviewService(Interview(FW), store, lambda: next(clock), lambda: "iv-cy", Notify())
    cy = key("cy")
    service.start(cy, "system_operations")
    while answer_current(service, cy, "system_operations", 3):
        pass
    reviewing = service.current(cy)
    assert reviewing is not None
    outcome = service.act(
        cy, Command(action="confirm", interview=reviewing.id, step=reviewing.step)
    )
    assert outcome.record is not None
    assert outcome.record.campaign == c.id
    (stored,) = store.history(cy)
    assert stored.campaign == c.id
    assert store.latest(cy)["system_operations"].summary().campaign == c.id
    assert store.memberships(cy)[c.id].submitted_at is not None
    assert [d.kind for d in store.outbox.pending(cy) if d.kind.startswith("campaign_")] == [
        "campaign_invite"
    ]


def test_an_older_reader_tolerates_the_campaign_field(redis_store: RedisStore) -> None:
    """ResultRecord.campaign is optional and absent when None: records outside a campaign are
    stored byte for byte as before, and one with it validates without it being known."""
    plain = record(key("ann"))
    assert "campaign" not in plain.model_dump_json()
    linked = plain.model_copy(update={"campaign": "c1"})
    assert '"campaign":"c1"' in linked.model_dump_json()
    assert '"campaign":"c1"' in linked.summary().model_dump_json()


def test_an_unreadable_membership_costs_only_itself(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    c = campaign()
    start(redis_store, c)
    redis_client.hset(redis_store.membership_key(key("ann")), "other", "{not json")
    assert set(redis_store.memberships(key("ann"))) == {c.id}
    redis_client.hset(redis_store.membership_key(key("ben")), c.id, '{"schema_version": 9}')
    assert set(redis_store.campaign_memberships("T1", c.id, ["ann", "ben"])) == {"ann"}
