"""The Redis side of RedisStore: its Lua scripts and its redis-py client.

The scripts (SAVE, COMPLETE, DECIDE, DELETE, CLAIM) make every session change one atomic
compare-and-set round trip; each states its KEYS, ARGV and return codes. `client_options`
configures a client (timeouts, retries), `describe` names where one connects,
`UNAVAILABLE` lists the redis-py errors that mean the server cannot serve us and `reachable`
turns them into StoreUnavailableError.
`flows.storage.redis_store` re-exports the client helpers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis
from redis.backoff import ExponentialBackoff
from redis.cluster import RedisCluster
from redis.connection import SSLConnection, UnixDomainSocketConnection
from redis.exceptions import (
    BusyLoadingError,
    ClusterDownError,
    InvalidResponse,
    ReadOnlyError,
    RedisClusterException,
)
from redis.retry import Retry

from flows.storage.base import StoreUnavailableError
from flows.storage.redis_outbox import ENQUEUE_LUA

# Raised by redis-py when the server cannot serve us: down, unreachable, slow, still loading
# its dataset after a restart, a replica during failover, or not Redis at all (a URL that
# points at another service). BusyLoadingError is a ConnectionError already; it is listed to
# say that it is meant.
UNAVAILABLE = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    BusyLoadingError,
    ReadOnlyError,
    InvalidResponse,
)

CLUSTER_SCHEME = "redis+cluster://"

# KEYS[1] session, KEYS[2] summary; ARGV: expected step ("" = must be absent), new step,
# data, ttl, op id, schema version of the writer, the summary's `open` field (when the session
# expires and its specialty: what a team summary reads instead of the data). 1 = written; 2 =
# this very save was already written (redis-py resent it after the connection dropped before
# the reply came); 0 = stale; 3 = the stored session was written by a newer version (field
# `v`), which an older writer never replaces.
SAVE = """
local cur = redis.call('HGET', KEYS[1], 'step')
local ok
if ARGV[1] == '' then ok = (cur == false) else ok = (cur == ARGV[1]) end
if not ok then
  if cur and redis.call('HGET', KEYS[1], 'op') == ARGV[5] then return 2 end
  return 0
end
if tonumber(redis.call('HGET', KEYS[1], 'v') or '1') > tonumber(ARGV[6]) then return 3 end
redis.call('HSET', KEYS[1], 'step', ARGV[2], 'data', ARGV[3], 'op', ARGV[5], 'v', ARGV[6])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('HSET', KEYS[2], 'open', ARGV[7])
return 1
"""

# KEYS[1] session, KEYS[2] history, KEYS[3] latest, KEYS[4] summary, KEYS[5..8] the
# person's outbox (outbox, due, sent, failed: flows.storage.redis_outbox), KEYS[9] the
# person's campaign memberships, KEYS[10] their reviews; ARGV: expected step, record, specialty, session schema
# version, record schema version, summary, delivery count, then (id, json, due ms) per
# delivery, queued as claimed by the writer (attempt 1) so it sends them at once; then the
# campaign submissions: their count, and per submission the campaign id, the membership
# JSON, how many reminder ids to cancel and those ids (removed from the outbox); then the
# pending review's JSON ("" = none: the summary's `d` is removed), its summary and interview
# id. 2 = already completed with this very record (a retry); a second
# RPUSH would duplicate it. 3 = the session is a newer version's. A `latest` entry or a
# summary of a newer version is kept (the record still joins the history).
COMPLETE = (
    ENQUEUE_LUA
    + """
local cur = redis.call('HGET', KEYS[1], 'step')
if cur ~= ARGV[1] then
  if cur == false and redis.call('HGET', KEYS[3], ARGV[3]) == ARGV[2] then return 2 end
  if cur == false and redis.call('LINDEX', KEYS[2], -1) == ARGV[2] then return 2 end
  return 0
end
if tonumber(redis.call('HGET', KEYS[1], 'v') or '1') > tonumber(ARGV[4]) then return 3 end
local function version(doc)
  return doc and tonumber(string.match(doc, '"schema_version":%s*(%d+)')) or 0
end
redis.call('DEL', KEYS[1])
redis.call('RPUSH', KEYS[2], ARGV[2])
if version(redis.call('HGET', KEYS[3], ARGV[3])) <= tonumber(ARGV[5]) then
  redis.call('HSET', KEYS[3], ARGV[3], ARGV[2])
end
if version(redis.call('HGET', KEYS[4], 'r')) <= version(ARGV[6]) then
  redis.call('HSET', KEYS[4], 'r', ARGV[6])
end
redis.call('HDEL', KEYS[4], 'open')
enqueue(5, 8, tonumber(ARGV[7]), 1)
local p = 8 + 3 * tonumber(ARGV[7])
for _ = 1, tonumber(ARGV[p] or '0') do
  redis.call('HSET', KEYS[9], ARGV[p + 1], ARGV[p + 2])
  local n = tonumber(ARGV[p + 3])
  for j = 1, n do
    local id = ARGV[p + 3 + j]
    redis.call('HDEL', KEYS[5], id, id .. '#n', id .. '#u')
    redis.call('ZREM', KEYS[6], id)
  end
  p = p + 3 + n
end
if ARGV[p + 1] and ARGV[p + 1] ~= '' then
  redis.call('HSET', KEYS[10], ARGV[p + 3], ARGV[p + 1])
  redis.call('HSET', KEYS[4], 'd', ARGV[p + 2])
else
  redis.call('HDEL', KEYS[4], 'd')
end
return 1
"""
)

# KEYS[1] the person's reviews, KEYS[2] their summary, KEYS[3..6] their outbox, KEYS[7] their
# history; ARGV: interview id, the review as read (pending), the decided review, its summary,
# delivery count, then (id, json, due ms) per delivery, queued as claimed by the writer.
# 1 = decided; 2 = this very decision is already stored (a retry); 0 = the review changed
# since it was read (another decision won) or is no longer of the person's latest result (the
# summary's `d`, and the history's last record: a replica of the release before sign-off may
# have completed a newer one without touching `d`).
DECIDE = (
    ENQUEUE_LUA
    + """
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur == ARGV[3] then return 2 end
if cur ~= ARGV[2] then return 0 end
local d = redis.call('HGET', KEYS[2], 'd')
local mark = '"interview_id":"' .. ARGV[1] .. '"'
if not d or not string.find(d, mark, 1, true) then return 0 end
local last = redis.call('LINDEX', KEYS[7], -1)
if not last or not string.find(last, mark, 1, true) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], 'd', ARGV[4])
enqueue(3, 6, tonumber(ARGV[5]), 1)
return 1
"""
)

# KEYS[1] session, KEYS[2] summary; ARGV: expected step.
DELETE = """
if redis.call('HGET', KEYS[1], 'step') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HDEL', KEYS[2], 'open')
return 1
"""

# KEYS[1] event; ARGV: claim token, ttl. The token makes a retried claim still count as first.
CLAIM = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then return 1 end
return 0
"""


def describe(client: redis.Redis | RedisCluster) -> str:
    """Where the client connects, as a URL without credentials: redis://host:port/db
    (redis+cluster://host:port for a cluster, named by its first node)."""
    if isinstance(client, RedisCluster):
        node = client.get_default_node()  # type: ignore[no-untyped-call]
        return f"redis+cluster://{node.host}:{node.port}" if node else "redis+cluster://"
    pool = client.connection_pool
    kwargs: dict[str, Any] = dict(getattr(pool, "connection_kwargs", {}))
    cls = getattr(pool, "connection_class", None)
    db = kwargs.get("db", 0)
    if isinstance(cls, type) and issubclass(cls, UnixDomainSocketConnection):
        return f"unix://{kwargs.get('path', '')}?db={db}"
    scheme = "rediss" if isinstance(cls, type) and issubclass(cls, SSLConnection) else "redis"
    host = str(kwargs.get("host", "localhost"))
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{kwargs.get('port', 6379)}/{db}"


def text(value: bytes | str) -> str:
    """A reply as text, whether the client decodes responses or not."""
    return value.decode() if isinstance(value, bytes) else value


@contextmanager
def reachable(where: str) -> Iterator[None]:
    """Translate the errors of a server that cannot serve us (UNAVAILABLE, or a cluster
    none of whose nodes answers) into StoreUnavailableError naming `where`."""
    try:
        yield
    except UNAVAILABLE as exc:
        raise StoreUnavailableError(where, f"{type(exc).__name__}: {exc}") from exc
    except RedisClusterException as exc:
        # Every node unreachable; other cluster errors (cross-slot) are programming errors.
        if (
            isinstance(exc, ClusterDownError)
            or isinstance(exc.__cause__, UNAVAILABLE)
            or ("connect" in str(exc).lower())
        ):
            raise StoreUnavailableError(where, f"{type(exc).__name__}: {exc}") from exc
        raise


def client_options() -> dict[str, Any]:
    """How `from_url` configures redis-py.

    A refused, reset or dropped connection (and a server still loading its data) is retried
    twice, after 100 ms and 200 ms: a restart or failover blip passes unnoticed. A timeout
    (2 s to connect, 2 s for a reply) is not retried: redis-py would retry the connection
    handshake inside each retry of the command, and a server that accepts connections but
    does not answer would keep the caller waiting ~19 s instead of 2 s.
    """
    return {
        "decode_responses": True,
        "socket_connect_timeout": 2.0,
        "socket_timeout": 2.0,
        "health_check_interval": 30,
        "retry": Retry(
            ExponentialBackoff(cap=0.5, base=0.05),
            retries=2,
            supported_errors=(redis.exceptions.ConnectionError,),
        ),
    }


__all__ = [
    "CLAIM",
    "CLUSTER_SCHEME",
    "COMPLETE",
    "DECIDE",
    "DELETE",
    "SAVE",
    "UNAVAILABLE",
    "client_options",
    "describe",
    "reachable",
    "text",
]
