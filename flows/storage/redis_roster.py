"""The roster and the event claims on Redis (RosterStore, EventStore), mixed into RedisStore.

The roster is one hash per team (`P:{T}:roster`, member → JSON list of managers, the format
of every release), read and written whole rows at a time, beside it the specialty presets
(`P:{T}:roster-specialty`, member → SpecialtyPreset JSON), written in the same MULTI; an event claim is one `SET NX EX` key (`P:event:ID`) per event.
Neither shares a script or a round trip with the interviews, so they live apart from them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager

import redis
from pydantic import TypeAdapter
from redis.cluster import RedisCluster
from redis.commands.core import Script

from flows.roster import PRESET_VERSION, SpecialtyPreset, check_presets
from flows.storage.base import check_assignments
from flows.storage.redis_keys import RedisKeys
from flows.storage.redis_scripts import reachable, text
from flows.storage.values import read_or_skip

_MANAGERS = TypeAdapter(list[str]).validate_json
_PRESET = SpecialtyPreset.model_validate_json


class RedisRoster(RedisKeys):
    """The roster and event methods of RedisStore, which sets the attributes below."""

    client: redis.Redis | RedisCluster
    where: str
    _claim: Script  # redis_scripts.CLAIM

    def _reachable(self) -> AbstractContextManager[None]:
        return reachable(self.where)

    # ----------------------------------------------------------------- roster

    def managers_of(self, team: str, user: str) -> list[str]:
        """One member's managers (one HGET); a row that cannot be read counts as none."""
        name = self.roster_key(team)
        with self._reachable():
            raw = self.client.hget(name, user)
        if raw is None:
            return []
        return read_or_skip(_MANAGERS, raw, f"{name} ({user})", "JSON list of user ids") or []

    def roster(self, team: str) -> dict[str, list[str]]:
        """Every member's managers; a row that cannot be read is left out (and logged)."""
        name = self.roster_key(team)
        with self._reachable():
            raws = self.client.hgetall(name)
        out: dict[str, list[str]] = {}
        for field, raw in raws.items():
            member = text(field)
            managers = read_or_skip(_MANAGERS, raw, f"{name} ({member})", "JSON list of user ids")
            if managers is not None:
                out[member] = managers
        return out

    def set_managers(
        self,
        team: str,
        assignments: Mapping[str, Sequence[str]],
        specialties: Mapping[str, str] | None = None,
    ) -> None:
        """HSET the non-empty lists and HDEL the empty ones, and the same for the presets,
        in one MULTI/EXEC (both hashes carry the workspace's hash tag)."""
        name, presets_name = self.roster_key(team), self.presets_key(team)
        checked = check_assignments(assignments)
        presets = check_presets(checked, specialties)
        present = {m: json.dumps(ms) for m, ms in checked.items() if ms}
        absent = [m for m, ms in checked.items() if not ms]
        kept = {m: SpecialtyPreset(specialty=s).model_dump_json() for m, s in presets.items() if s}
        dropped = [m for m, s in presets.items() if not s]
        if not checked and not presets:
            return
        pipe = self.client.pipeline(transaction=True)
        if present:
            pipe.hset(name, mapping=present)  # type: ignore[arg-type]  # dict is invariant
        if absent:
            pipe.hdel(name, *absent)
        if kept:
            pipe.hset(presets_name, mapping=kept)  # type: ignore[arg-type]
        if dropped:
            pipe.hdel(presets_name, *dropped)
        with self._reachable():
            pipe.execute()

    def specialties(self, team: str) -> dict[str, str]:
        """Every member's preset (one HGETALL); one that cannot be read is left out."""
        name = self.presets_key(team)
        with self._reachable():
            raws = self.client.hgetall(name)
        out: dict[str, str] = {}
        for field, raw in raws.items():
            member = text(field)
            where = f"{name} ({member})"
            preset = read_or_skip(_PRESET, raw, where, "SpecialtyPreset", PRESET_VERSION)
            if preset is not None:
                out[member] = preset.specialty
        return out

    # ----------------------------------------------------------------- events

    def claim_event(self, event_id: str, ttl_seconds: int) -> bool:
        """One script: SET NX EX with a fresh token; a retried claim that finds its own
        token still counts as first."""
        if not event_id:
            raise ValueError("event_id must not be empty")
        name = self.event_key(event_id)
        with self._reachable():
            status = self._claim(keys=[name], args=[uuid.uuid4().hex, str(ttl_seconds)])
        return bool(status == 1)
