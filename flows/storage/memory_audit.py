"""The audit log in process (flows.audit.AuditStore): a list per workspace, trimmed by the
time of each append as Redis's MINID trims a stream; shares MemoryStore's lock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence

from flows.audit import DEFAULT_RETENTION_DAYS, AuditEvent
from flows.storage.base import check_team


class MemoryAudit:
    """AuditStore in lists of (time of the append, event); `clock` in epoch seconds."""

    def __init__(
        self,
        lock: threading.Lock,
        *,
        retention_seconds: int = DEFAULT_RETENTION_DAYS * 86400,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if retention_seconds < 1:
            raise ValueError("retention_seconds must be at least 1")
        self.retention_seconds = retention_seconds
        self._lock = lock
        self._clock = clock
        self._logs: dict[str, list[tuple[float, AuditEvent]]] = {}

    def append(self, event: AuditEvent) -> None:
        self.extend([event])

    def extend(self, events: Sequence[AuditEvent]) -> None:
        for one in events:
            check_team(one.team)
        with self._lock:
            now = self._clock()
            for one in events:
                log = self._logs.setdefault(one.team, [])
                log.append((now, one))  # frozen models: nothing to copy
                cutoff = now - self.retention_seconds
                while log and log[0][0] < cutoff:
                    log.pop(0)

    def recent(self, team: str, limit: int) -> list[AuditEvent]:
        check_team(team)
        with self._lock:
            log = self._logs.get(team, [])
            return [e.model_copy(deep=True) for _, e in reversed(log[-limit:])] if limit > 0 else []

    def events(self, team: str) -> Iterator[AuditEvent]:
        check_team(team)
        with self._lock:
            snapshot = [e.model_copy(deep=True) for _, e in self._logs.get(team, [])]
        yield from snapshot
