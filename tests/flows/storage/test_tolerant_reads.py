"""Values written by a newer version or corrupt, on real Redis (MemoryStore keeps models, so it
cannot hold one): the bad value costs only itself, is logged by key without its content, and
stays stored. Raw values are written with the redis client, as another release would."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime

import pytest
import redis

from flows.interview import Interview
from flows.service import InterviewService
from flows.session import RECORD_VERSION, PersonKey
from flows.storage.base import MemberSummary, UnreadableRecordError
from flows.storage.redis_store import RedisStore
from flows.storage.values import schema_version
from tests.flows.storage.test_contract import ALICE, BOB, FW, asking, record, session

SECRET = "夜勤明けに障害対応した話"  # a personal answer: must never reach the log
NEWER_SESSION = json.dumps(
    {**json.loads(asking().model_dump_json()), "schema_version": 2, "mood": SECRET}
)
NEWER_RECORD = json.dumps(
    {
        **json.loads(record(n=5).model_dump_json()),
        "schema_version": RECORD_VERSION + 1,
        "why": SECRET,
    }
)
BAD = {
    "not json": ("{not json " + SECRET, False),
    "wrong shape": (json.dumps([SECRET]), False),
    "missing fields": (json.dumps({"schema_version": 1, "notes": {"q1": SECRET}}), False),
    "version as text": (json.dumps({"schema_version": "2", "x": SECRET}), False),
}


def warnings_about(caplog: pytest.LogCaptureFixture, key: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and key in r.getMessage()
    ]


def assert_logged_once(caplog: pytest.LogCaptureFixture, where: str, *, newer: bool) -> None:
    lines = warnings_about(caplog, where)
    assert len(lines) == 1, lines
    assert ("newer version" in lines[0]) is newer, lines[0]
    assert SECRET not in caplog.text


@pytest.mark.parametrize(
    ("raw", "newer"),
    [(NEWER_SESSION, True), *BAD.values()],
    ids=["newer", *BAD],
)
def test_unreadable_session_is_refused_by_load_and_a_marker_in_summaries(
    redis_store: RedisStore,
    redis_client: redis.Redis,
    caplog: pytest.LogCaptureFixture,
    raw: str,
    newer: bool,
) -> None:
    key = redis_store.session_key(ALICE)
    redis_client.hset(key, mapping={"step": "3", "data": raw})
    redis_store.save(session(BOB), expected_step=None)
    redis_store.complete(session(BOB, step=1), record(BOB, n=1), expected_step=0)
    where = f"{key} (data)"

    with (
        caplog.at_level(logging.WARNING, "itss.storage"),
        pytest.raises(UnreadableRecordError) as caught,
    ):
        redis_store.load(ALICE)
    assert caught.value.key == where
    assert caught.value.newer is newer
    assert SECRET not in str(caught.value)
    assert_logged_once(caplog, where, newer=newer)

    caplog.clear()
    with caplog.at_level(logging.WARNING, "itss.storage"):
        snap = redis_store.summaries("T1", ["alice", "bob"])
    assert snap["alice"] == MemberSummary(in_progress=True, unreadable=(where,))
    assert snap["bob"] == MemberSummary(record(BOB, n=1).summary())
    assert_logged_once(caplog, where, newer=newer)
    assert redis_client.hgetall(key) == {"step": "3", "data": raw}  # left as it was


@pytest.mark.parametrize(
    ("raw", "newer"),
    [(NEWER_RECORD, True), *BAD.values()],
    ids=["newer", *BAD],
)
def test_unreadable_result_costs_only_itself(
    redis_store: RedisStore,
    redis_client: redis.Redis,
    caplog: pytest.LogCaptureFixture,
    raw: str,
    newer: bool,
) -> None:
    good = record(specialty="network_operations", n=1)
    redis_store.save(session(), expected_step=None)
    redis_store.complete(session(step=1), good, expected_step=0)
    latest, history = redis_store.latest_key(ALICE), redis_store.history_key(ALICE)
    redis_client.hset(latest, "system_operations", raw)
    redis_client.rpush(history, raw)

    with caplog.at_level(logging.WARNING, "itss.storage"):
        assert redis_store.latest(ALICE) == {"network_operations": good}
        assert redis_store.history(ALICE) == [good]
        snap = redis_store.summaries("T1", ["alice"])["alice"]
    # The team summary reads the summary the completion wrote, not the latest results.
    assert snap == MemberSummary(good.summary())
    assert len(warnings_about(caplog, f"{latest} (system_operations)")) == 1  # latest()
    assert_logged_once(caplog, f"{history}[1]", newer=newer)
    assert redis_client.hget(latest, "system_operations") == raw
    assert redis_client.lrange(history, 0, -1) == [good.model_dump_json(), raw]


@pytest.mark.parametrize(
    ("raw", "newer"),
    [
        (json.dumps({"schema_version": 2, "managers": [SECRET]}), True),
        (json.dumps(SECRET), False),
        ("not json", False),
        ("[1, 2]", False),
    ],
    ids=["newer", "a string", "not json", "not user ids"],
)
def test_unreadable_roster_row_drops_only_that_member(
    redis_store: RedisStore,
    redis_client: redis.Redis,
    caplog: pytest.LogCaptureFixture,
    raw: str,
    newer: bool,
) -> None:
    redis_store.set_managers("T1", {"bob": ["carol"], "dave": ["carol", "erin"]})
    key = redis_store.roster_key("T1")
    redis_client.hset(key, "alice", raw)

    with caplog.at_level(logging.WARNING, "itss.storage"):
        assert redis_store.roster("T1") == {"bob": ["carol"], "dave": ["carol", "erin"]}
    assert_logged_once(caplog, f"{key} (alice)", newer=newer)
    assert redis_client.hget(key, "alice") == raw


def test_starting_over_an_unreadable_session_writes_nothing(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    key = redis_store.session_key(ALICE)
    redis_client.hset(key, mapping={"step": "3", "data": NEWER_SESSION, "op": "newer"})
    clock = lambda: datetime(2026, 2, 1, tzinfo=UTC)  # noqa: E731
    service = InterviewService(Interview(FW), redis_store, clock, lambda: uuid.uuid4().hex)
    for start in (lambda: service.start(ALICE), lambda: service.start(ALICE, "system_operations")):
        with pytest.raises(UnreadableRecordError):
            start()
    assert redis_client.hgetall(key) == {"step": "3", "data": NEWER_SESSION, "op": "newer"}


@pytest.mark.parametrize(
    ("raw", "version"),
    [
        ('{"schema_version": 2}', 2),
        ('{"schema_version": 1, "x": 0}', 1),
        ('{"schema_version": "2"}', None),
        ('{"schema_version": true}', None),
        ('{"schema_version": 2.0}', None),
        ("[2]", None),
        ("not json", None),
        (b"\xff\xfe", None),
    ],
)
def test_schema_version_is_an_integer_of_a_json_object(
    raw: str | bytes, version: int | None
) -> None:
    assert schema_version(raw) == version


def test_a_newer_person_is_not_confused_with_another(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    """The marker is on the right person when users share nothing but the team."""
    carol = PersonKey(team="T1", user="carol")
    redis_client.hset(redis_store.latest_key(carol), "system_operations", NEWER_RECORD)
    snap = redis_store.summaries("T1", ["alice", "carol", "bob"])
    assert [u for u, s in snap.items() if s.unreadable] == ["carol"]
