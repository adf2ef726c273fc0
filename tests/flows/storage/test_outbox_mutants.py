"""The Python around the Redis scripts, on a real Redis: what an operator reads when stored
outbox data cannot be read, the index writes (ZADD LT, release to a time), and the client's
documented settings and `describe`. Written against mutmut's survivors in
flows/storage/redis_outbox.py and redis_scripts.py (docs/testing.md)."""

from __future__ import annotations

import logging

import pytest
import redis

from flows.outbox import Delivery, Mark, Settled
from flows.storage.redis_outbox import ms
from flows.storage.redis_scripts import client_options, describe
from flows.storage.redis_store import RedisStore
from tests.flows.storage.test_contract import ALICE, T0
from tests.flows.storage.test_outbox_contract import LEASE, NOW, completed

OUTBOX_LOG = "itss.outbox"


def delivery(n: int, **changes: object) -> Delivery:
    fields = {"id": f"d{n}", "team": ALICE.team, "user": ALICE.user, "recipient": "carol"}
    return Delivery.model_validate(
        {**fields, "kind": "result", "created_at": T0.isoformat(), **changes}
    )


def outbox_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == OUTBOX_LOG]


# ------------------------------------------------------------------ unreadable data is logged


def test_reading_good_deliveries_logs_nothing(
    redis_store: RedisStore, caplog: pytest.LogCaptureFixture
) -> None:
    _, deliveries = completed(redis_store, managers=("carol", "dave"))
    caplog.set_level(logging.WARNING, OUTBOX_LOG)
    assert len(redis_store.outbox.pending(ALICE)) == len(deliveries)
    claimed = redis_store.outbox.claim(ALICE, NOW + LEASE, LEASE)
    assert len(claimed) == len(deliveries)
    ids = [c.delivery.id for c in claimed]
    marks = [Mark(ids[0], "failed", error="channel_not_found"), Mark(ids[1], "failed")]
    redis_store.outbox.settle(ALICE, Settled(marks=marks), NOW + LEASE)
    failed = redis_store.outbox.failed(ALICE)
    assert sorted((d.id, e) for d, e in failed) == sorted(
        [(ids[0], "channel_not_found"), (ids[1], "")]
    )
    assert outbox_warnings(caplog) == []


def test_a_corrupt_or_newer_delivery_is_logged_where_it_is_and_left(
    redis_store: RedisStore, redis_client: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    outbox, due, _, failed = redis_store.outbox.keys(ALICE)
    redis_client.hset(outbox, "d1", delivery(1).model_dump_json())
    redis_client.hset(outbox, "d2", "{not json")
    redis_client.hset(outbox, "d3", delivery(3, schema_version=99).model_dump_json())
    redis_client.zadd(due, {"d1": ms(NOW), "d2": ms(NOW), "d3": ms(NOW)})
    caplog.set_level(logging.WARNING, OUTBOX_LOG)
    assert [d.id for d in redis_store.outbox.pending(ALICE)] == ["d1"]
    logged = outbox_warnings(caplog)
    assert f"unreadable delivery at {outbox} (d2): " in "\n".join(logged)
    assert "json_invalid" in "\n".join(logged)
    assert "errors.pydantic.dev" not in "\n".join(logged)  # no documentation links in logs
    assert (
        f"delivery at {outbox} (d3) has a newer schema_version; left for a newer reader" in logged
    )
    caplog.clear()
    assert [c.delivery.id for c in redis_store.outbox.claim(ALICE, NOW, LEASE)] == ["d1"]
    assert f"delivery at {outbox} has a newer schema_version; left for a newer reader" in (
        outbox_warnings(caplog)
    )
    assert redis_client.hexists(outbox, "d3")  # kept for a reader that understands it
    caplog.clear()
    redis_client.hset(
        failed, mapping={"f1": '{"id": 1}', "f1#e": "x", "f2": delivery(2).model_dump_json()}
    )
    assert [d.id for d, _ in redis_store.outbox.failed(ALICE)] == ["d2"]  # field f2
    [unreadable] = outbox_warnings(caplog)
    assert unreadable.startswith(f"unreadable delivery at {failed} (f1): ")
    assert unreadable.count("'type':") == 1  # the first of its errors, not all of them


def test_a_malformed_index_member_is_logged_and_skipped(
    redis_store: RedisStore, redis_client: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    index = redis_store.outbox.index_key
    redis_client.zadd(index, {"T1:alice": ms(NOW), "broken": ms(NOW)})
    caplog.set_level(logging.WARNING, OUTBOX_LOG)
    taken = redis_store.outbox.due_people(NOW, NOW + LEASE, 10)
    assert [key for key, _ in taken] == [ALICE]
    assert outbox_warnings(caplog) == [f"index {index} holds a malformed member 'broken'"]


# ------------------------------------------------------------------ the index


def test_announce_only_brings_the_look_forward_unless_told(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    index, member = redis_store.outbox.index_key, "T1:alice"
    redis_store.outbox.announce(ALICE, NOW + 100)
    redis_store.outbox.announce(ALICE, NOW + 200)
    assert redis_client.zscore(index, member) == ms(NOW + 100)
    redis_store.outbox.announce(ALICE, NOW + 50)
    assert redis_client.zscore(index, member) == ms(NOW + 50)
    redis_store.outbox.announce(ALICE, NOW + 300, only_lower=False)
    assert redis_client.zscore(index, member) == ms(NOW + 300)
    pipe = redis_client.pipeline(transaction=False)
    redis_store.outbox.announce_command(pipe, ALICE, NOW + 400)
    redis_store.outbox.announce_command(pipe, ALICE, NOW + 10)
    redis_store.outbox.announce_command(pipe, ALICE, NOW + 20)
    pipe.execute()
    assert redis_client.zscore(index, member) == ms(NOW + 10)
    pipe = redis_client.pipeline(transaction=False)
    redis_store.outbox.announce_command(pipe, ALICE, NOW + 500, only_lower=False)
    pipe.execute()
    assert redis_client.zscore(index, member) == ms(NOW + 500)


def test_release_reschedules_to_the_next_due_time_or_removes(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    index = redis_store.outbox.index_key
    redis_store.outbox.announce(ALICE, NOW)
    [(key, token)] = redis_store.outbox.due_people(NOW, NOW + LEASE, 10)
    redis_store.outbox.release(key, token, NOW + 30)
    assert redis_client.zscore(index, "T1:alice") == ms(NOW + 30)
    [(key, token)] = redis_store.outbox.due_people(NOW + 30, NOW + LEASE, 10)
    redis_store.outbox.release(key, token, None)
    assert redis_client.zscore(index, "T1:alice") is None


def test_a_retry_sooner_than_the_index_brings_the_index_forward(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    completed(redis_store, managers=("carol",))  # the index holds the writer's lease end
    index = redis_store.outbox.index_key
    claimed = redis_store.outbox.claim(ALICE, NOW + LEASE, LEASE)
    redis_store.outbox.announce(ALICE, NOW + 10 * LEASE, only_lower=False)  # a long lease
    first, second = [c.delivery.id for c in claimed]
    marks = [Mark(first, "retry", due=NOW + LEASE + 50), Mark(second, "retry", due=NOW + LEASE + 5)]
    nxt = redis_store.outbox.settle(ALICE, Settled(marks=marks), NOW + LEASE)
    assert nxt == NOW + LEASE + 5
    assert redis_client.zscore(index, "T1:alice") == ms(NOW + LEASE + 5)


def test_settling_without_a_retry_leaves_the_index_to_the_drains_release(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    completed(redis_store, managers=("carol",))
    index = redis_store.outbox.index_key
    first, _ = [c.delivery.id for c in redis_store.outbox.claim(ALICE, NOW + LEASE, LEASE)]
    redis_store.outbox.announce(ALICE, NOW + 10 * LEASE, only_lower=False)
    nxt = redis_store.outbox.settle(ALICE, Settled(marks=[Mark(first, "sent")]), NOW + LEASE)
    assert nxt == NOW + 3 * LEASE  # the other delivery, leased by the claim of two
    assert redis_client.zscore(index, "T1:alice") == ms(NOW + 10 * LEASE)


# ------------------------------------------------------------------ the client


def test_client_options_are_the_documented_ones() -> None:
    options = client_options()
    assert options["decode_responses"] is True
    assert (options["socket_connect_timeout"], options["socket_timeout"]) == (2.0, 2.0)
    assert options["health_check_interval"] == 30
    retry = options["retry"]
    assert retry.get_retries() == 2
    backoff = retry._backoff
    # retried after 100 ms and 200 ms; never more than half a second
    assert [round(backoff.compute(n), 3) for n in (1, 2, 5)] == [0.1, 0.2, 0.5]


@pytest.mark.parametrize(
    ("url", "described"),
    [
        ("redis://127.0.0.1:6390/3", "redis://127.0.0.1:6390/3"),
        ("redis://user:secret@cache.example:6379", "redis://cache.example:6379/0"),
        ("rediss://cache.example:6380/1", "rediss://cache.example:6380/1"),
        ("unix:///run/redis/redis.sock?db=2", "unix:///run/redis/redis.sock?db=2"),
        ("redis://[::1]:6379/0", "redis://[::1]:6379/0"),
    ],
)
def test_describe_names_where_a_client_connects_without_credentials(
    url: str, described: str
) -> None:
    client = redis.Redis.from_url(url)  # connects lazily: nothing is contacted here
    assert describe(client) == described
    client.close()
