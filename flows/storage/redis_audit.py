"""The audit log on Redis (flows.audit.AuditStore): one stream per workspace.

    P:{T}:audit  STREAM  entry id = the server's time of the append (ms-seq), one field
                         `e` → AuditEvent JSON (~250 B). Trimmed on every append by
                         `XADD … MINID =<now − retention>`: what is older than
                         AUDIT_RETENTION_DAYS goes, nothing else ever does.

The stream shares the roster's hash tag `{T}` (the workspace), so a script or MULTI that
writes both stays legal on Redis Cluster. A stream rather than a list: entries are ordered by
time with ids a reader pages by (`XRANGE (last`), and MINID trims by age in the append
itself, with no sweeper. Appends are plain XADDs, never read-modify-write: replicas may
append at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

import redis
from redis.cluster import RedisCluster

from flows.audit import AUDIT_VERSION, DEFAULT_RETENTION_DAYS, AuditEvent
from flows.storage.redis_keys import RedisKeys
from flows.storage.redis_scripts import text
from flows.storage.values import read_or_skip

_EVENT = AuditEvent.model_validate_json
PAGE = 500  # entries per XRANGE while `events` reads a whole log


class RedisAudit:
    """AuditStore on Redis. `clock` (epoch seconds) says when "now" is for the trim."""

    def __init__(
        self,
        client: redis.Redis | RedisCluster,
        names: RedisKeys,
        reachable: Callable[[], AbstractContextManager[None]],
        *,
        retention_seconds: int = DEFAULT_RETENTION_DAYS * 86400,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if retention_seconds < 1:
            raise ValueError("retention_seconds must be at least 1")
        self.client = client
        self.retention_seconds = retention_seconds
        self._names = names
        self._reachable = reachable
        self._clock = clock

    def key(self, team: str) -> str:
        return self._names.audit_key(team)

    def _min_id(self) -> str:
        return str(int((self._clock() - self.retention_seconds) * 1000))

    def _add(self, target: Any, event: AuditEvent) -> None:
        fields: dict[str | bytes, str] = {"e": event.model_dump_json()}
        target.xadd(self.key(event.team), fields, minid=self._min_id(), approximate=False)

    def append(self, event: AuditEvent) -> None:
        with self._reachable():
            self._add(self.client, event)

    def extend(self, events: Sequence[AuditEvent]) -> None:
        """One pipeline; a MULTI per workspace is not needed: each XADD stands alone."""
        if not events:
            return
        pipe = self.client.pipeline(transaction=False)
        for one in events:
            self._add(pipe, one)
        with self._reachable():
            pipe.execute()

    def _parse(self, name: str, entries: Any) -> list[AuditEvent]:
        out = []
        for entry_id, fields in entries:
            raw = fields.get(b"e", fields.get("e"))
            where = f"{name} ({text(entry_id)})"
            if raw is None:
                continue
            parsed = read_or_skip(_EVENT, raw, where, "AuditEvent", AUDIT_VERSION)
            if parsed is not None:
                out.append(parsed)
        return out

    def recent(self, team: str, limit: int) -> list[AuditEvent]:
        name = self.key(team)
        if limit < 1:
            return []
        with self._reachable():
            entries = self.client.xrevrange(name, "+", "-", count=limit)
        return self._parse(name, entries)

    def events(self, team: str) -> Iterator[AuditEvent]:
        name = self.key(team)
        start = "-"
        while True:
            with self._reachable():
                entries: Any = self.client.xrange(name, start, "+", count=PAGE)
            yield from self._parse(name, entries)
            if len(entries) < PAGE:
                return
            start = "(" + text(entries[-1][0])
