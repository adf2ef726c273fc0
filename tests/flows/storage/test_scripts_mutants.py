"""The session scripts' own contract (flows/storage/redis_scripts.py), run on a real Redis
with KEYS and ARGV built by hand: each return code its comment documents, and that a refused
write changes nothing. mutmut cannot mutate Lua; these are the tests that fail when a step,
version, retry or token check is removed by hand (`scripts/mutation --deliberate lua-…`,
docs/testing.md). The store-level races are in test_contract.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import redis

from flows.storage.redis_scripts import CLAIM, COMPLETE, DELETE, SAVE

Script = Callable[..., Any]
WRITTEN, STALE, RETRIED, NEWER = 1, 0, 2, 3
RECORD = '{"schema_version": 1, "who": "alice", "n": 1}'
SUMMARY = '{"schema_version": 1, "level": 3}'


@pytest.fixture
def keys(redis_prefix: str) -> dict[str, str]:
    # One hash tag, as the store's keys have: the scripts also run on a cluster.
    base = f"{redis_prefix}:{{T1:alice}}"
    names = ["session", "history", "latest", "summary", "outbox", "due", "sent", "failed"]
    return {name: f"{base}:{name}" for name in [*names, "memberships"]}


def script(client: redis.Redis, lua: str) -> Script:
    return client.register_script(lua)


def save(client: redis.Redis, keys: dict[str, str], expected: str, step: str, **kw: str) -> Any:
    args = [
        expected,
        step,
        kw.get("data", f"data-{step}"),
        "600",
        kw.get("op", f"op-{step}"),
        kw.get("v", "2"),
        kw.get("open", f"open-{step}"),
    ]
    return script(client, SAVE)(keys=[keys["session"], keys["summary"]], args=args)


def complete(client: redis.Redis, keys: dict[str, str], expected: str, v: str = "2") -> Any:
    order = ["session", "history", "latest", "summary", "outbox", "due", "sent", "failed"]
    args = [expected, RECORD, "system_operations", v, "1", SUMMARY, "0", "0"]
    return script(client, COMPLETE)(
        keys=[*(keys[k] for k in order), keys["memberships"]], args=args
    )


def stored(client: redis.Redis, keys: dict[str, str]) -> dict[str, Any]:
    return {
        "session": client.hgetall(keys["session"]),
        "summary": client.hgetall(keys["summary"]),
        "history": client.lrange(keys["history"], 0, -1),
        "latest": client.hgetall(keys["latest"]),
    }


# ------------------------------------------------------------------ SAVE


def test_save_creates_only_when_absent(redis_client: redis.Redis, keys: dict[str, str]) -> None:
    assert save(redis_client, keys, "", "0") == WRITTEN
    before = stored(redis_client, keys)
    assert before["session"] == {"step": "0", "data": "data-0", "op": "op-0", "v": "2"}
    assert before["summary"] == {"open": "open-0"}
    assert 0 < redis_client.ttl(keys["session"]) <= 600
    assert save(redis_client, keys, "", "0", data="another", op="op-x") == STALE
    assert stored(redis_client, keys) == before


def test_save_at_the_wrong_step_is_stale_and_writes_nothing(
    redis_client: redis.Redis, keys: dict[str, str]
) -> None:
    save(redis_client, keys, "", "0")
    assert save(redis_client, keys, "0", "1") == WRITTEN
    before = stored(redis_client, keys)
    for expected in ("0", "2", "10"):
        assert save(redis_client, keys, expected, "9", data="lost", op=f"late-{expected}") == STALE
    assert stored(redis_client, keys) == before


def test_save_of_a_session_nobody_created_is_stale(
    redis_client: redis.Redis, keys: dict[str, str]
) -> None:
    assert save(redis_client, keys, "3", "4") == STALE
    assert stored(redis_client, keys) == {
        "session": {},
        "summary": {},
        "history": [],
        "latest": {},
    }


def test_a_resent_save_is_recognised_not_reapplied(
    redis_client: redis.Redis, keys: dict[str, str]
) -> None:
    save(redis_client, keys, "", "0")
    assert save(redis_client, keys, "0", "1", op="op-once") == WRITTEN
    # the same command again (redis-py resends it when the reply was lost): step is 1 now
    assert save(redis_client, keys, "0", "1", op="op-once") == RETRIED
    assert redis_client.hget(keys["session"], "step") == "1"
    # another writer's save at the old step is still a race lost
    assert save(redis_client, keys, "0", "1", op="op-other") == STALE


def test_an_older_writer_never_replaces_a_newer_versions_session(
    redis_client: redis.Redis, keys: dict[str, str]
) -> None:
    save(redis_client, keys, "", "0", v="3")
    before = stored(redis_client, keys)
    assert save(redis_client, keys, "0", "1", v="2") == NEWER
    assert stored(redis_client, keys) == before
    assert save(redis_client, keys, "0", "1", v="3") == WRITTEN


# ------------------------------------------------------------------ COMPLETE


def test_complete_at_the_wrong_step_is_stale_and_writes_nothing(
    redis_client: redis.Redis, keys: dict[str, str]
) -> None:
    save(redis_client, keys, "", "0")
    save(redis_client, keys, "0", "1")
    before = stored(redis_client, keys)
    for expected in ("0", "2"):
        assert complete(redis_client, keys, expected) == STALE
    assert stored(redis_client, keys) == before


def test_complete_without_a_session_is_stale(
    redis_client: redis.Redis, keys: dict[str, str]
) -> None:
    assert complete(redis_client, keys, "1") == STALE
    assert redis_client.llen(keys["history"]) == 0
    assert redis_client.hgetall(keys["latest"]) == {}


def test_complete_at_the_step_moves_the_session_to_the_results(
    redis_client: redis.Redis, keys: dict[str, str]
) -> None:
    save(redis_client, keys, "", "0")
    assert complete(redis_client, keys, "0") == WRITTEN
    assert stored(redis_client, keys) == {
        "session": {},
        "summary": {"r": SUMMARY},
        "history": [RECORD],
        "latest": {"system_operations": RECORD},
    }
    # the same completion resent: recognised, not appended twice
    assert complete(redis_client, keys, "0") == RETRIED
    assert redis_client.lrange(keys["history"], 0, -1) == [RECORD]


def test_complete_leaves_a_newer_versions_session_alone(
    redis_client: redis.Redis, keys: dict[str, str]
) -> None:
    save(redis_client, keys, "", "0", v="3")
    before = stored(redis_client, keys)
    assert complete(redis_client, keys, "0", v="2") == NEWER
    assert stored(redis_client, keys) == before


# ------------------------------------------------------------------ DELETE and CLAIM


def test_delete_only_at_the_step(redis_client: redis.Redis, keys: dict[str, str]) -> None:
    delete = script(redis_client, DELETE)
    save(redis_client, keys, "", "0")
    save(redis_client, keys, "0", "1")
    assert delete(keys=[keys["session"], keys["summary"]], args=["0"]) == STALE
    assert redis_client.hget(keys["session"], "step") == "1"
    assert redis_client.hget(keys["summary"], "open") == "open-1"
    assert delete(keys=[keys["session"], keys["summary"]], args=["1"]) == WRITTEN
    assert stored(redis_client, keys)["session"] == {}
    assert stored(redis_client, keys)["summary"] == {}


def test_an_event_claim_counts_once_except_for_its_own_retry(
    redis_client: redis.Redis, redis_prefix: str
) -> None:
    claim = script(redis_client, CLAIM)
    event = [f"{redis_prefix}:event:Ev1"]
    assert claim(keys=event, args=["token-a", "60"]) == 1
    assert claim(keys=event, args=["token-a", "60"]) == 1  # the same claim, resent
    assert claim(keys=event, args=["token-b", "60"]) == 0  # a second delivery of the event
    assert 0 < redis_client.ttl(event[0]) <= 60
