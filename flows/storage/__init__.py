"""Session storage: a small protocol with an in-process and a Redis implementation."""

from __future__ import annotations

from urllib.parse import urlsplit

from flows.audit import DEFAULT_RETENTION_DAYS
from flows.storage.base import (
    EventStore,
    InterviewStore,
    MemberSummary,
    SessionStore,
    StaleWriteError,
    StoreUnavailableError,
)
from flows.storage.memory import MemoryStore
from flows.storage.rosters import RosterStore

__all__ = [
    "EventStore",
    "InterviewStore",
    "MemberSummary",
    "MemoryStore",
    "RosterStore",
    "SessionStore",
    "StaleWriteError",
    "StoreUnavailableError",
    "open_store",
]

REDIS_SCHEMES = frozenset({"redis", "rediss", "unix", "redis+cluster"})


def open_store(
    url: str | None, *, session_ttl_seconds: int, audit_retention_seconds: int | None = None
) -> SessionStore:
    """None, "" or memory:// → an in-process MemoryStore; redis://, rediss://, unix:// and
    redis+cluster://host:port → RedisStore (imported only then: the core does not need redis).
    Only a cluster client connects at once (to read the cluster's layout). Audit events are
    kept `audit_retention_seconds` (None: flows.audit.DEFAULT_RETENTION_DAYS)."""
    retention = audit_retention_seconds or DEFAULT_RETENTION_DAYS * 86400
    if not url or url == "memory://":
        return MemoryStore(
            session_ttl_seconds=session_ttl_seconds, audit_retention_seconds=retention
        )
    scheme = urlsplit(url).scheme.lower()
    if scheme in REDIS_SCHEMES:
        from flows.storage.redis_store import RedisStore

        return RedisStore.from_url(
            url, session_ttl_seconds=session_ttl_seconds, audit_retention_seconds=retention
        )
    raise ValueError(
        f"unsupported store URL scheme {scheme + '://' if scheme else '(none)'}: "
        "use redis://, rediss://, unix://, redis+cluster:// or memory://"
    )
