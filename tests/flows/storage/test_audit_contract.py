"""The audit log (flows.audit.AuditStore) on both backends: order, workspaces apart, paging,
retention, unreadable entries, an unreachable server; the event model's limits."""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis
from pydantic import ValidationError

from flows.audit import (
    DEFAULT_RETENTION_DAYS,
    MAX_DETAIL_VALUE,
    AuditAction,
    AuditEvent,
    append_or_log,
    event,
)
from flows.session import PersonKey
from flows.storage.base import SessionStore, StoreUnavailableError
from flows.storage.memory_audit import MemoryAudit
from flows.storage.redis_audit import PAGE, RedisAudit
from flows.storage.redis_store import RedisStore

T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
ADMIN = PersonKey(team="T1", user="UADMIN")
OTHER = PersonKey(team="T2", user="UADMIN")  # same user id, another workspace


def ev(
    n: int, actor: PersonKey = ADMIN, action: AuditAction = AuditAction.ROSTER_CHANGED
) -> AuditEvent:
    return event(T0 + timedelta(minutes=n), actor, action, subject=f"U{n:04d}", n=str(n))


def test_recent_is_newest_first_and_events_oldest_first(store: SessionStore) -> None:
    for n in range(5):
        store.audit.append(ev(n))
    assert [e.detail["n"] for e in store.audit.recent("T1", 3)] == ["4", "3", "2"]
    assert [e.detail["n"] for e in store.audit.events("T1")] == ["0", "1", "2", "3", "4"]
    assert store.audit.recent("T1", 0) == []
    assert store.audit.recent("T1", 50) == list(reversed(list(store.audit.events("T1"))))


def test_what_is_read_is_what_was_written(store: SessionStore) -> None:
    written = event(
        T0,
        ADMIN,
        AuditAction.RESULT_MODIFIED,
        subject="U1",
        campaign="2027 上期",
        reason="根拠 & <@U2>",
    )
    store.audit.append(written)
    (read,) = store.audit.recent("T1", 1)
    assert read == written
    read.detail["reason"] = "changed by the reader"
    assert store.audit.recent("T1", 1)[0] == written, "a reader gets a copy"


def test_workspaces_are_apart(store: SessionStore) -> None:
    store.audit.append(ev(1))
    store.audit.append(ev(2, OTHER))
    assert [e.team for e in store.audit.events("T1")] == ["T1"]
    assert [e.detail["n"] for e in store.audit.recent("T2", 10)] == ["2"]
    assert list(store.audit.events("T3")) == []


def test_extend_appends_in_order_and_events_pages_through_everything(
    store: SessionStore,
) -> None:
    count = PAGE * 2 + 7
    store.audit.extend([ev(n) for n in range(count)])
    store.audit.extend([])
    got = [int(e.detail["n"]) for e in store.audit.events("T1")]
    assert got == list(range(count))


def test_an_invalid_team_is_refused(store: SessionStore) -> None:
    with pytest.raises(ValueError, match="team"):
        store.audit.recent("T1}:x", 1)
    with pytest.raises(ValueError, match="team"):
        list(store.audit.events("bad team"))


def test_forget_leaves_the_audit_as_it_is(store: SessionStore) -> None:
    store.audit.append(ev(1))
    store.forget(PersonKey(team="T1", user="U0001"))
    assert [e.subject for e in store.audit.events("T1")] == ["U0001"]


def test_concurrent_appends_are_all_kept(store: SessionStore) -> None:
    def write(offset: int) -> None:
        for n in range(50):
            store.audit.append(ev(offset + n))

    threads = [threading.Thread(target=write, args=(i * 1000,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(list(store.audit.events("T1"))) == 200


# ------------------------------------------------------------------ retention


def test_memory_retention_trims_by_the_time_of_the_append() -> None:
    now = [1_000_000.0]
    audit = MemoryAudit(threading.Lock(), retention_seconds=100, clock=lambda: now[0])
    audit.append(ev(1))
    now[0] += 60
    audit.append(ev(2))
    now[0] += 50  # the first is 110 s old, the second 50 s
    audit.append(ev(3))
    assert [e.detail["n"] for e in audit.events("T1")] == ["2", "3"]


def test_redis_retention_trims_entries_older_than_it(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    name = redis_store.audit.key("T1")
    old_ms = int((time.time() - 401 * 86400) * 1000)
    recent_ms = int((time.time() - 399 * 86400) * 1000)
    redis_client.xadd(name, {"e": ev(1).model_dump_json()}, id=f"{old_ms}-0")
    redis_client.xadd(name, {"e": ev(2).model_dump_json()}, id=f"{recent_ms}-0")
    assert redis_store.audit.retention_seconds == DEFAULT_RETENTION_DAYS * 86400
    redis_store.audit.append(ev(3))
    assert [e.detail["n"] for e in redis_store.audit.events("T1")] == ["2", "3"]


def test_redis_retention_follows_the_clock_and_setting(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    later = [time.time()]
    audit = RedisAudit(
        redis_store.client,
        redis_store,
        redis_store._reachable,
        retention_seconds=86400,
        clock=lambda: later[0],
    )
    name = audit.key("T1")
    two_days_ago = int((time.time() - 2 * 86400) * 1000)
    redis_client.xadd(name, {"e": ev(1).model_dump_json()}, id=f"{two_days_ago}-0")
    audit.append(ev(2))
    assert [e.detail["n"] for e in audit.events("T1")] == ["2"]
    later[0] += 2 * 86400  # two days on, by the store's clock: the next append trims all before
    audit.append(ev(3))
    # minid is now two days on less one: every entry so far (the server stamped them now) goes
    assert [e.detail["n"] for e in audit.events("T1")] == []


def test_redis_layout_is_one_stream_per_workspace(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    redis_store.audit.append(ev(1))
    name = f"{redis_store.prefix}:{{T1}}:audit"
    assert redis_store.audit.key("T1") == name
    assert redis_client.type(name) == "stream"
    assert redis_client.ttl(name) == -1
    entries: Any = redis_client.xrange(name)
    ((_, fields),) = entries
    assert set(fields) == {"e"}
    assert json.loads(fields["e"])["schema_version"] == 1
    assert len(fields["e"]) < 400


def test_redis_unreadable_entries_are_skipped_and_left(
    redis_store: RedisStore, redis_client: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    name = redis_store.audit.key("T1")
    redis_store.audit.append(ev(1))
    redis_client.xadd(name, {"e": "not json"})
    redis_client.xadd(name, {"e": json.dumps({"schema_version": 9, "at": "x"})})
    redis_client.xadd(name, {"other": "field"})
    redis_store.audit.append(ev(2))
    with caplog.at_level(logging.WARNING, "itss.storage"):
        assert [e.detail["n"] for e in redis_store.audit.recent("T1", 10)] == ["2", "1"]
    assert any("newer version" in r.getMessage() for r in caplog.records)
    assert "not json" not in caplog.text
    assert redis_client.xlen(name) == 5


def test_an_unreachable_server_raises_and_append_or_log_logs_the_event(
    caplog: pytest.LogCaptureFixture,
) -> None:
    down = RedisStore.from_url("redis://127.0.0.1:1/0")
    try:
        with pytest.raises(StoreUnavailableError):
            down.audit.append(ev(1))
        with pytest.raises(StoreUnavailableError):
            down.audit.recent("T1", 5)
        with caplog.at_level(logging.ERROR, "itss.audit"):
            assert append_or_log(down.audit, ev(7), ev(8)) is False
    finally:
        down.close()
    lost = [r.getMessage() for r in caplog.records if "audit write failed" in r.getMessage()]
    assert len(lost) == 2
    assert '"n":"7"' in lost[0]
    assert '"roster.changed"' in lost[0]


def test_append_or_log_of_nothing_writes_nothing(store: SessionStore) -> None:
    assert append_or_log(store.audit) is True
    assert list(store.audit.events("T1")) == []


# ------------------------------------------------------------------ the event


def test_event_detail_is_small() -> None:
    with pytest.raises(ValidationError):
        event(T0, ADMIN, AuditAction.TEAM_CSV, **{f"k{i}": "v" for i in range(13)})
    with pytest.raises(ValidationError):
        AuditEvent(at=T0, team="T1", actor="U1", action=AuditAction.TEAM_CSV, detail={"": "v"})
    long = event(T0, ADMIN, AuditAction.RESULT_MODIFIED, reason="あ" * 1000)
    assert len(long.detail["reason"]) == MAX_DETAIL_VALUE
    assert long.detail["reason"].endswith("…")


@pytest.mark.parametrize("bad", ["", "U1>", "<@U1>", "a b", "x" * 65])
def test_actor_and_subject_are_ids(bad: str) -> None:
    with pytest.raises(ValidationError):
        AuditEvent(at=T0, team="T1", actor=bad, action=AuditAction.DATA_ERASED)
    with pytest.raises(ValidationError):
        AuditEvent(at=T0, team="T1", actor="U1", subject=bad, action=AuditAction.DATA_ERASED)


def test_an_unknown_action_is_not_an_event() -> None:
    with pytest.raises(ValidationError):
        AuditEvent.model_validate({"at": T0, "team": "T1", "actor": "U1", "action": "x.y"})


def test_every_action_the_cycle_needs_is_defined() -> None:
    assert {a.value for a in AuditAction} >= {
        "roster.changed",
        "data.erased",
        "team.summary",
        "team.csv",
        "result.submitted",
        "admin.acted_for",
        "campaign.started",
        "campaign.closed",
        "result.approved",
        "result.returned",
        "result.modified",
    }
