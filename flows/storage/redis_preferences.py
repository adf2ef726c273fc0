"""The preferences methods of RedisStore: one JSON string per person, `P:{T:U}:prefs`."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager

import redis
from redis.cluster import RedisCluster

from flows.session import PersonKey
from flows.storage.preferences import PREFERENCES_VERSION, Preferences
from flows.storage.redis_keys import RedisKeys
from flows.storage.values import read_or_skip

_PREFERENCES = Preferences.model_validate_json


class RedisPreferences(RedisKeys):
    client: redis.Redis | RedisCluster

    def _reachable(self) -> AbstractContextManager[None]:
        raise NotImplementedError  # RedisRoster's

    def _preferences(self, key: PersonKey) -> Preferences | None:
        name = self.preferences_key(key)
        with self._reachable():
            raw = self.client.get(name)
        if raw is None:
            return None
        return read_or_skip(_PREFERENCES, raw, name, "Preferences", PREFERENCES_VERSION)

    def language(self, key: PersonKey) -> str | None:
        prefs = self._preferences(key)
        return None if prefs is None else prefs.language

    def set_language(self, key: PersonKey, language: str | None) -> None:
        """Fields a newer version wrote are kept, with its schema_version: an older replica
        changing the language loses nothing of a newer one's record. Not atomic with other
        writers of the record: today only this one field is written, by its owner."""
        name = self.preferences_key(key)
        with self._reachable():
            raw = self.client.get(name)
        try:
            doc = json.loads(raw) if raw is not None else {}
        except ValueError:
            doc = {}
        if not isinstance(doc, dict) or not isinstance(doc.get("schema_version", 0), int):
            doc = {}
        doc["schema_version"] = max(doc.get("schema_version", 0), PREFERENCES_VERSION)
        doc["language"] = language
        with self._reachable():
            self.client.set(name, json.dumps(doc, ensure_ascii=False))
