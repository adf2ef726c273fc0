"""The Redis SessionStore: compare-and-set Lua scripts, one round trip per operation.

Here are the interviews and results (InterviewStore); the roster and event claims are in
`flows.storage.redis_roster`, the outbox in `flows.storage.redis_outbox`, the audit log in
`flows.storage.redis_audit`, the key names in
`flows.storage.redis_keys`, the scripts and the client configuration in
`flows.storage.redis_scripts`.

Values are pydantic JSON (`model_dump_json()`) and carry `schema_version`; every value read
is validated with its model (`flows.storage.values`). One from a newer version or corrupt is
logged with its key and skipped where a read serves many values (history, latest, roster,
summaries); `load` raises UnreadableRecordError. Nothing is deleted. docs/storage.md describes
the keys, the scripts and the round trips.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence

import redis
from redis.cluster import RedisCluster
from redis.exceptions import RedisClusterException

from flows.audit import DEFAULT_RETENTION_DAYS
from flows.campaign import Submission
from flows.outbox import Delivery
from flows.review import Review
from flows.session import (
    RECORD_VERSION,
    SESSION_VERSION,
    InterviewSession,
    PersonKey,
    ResultRecord,
    ResultSummary,
)
from flows.storage.base import (
    DEFAULT_SESSION_TTL,
    StaleWriteError,
    StoreUnavailableError,
    UnreadableRecordError,
    check_completion,
)
from flows.storage.redis_audit import RedisAudit
from flows.storage.redis_campaigns import RedisCampaigns
from flows.storage.redis_keys import RedisKeys
from flows.storage.redis_outbox import RedisOutbox, enqueue_args
from flows.storage.redis_preferences import RedisPreferences
from flows.storage.redis_results import RedisResults, open_field
from flows.storage.redis_reviews import RedisReviews
from flows.storage.redis_scripts import (
    CLAIM,
    CLUSTER_SCHEME,
    COMPLETE,
    DELETE,
    SAVE,
    UNAVAILABLE,
    client_options,
    describe,
)
from flows.storage.values import read

_SESSION = InterviewSession.model_validate_json
_RECORD = ResultRecord.model_validate_json
_SUMMARY = ResultSummary.model_validate_json
CorruptValueError = UnreadableRecordError  # the former name, for callers that catch it


class RedisStore(RedisResults, RedisCampaigns, RedisReviews, RedisPreferences):
    """SessionStore on Redis. Thread-safe (redis-py's connection pool); many replicas may
    share one server, the Lua scripts make every session change a compare-and-set. Its key
    names are RedisKeys's (`store.session_key(person)`), shared with its `outbox`."""

    def __init__(
        self,
        client: redis.Redis | RedisCluster,
        *,
        session_ttl_seconds: int = DEFAULT_SESSION_TTL,
        prefix: str = "itss",
        audit_retention_seconds: int = DEFAULT_RETENTION_DAYS * 86400,
    ) -> None:
        if session_ttl_seconds < 1:
            raise ValueError("session_ttl_seconds must be at least 1")
        RedisKeys.__init__(self, prefix)
        self.client = client
        self.session_ttl_seconds = session_ttl_seconds
        self.where = describe(client)
        self._save = client.register_script(SAVE)
        self._complete = client.register_script(COMPLETE)
        self._delete = client.register_script(DELETE)
        self._claim = client.register_script(CLAIM)
        self.outbox = RedisOutbox(client, self, self._reachable)
        self.audit = RedisAudit(
            client, self, self._reachable, retention_seconds=audit_retention_seconds
        )
        self._register_campaign_scripts()
        self._register_review_scripts()

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        session_ttl_seconds: int = DEFAULT_SESSION_TTL,
        prefix: str = "itss",
        audit_retention_seconds: int = DEFAULT_RETENTION_DAYS * 86400,
    ) -> RedisStore:
        """A store on a new client (`client_options()`) for redis://, rediss:// or unix://
        URLs, connecting lazily: a server that is down shows at the first call.
        redis+cluster://host:port (any node) builds a RedisCluster client, which reads the
        cluster's layout at once."""
        if url.startswith(CLUSTER_SCHEME):
            try:
                cluster = RedisCluster.from_url(
                    "redis://" + url.removeprefix(CLUSTER_SCHEME), **client_options()
                )
            except (RedisClusterException, *UNAVAILABLE) as exc:
                raise StoreUnavailableError(url, f"{type(exc).__name__}: {exc}") from exc
            return cls(
                cluster,
                session_ttl_seconds=session_ttl_seconds,
                prefix=prefix,
                audit_retention_seconds=audit_retention_seconds,
            )
        client = redis.Redis.from_url(url, **client_options())
        return cls(
            client,
            session_ttl_seconds=session_ttl_seconds,
            prefix=prefix,
            audit_retention_seconds=audit_retention_seconds,
        )

    def close(self) -> None:
        """Close the client's connections (also those of a client passed in)."""
        self.client.close()

    def __repr__(self) -> str:
        return f"RedisStore({self.where!r}, prefix={self.prefix!r})"

    # ----------------------------------------------------------------- sessions

    def load(self, key: PersonKey) -> InterviewSession | None:
        name = self.session_key(key)
        with self._reachable():
            raw = self.client.hget(name, "data")
        if raw is None:
            return None
        return read(_SESSION, raw, f"{name} (data)", "InterviewSession")

    def save(self, session: InterviewSession, *, expected_step: int | None) -> None:
        name = self.session_key(session.key)
        expires = time.time() + self.session_ttl_seconds
        args = [
            "" if expected_step is None else str(expected_step),
            str(session.step),
            session.model_dump_json(),
            str(self.session_ttl_seconds),
            uuid.uuid4().hex,
            str(SESSION_VERSION),
            open_field(session.specialty, expires),
        ]
        with self._reachable():
            status = self._save(keys=[name, self.summary_key(session.key)], args=args)
        if status == 3:
            raise StaleWriteError(f"{name} was written by a newer version; not replaced")
        if status == 0:
            raise StaleWriteError(
                f"{name} is not at step {expected_step}"
                if expected_step is not None
                else f"{name} already holds a session"
            )

    def delete_session(self, key: PersonKey, *, expected_step: int) -> None:
        name = self.session_key(key)
        with self._reachable():
            status = self._delete(keys=[name, self.summary_key(key)], args=[str(expected_step)])
        if status == 0:
            raise StaleWriteError(f"{name} is not at step {expected_step}")

    def complete(  # noqa: PLR0913 - the completion and what it writes with it, by name
        self,
        session: InterviewSession,
        record: ResultRecord,
        *,
        expected_step: int,
        deliveries: Sequence[Delivery] = (),
        lease_until: float = 0.0,
        submissions: Sequence[Submission] = (),
        review: Review | None = None,
    ) -> None:
        """With deliveries, the outbox index is written first (its own round trip on a
        cluster, where it lives on another node; the same pipeline otherwise)."""
        check_completion(session, record)
        key = session.key
        name = self.session_key(key)
        keys = [
            name,
            self.history_key(key),
            self.latest_key(key),
            self.summary_key(key),
            *self.outbox.keys(key),
            self.membership_key(key),
            self.reviews_key(key),
            self.preferences_key(key),
        ]
        args = [
            str(expected_step),
            record.model_dump_json(),
            record.specialty,
            str(SESSION_VERSION),
            str(RECORD_VERSION),
            record.summary().model_dump_json(),
            str(len(deliveries)),
            *enqueue_args(deliveries, lease_until),
            str(len(submissions)),
        ]
        for sub in submissions:
            member = sub.membership
            args += [member.campaign, member.model_dump_json(), str(len(sub.cancel)), *sub.cancel]
        if review is None:
            args += ["", "", ""]
        else:
            args += [
                review.model_dump_json(),
                review.summary().model_dump_json(),
                review.interview_id,
            ]
        before = record.completed_at.timestamp()
        status = self._announced(
            self._complete,
            key,
            keys,
            args,
            queues=bool(deliveries),
            before=before,
            after=lease_until,
        )
        if status == 3:
            raise StaleWriteError(f"{name} was written by a newer version; not replaced")
        if status == 0:
            raise StaleWriteError(f"{name} is not at step {expected_step}")

    def forget(self, key: PersonKey) -> None:
        """Delete session, history, latest, summary, reviews, preferences, the outbox, and the person's own
        row of the team roster and their preset, in one pipelined round trip. Not a MULTI:
        the roster lives in another slot on Redis Cluster; every command is idempotent, so a
        retry completes it.
        Rows of other members that name the person as manager stay."""
        pipe = self.client.pipeline(transaction=False)
        names = [
            self.session_key(key),
            self.history_key(key),
            self.latest_key(key),
            self.summary_key(key),
            self.membership_key(key),
            self.reviews_key(key),
            self.preferences_key(key),
        ]
        for name in names + self.outbox.keys(key):
            pipe.delete(name)  # one key per DEL: a cluster pipeline routes each on its own
        pipe.hdel(self.roster_key(key.team), key.user)
        pipe.hdel(self.presets_key(key.team), key.user)
        with self._reachable():
            pipe.execute()

    # ----------------------------------------------------------------- health

    def ping(self) -> None:
        with self._reachable():
            self.client.ping()


__all__ = [  # UNAVAILABLE, CLUSTER_SCHEME, client_options and describe live in redis_scripts
    "CLUSTER_SCHEME",
    "UNAVAILABLE",
    "CorruptValueError",
    "RedisStore",
    "client_options",
    "describe",
]
