"""The PreferenceStore contract on both backends, and the Redis record read by an older or a
newer version (flows/storage/preferences.py)."""

from __future__ import annotations

import json
import logging

import pytest
import redis

from flows.session import PersonKey
from flows.storage.base import SessionStore
from flows.storage.redis_store import RedisStore

ALICE = PersonKey(team="T1", user="alice")
BOB = PersonKey(team="T1", user="bob")
OTHER_ALICE = PersonKey(team="T2", user="alice")


def test_a_chosen_language_is_kept_per_person_and_workspace(store: SessionStore) -> None:
    assert store.language(ALICE) is None
    store.set_language(ALICE, "en")
    assert store.language(ALICE) == "en"
    assert store.language(BOB) is None
    assert store.language(OTHER_ALICE) is None
    store.set_language(ALICE, "ja")
    assert store.language(ALICE) == "ja"
    store.set_language(ALICE, None)
    assert store.language(ALICE) is None


def test_forget_erases_the_choice(store: SessionStore) -> None:
    store.set_language(ALICE, "en")
    store.set_language(BOB, "en")
    store.forget(ALICE)
    assert store.language(ALICE) is None
    assert store.language(BOB) == "en"


def test_the_record_is_versioned_json(redis_store: RedisStore, redis_client: redis.Redis) -> None:
    redis_store.set_language(ALICE, "en")
    raw = redis_client.get(redis_store.preferences_key(ALICE))
    assert json.loads(raw or b"") == {"schema_version": 1, "language": "en"}
    assert redis_client.ttl(redis_store.preferences_key(ALICE)) == -1  # never expires


def test_a_newer_record_is_read_for_what_this_version_knows(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    newer = {"schema_version": 2, "language": "en", "timezone": "Europe/Paris"}
    redis_client.set(redis_store.preferences_key(ALICE), json.dumps(newer))
    assert redis_store.language(ALICE) == "en"
    redis_store.set_language(ALICE, "ja")  # what the newer version added stays
    assert redis_store.language(ALICE) == "ja"
    kept = json.loads(redis_client.get(redis_store.preferences_key(ALICE)) or b"")
    assert kept == {**newer, "language": "ja"}


def test_a_corrupt_record_reads_as_no_choice_and_is_logged(
    redis_store: RedisStore, redis_client: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    redis_client.set(redis_store.preferences_key(ALICE), b"{not json")
    with caplog.at_level(logging.WARNING):
        assert redis_store.language(ALICE) is None
    assert redis_store.preferences_key(ALICE) in caplog.text
    redis_store.set_language(ALICE, "en")  # a new choice replaces it
    assert redis_store.language(ALICE) == "en"
