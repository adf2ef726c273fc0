"""Results stored by the previous release (ResultRecord version 1, with its whole verdict
tree, and sessions without `sp`), read by this one as they are, summarised lazily, and
rewritten by `itss-bot migrate`. The raw values in data/first_release.json were written by
that release's own RedisStore (commit d146036) through its interview service."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import redis

from bot.blocks.result import result_blocks
from flows.session import RECORD_VERSION, PersonKey, ResultRecord
from flows.storage.base import MemberSummary
from flows.storage.redis_migrate import MIGRATE, migrate
from flows.storage.redis_store import RedisStore
from tests.flows.storage.test_contract import FW

DATA = json.loads((Path(__file__).parent / "data" / "first_release.json").read_text())
TEAM = DATA["team"]
ROOT = Path(__file__).resolve().parents[3]


def key(user: str) -> PersonKey:
    return PersonKey(team=TEAM, user=user)


def write_first_release(store: RedisStore, client: redis.Redis) -> None:
    for user, kinds in DATA["people"].items():
        if kinds["session"]:
            client.hset(store.session_key(key(user)), mapping=kinds["session"])
            client.expire(store.session_key(key(user)), 20 * 86400)
        if kinds["history"]:
            client.rpush(store.history_key(key(user)), *kinds["history"])
        if kinds["latest"]:
            client.hset(store.latest_key(key(user)), mapping=kinds["latest"])


def tree(user: str, specialty: str) -> dict[str, Any]:
    """The verdict tree the previous release stored as the person's latest result."""
    tree: dict[str, Any] = json.loads(DATA["people"][user]["latest"][specialty])["result"]
    return tree


def test_the_fixture_is_what_the_previous_release_wrote() -> None:
    alice = json.loads(DATA["people"]["alice"]["latest"]["system_operations"])
    assert alice["schema_version"] == 1
    assert alice["result"]["levels"]  # the whole tree
    assert "verdict" not in alice
    assert "sp" not in DATA["people"]["bob"]["session"]


def test_version_1_records_are_read_with_the_verdict_they_showed(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    write_first_release(redis_store, redis_client)
    latest = redis_store.latest(key("bob"))
    assert set(latest) == {"customer_support", "network_operations"}
    for specialty, record in latest.items():
        shown = tree("bob", specialty)
        assert record.schema_version == RECORD_VERSION
        assert record.verdict.level == shown["level"]
        assert record.verdict.next_level == shown["next_level"]
        assert record.verdict.missing == len(shown["missing"])
        assert record.framework_version == shown["framework_version"]
        assert record.asked is None  # the previous release did not keep it
    assert [r.specialty for r in redis_store.history(key("bob"))] == [
        "customer_support",
        "network_operations",
    ]
    # and still shown: the tree recomputed from the answers gives the level shown then
    blocks = json.dumps(result_blocks(latest["network_operations"], FW), ensure_ascii=False)
    assert f"レベル {tree('bob', 'network_operations')['level']}" in blocks
    assert "判定規則の更新" not in blocks


def test_team_summary_of_first_release_data_is_made_lazily(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    write_first_release(redis_store, redis_client)
    users = ["alice", "bob", "carol"]
    first = redis_store.summaries(TEAM, users)
    bob_last = redis_store.latest(key("bob"))["network_operations"]  # completed after CS
    assert first == {
        "alice": MemberSummary(redis_store.latest(key("alice"))["system_operations"].summary()),
        "bob": MemberSummary(
            bob_last.summary(), in_progress=True, specialty_in_progress="system_operations"
        ),
        "carol": MemberSummary(in_progress=True, specialty_in_progress="network_operations"),
    }
    # the summary made from the latest results is stored (never over one a completion wrote
    # meanwhile) — but not while a session of the previous release, which the summary does
    # not know of, is in progress: that takes until the session's next save
    summary = redis_store.summary_key
    assert redis_client.hget(summary(key("alice")), "r") is not None
    assert redis_client.hget(summary(key("bob")), "r") is None
    assert redis_client.hget(summary(key("carol")), "r") is None
    assert redis_store.summaries(TEAM, users) == first
    # the next save of a session writes `open`; then bob's summary is stored too
    bob = redis_store.load(key("bob"))
    assert bob is not None
    redis_store.save(bob.model_copy(update={"step": bob.step + 1}), expected_step=bob.step)
    assert redis_store.summaries(TEAM, users) == first
    assert redis_client.hget(summary(key("bob")), "r") == bob_last.summary().model_dump_json()


def test_migrate_rewrites_version_1_results_once(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    write_first_release(redis_store, redis_client)
    before = {u: redis_store.latest(key(u)) for u in ("alice", "bob")}
    summaries = redis_store.summaries(TEAM, ["alice", "bob", "carol"])
    assert redis_client.hget(redis_store.summary_key(key("bob")), "r") is None  # not made yet

    dry = migrate(redis_store, dry_run=True)
    assert (dry.people, dry.records, dry.summaries, dry.sessions) == (3, 6, 1, 2)
    assert dry.unreadable == 0
    assert redis_client.hget(redis_store.summary_key(key("bob")), "r") is None  # nothing written

    report = migrate(redis_store)

    assert (report.people, report.records, report.summaries, report.sessions) == (3, 6, 1, 2)
    assert report.unreadable == 0
    assert report.bytes_after * 10 < report.bytes_before
    for user in ("alice", "bob"):
        person = key(user)
        raws = [
            *redis_client.lrange(redis_store.history_key(person), 0, -1),
            *redis_client.hvals(redis_store.latest_key(person)),
        ]
        for raw in raws:
            stored = json.loads(raw)
            assert stored["schema_version"] == RECORD_VERSION
            assert "result" not in stored
            assert len(raw if isinstance(raw, bytes) else raw.encode()) < 5 * 1024
        assert redis_store.latest(person) == before[user]
    assert redis_store.summaries(TEAM, ["alice", "bob", "carol"]) == summaries
    again = migrate(redis_store)
    assert (again.people, again.records, again.summaries, again.sessions) == (3, 0, 0, 0)


def test_migrate_brings_a_summary_up_to_a_result_the_previous_release_completed(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    """During a rolling deploy a replica of the previous release completes an interview: it
    writes history and latest but no summary, so the summary still shows an older result."""
    write_first_release(redis_store, redis_client)
    bob = key("bob")
    older = redis_store.latest(bob)["customer_support"]
    redis_client.hset(redis_store.summary_key(bob), "r", older.summary().model_dump_json())
    assert redis_store.summaries(TEAM, ["bob"])["bob"].latest == older.summary()

    report = migrate(redis_store)

    newest = redis_store.latest(bob)["network_operations"]
    assert report.summaries == 2  # alice had none; bob's was older than his latest result
    assert redis_store.summaries(TEAM, ["bob"])["bob"].latest == newest.summary()


def test_migrate_leaves_unreadable_values_and_changes_made_meanwhile(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    write_first_release(redis_store, redis_client)
    history = redis_store.history_key(key("alice"))
    redis_client.rpush(history, "not json")
    report = migrate(redis_store)
    assert report.unreadable == 1
    assert redis_client.lindex(history, 1) == "not json"
    # The script replaces a value only while it is the one read: here the record was
    # replaced in between (say, completed again), so the stale rewrite writes nothing.
    latest = redis_store.latest_key(key("bob"))
    old = DATA["people"]["bob"]["latest"]["customer_support"]
    current = redis_client.hget(latest, "customer_support")
    script = redis_client.register_script(MIGRATE)
    summary = redis_store.summary_key(key("bob"))
    written = script(
        keys=[
            redis_store.history_key(key("bob")),
            latest,
            summary,
            redis_store.session_key(key("bob")),
        ],
        args=[
            1,
            0,
            "gone",
            "x",
            1,
            "customer_support",
            old,
            "x",
            "not what is stored",
            "{}",
            "999",
            "1|x",
        ],
    )
    assert written == [0, 0, 0]
    assert redis_client.hget(latest, "customer_support") == current
    assert redis_client.lindex(redis_store.history_key(key("bob")), 0) != "x"


def test_migrate_command(
    redis_url: str, redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    write_first_release(redis_store, redis_client)
    env = {**os.environ, "REDIS_URL": redis_url, "PYTHONPATH": str(ROOT)}
    itss_bot = str(Path(sys.executable).with_name("itss-bot"))  # the installed command
    argv = [itss_bot, "migrate", "--prefix", redis_store.prefix]
    dry = subprocess.run([*argv, "--dry-run"], capture_output=True, text=True, env=env, check=False)
    assert dry.returncode == 0, dry.stderr
    assert (
        "3 people with results or an interview in progress: would rewrite 6 records, would "
        "write 2 summaries and would add 2 interviews in progress to them" in dry.stdout
    )
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert "rewrote 6 records, wrote 2 summaries and added 2 interviews in progress" in done.stdout
    assert "0 unreadable values" in done.stdout
    stored = redis_client.hget(redis_store.latest_key(key("alice")), "system_operations")
    assert ResultRecord.model_validate_json(stored or "").schema_version == RECORD_VERSION
    unset = {k: v for k, v in env.items() if k != "REDIS_URL"}
    refused = subprocess.run(argv, capture_output=True, text=True, env=unset, check=False)
    assert refused.returncode == 2
    assert "REDIS_URL is not set" in refused.stderr
    down = {**env, "REDIS_URL": "redis://127.0.0.1:1/0"}
    failed = subprocess.run(argv, capture_output=True, text=True, env=down, check=False)
    assert failed.returncode == 2
    assert "Redis に接続できません" in failed.stderr
    assert "Traceback" not in failed.stderr


@pytest.mark.parametrize("user", ["alice", "bob"])
def test_version_2_records_are_small(redis_store: RedisStore, user: str) -> None:
    """≤ 5 KB per finished interview, as stored, for the previous release's records too."""
    for raw in DATA["people"][user]["latest"].values():
        record = ResultRecord.model_validate_json(raw)
        assert len(record.model_dump_json().encode()) < 2 * 1024
        assert len(record.summary().model_dump_json().encode()) < 200


# ---------------------------------------------------------------------- before sign-off

BEFORE_SIGNOFF = json.loads((Path(__file__).parent / "data" / "before_signoff.json").read_text())


def write_before_signoff(store: RedisStore, client: redis.Redis) -> None:
    for name, stored in BEFORE_SIGNOFF["keys"].items():
        full = store.prefix + name
        if stored["type"] == "hash":
            client.hset(full, mapping=stored["value"])
        elif stored["type"] == "list":
            client.rpush(full, *stored["value"])
        else:
            client.zadd(full, dict(stored["value"]))
    client.expire(store.session_key(key("cy")), 20 * 86400)


def test_results_of_the_release_before_signoff_read_as_not_reviewed(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    from flows.interview import Interview
    from flows.review import Decision, Denied
    from flows.signoff import SignOff

    write_before_signoff(redis_store, redis_client)
    assert not any(name.endswith(":reviews") for name in BEFORE_SIGNOFF["keys"])
    summaries = redis_store.summaries(TEAM, ["ann", "ben", "cy"])
    assert summaries["ann"].latest is not None
    assert summaries["ann"].latest.campaign == "c2026h2"
    assert [summaries[u].review for u in ("ann", "ben", "cy")] == [None, None, None]
    assert summaries["cy"].in_progress
    assert redis_store.latest_review(key("ann")) is None
    assert redis_store.reviews(key("ben")) == {}
    # not reviewed, and not to be decided: a result without a review is self-assessed only
    (record,) = redis_store.history(key("ann"))
    signoff = SignOff(Interview(FW), redis_store, lambda: record.completed_at, lambda: "x")
    with pytest.raises(Denied, match="古い提出"):
        signoff.decide(key("ann"), record.interview_id, Decision("approve", "boss"), lambda: False)
    assert redis_store.latest_review(key("ann")) is None


def test_the_next_submission_after_signoff_arrived_is_reviewed_with_its_trend(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    """ann's result of campaign c2026h2 was written before sign-off (self level 3, no review):
    her next submission gets a pending review whose previous level of record is that 3."""
    import uuid
    from datetime import timedelta

    from flows.facts import to_json_value
    from flows.interview import Command, Interview
    from flows.personas import persona
    from flows.service import InterviewService, Notify
    from flows.session import Phase

    write_before_signoff(redis_store, redis_client)
    (old,) = redis_store.history(key("ann"))
    assert (old.campaign, old.verdict.level) == ("c2026h2", 3)
    ticks = iter(old.completed_at + timedelta(days=200, minutes=m) for m in range(1000))
    svc = InterviewService(
        Interview(FW), redis_store, lambda: next(ticks), lambda: uuid.uuid4().hex, Notify()
    )
    svc.start(key("ann"), "system_operations")
    while (session := svc.current(key("ann"))) is not None and session.state is Phase.ASKING:
        value = to_json_value(persona("system_operations", 4)[session.current or ""])
        svc.act(key("ann"), Command(action="answer", step=session.step, value=value))
    assert session is not None
    done = svc.act(key("ann"), Command(action="confirm", step=session.step))
    assert done.record is not None
    review = redis_store.latest_review(key("ann"))
    assert review is not None
    assert (review.interview_id, review.status) == (done.record.interview_id, "pending")
    assert (review.self_level, review.previous_level) == (4, 3)
    assert redis_store.summaries(TEAM, ["ann"])["ann"].review == review.summary()
