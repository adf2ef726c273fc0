"""The roster's specialty presets (flows.roster) against every backend, and on Redis the rows
of earlier releases: manager lists without any preset are read as they are, kept when a
preset is added, and a preset a newer release wrote costs only that preset."""

from __future__ import annotations

import json
import logging

import pytest
import redis

from flows.session import PersonKey
from flows.storage.base import SessionStore
from flows.storage.redis_store import RedisStore
from tests.flows.storage.test_tolerant_reads import assert_logged_once

SO, CS = "system_operations", "customer_support"


def test_presets_are_set_with_the_managers_and_go_with_the_row(store: SessionStore) -> None:
    store.set_managers("T1", {"alice": ["carol"], "bob": ["carol"]}, {"alice": SO, "bob": CS})
    store.set_managers("T2", {"alice": ["dave"]}, {"alice": CS})
    assert store.specialties("T1") == {"alice": SO, "bob": CS}
    store.set_managers("T1", {"alice": ["dave"]})  # not named: alice keeps hers
    assert store.specialties("T1") == {"alice": SO, "bob": CS}
    assert store.roster("T1") == {"alice": ["dave"], "bob": ["carol"]}
    store.set_managers("T1", {"alice": ["dave"]}, {"alice": ""})  # "" removes it
    assert store.specialties("T1") == {"bob": CS}
    store.set_managers("T1", {"bob": []}, {"bob": SO})  # off the roster: the preset goes too
    assert store.specialties("T1") == {}
    assert store.roster("T1") == {"alice": ["dave"]}
    assert store.specialties("T2") == {"alice": CS}


def test_a_preset_that_is_no_specialty_id_writes_nothing(store: SessionStore) -> None:
    store.set_managers("T1", {"alice": ["carol"]}, {"alice": SO})
    with pytest.raises(ValueError, match="specialty"):
        store.set_managers("T1", {"alice": [], "bob": ["carol"]}, {"bob": "SO; DROP"})
    assert store.roster("T1") == {"alice": ["carol"]}
    assert store.specialties("T1") == {"alice": SO}
    with pytest.raises(ValueError, match="letters, digits"):
        store.specialties("T1}")


def test_forget_erases_the_persons_preset_only(store: SessionStore) -> None:
    store.set_managers("T1", {"alice": ["carol"], "bob": ["alice"]}, {"alice": SO, "bob": CS})
    store.forget(PersonKey(team="T1", user="alice"))
    assert store.specialties("T1") == {"bob": CS}


def test_roster_rows_of_an_earlier_release_read_and_gain_a_preset(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    """Rows as every earlier release wrote them (`set_managers` of main before presets:
    a JSON list per member, nothing else): read unchanged; a preset is added beside them
    without rewriting them, so an earlier replica still reads every row."""
    key = redis_store.roster_key("T1")
    redis_client.hset(key, mapping={"alice": '["carol"]', "bob": '["carol", "dave"]'})
    assert redis_store.roster("T1") == {"alice": ["carol"], "bob": ["carol", "dave"]}
    assert redis_store.specialties("T1") == {}

    redis_store.set_managers("T1", {"alice": ["carol"]}, {"alice": SO})
    assert json.loads(redis_client.hget(key, "alice") or "") == ["carol"]  # still a list
    assert redis_client.hget(key, "bob") == '["carol", "dave"]'  # untouched
    preset = json.loads(redis_client.hget(redis_store.presets_key("T1"), "alice") or "")
    assert preset == {"schema_version": 1, "specialty": SO}
    assert redis_store.specialties("T1") == {"alice": SO}
    assert redis_client.ttl(redis_store.presets_key("T1")) == -1


@pytest.mark.parametrize(
    ("raw", "newer"),
    [('{"schema_version": 2, "specialty": "x", "more": 1}', True), ("not json", False)],
    ids=["newer", "corrupt"],
)
def test_an_unreadable_preset_costs_only_that_preset(
    redis_store: RedisStore,
    redis_client: redis.Redis,
    caplog: pytest.LogCaptureFixture,
    raw: str,
    newer: bool,
) -> None:
    redis_store.set_managers("T1", {"alice": ["carol"], "bob": ["carol"]}, {"bob": CS})
    name = redis_store.presets_key("T1")
    redis_client.hset(name, "alice", raw)
    with caplog.at_level(logging.WARNING, "itss.storage"):
        assert redis_store.specialties("T1") == {"bob": CS}
    assert_logged_once(caplog, f"{name} (alice)", newer=newer)
    assert redis_store.roster("T1") == {"alice": ["carol"], "bob": ["carol"]}
    assert redis_client.hget(name, "alice") == raw
