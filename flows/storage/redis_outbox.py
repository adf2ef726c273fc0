"""The outbox on Redis (flows.outbox.OutboxStore): Lua scripts, one round trip per operation.

Keys (`P` the prefix, `{T:U}` the person's hash tag, shared with their session and results so
the completion that queues deliveries stays one script on Redis Cluster too):

    P:{T:U}:outbox         HASH  id → Delivery JSON; id#n → claims so far; id#u → "1" while an
                                 attempt may have reached Slack without being settled
    P:{T:U}:outbox:due     ZSET  id → when it may next be claimed (epoch ms); a claim moves it
                                 to the end of the lease
    P:{T:U}:outbox:sent    HASH  id → when it was sent (epoch ms): a delivery queued again is
                                 not sent again. Expires 30 days after the last send.
    P:{T:U}:outbox:failed  HASH  id → Delivery JSON, id#e → the error: deliveries that finally
                                 failed, kept for the operator until the person is erased
    P:outbox:index         ZSET  "T:U" → when the person's outbox should next be looked at
                                 (epoch ms). Written before the completion (never after), so a
                                 crash in between leaves the index pointing at nothing, never
                                 deliveries nobody looks for.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import redis
from pydantic import ValidationError
from redis.cluster import RedisCluster

from flows.outbox import SCHEMA_VERSION, Claimed, Delivery, Settled
from flows.session import PersonKey
from flows.storage.base import SENT_TTL_SECONDS
from flows.storage.redis_keys import RedisKeys

log = logging.getLogger("itss.outbox")

# Shared by COMPLETE (flows.storage.redis_scripts) and SETTLE: queue ARGV triples
# (id, json, due ms) from index `first` on, `n_preset` > 0 meaning "already claimed by the
# writer" (attempt 1, in flight). KEYS: outbox, due, sent, failed at `ko`..`ko+3`.
ENQUEUE_LUA = """
local function enqueue(ko, first, count, n_preset)
  local ob, due, sent, failed = KEYS[ko], KEYS[ko + 1], KEYS[ko + 2], KEYS[ko + 3]
  for i = 0, count - 1 do
    local id = ARGV[first + 3 * i]
    if redis.call('HEXISTS', sent, id) == 0 and redis.call('HEXISTS', ob, id) == 0
        and redis.call('HEXISTS', failed, id) == 0 then
      redis.call('HSET', ob, id, ARGV[first + 3 * i + 1])
      redis.call('ZADD', due, ARGV[first + 3 * i + 2], id)
      if n_preset > 0 then redis.call('HSET', ob, id .. '#n', n_preset, id .. '#u', '1') end
    end
  end
end
"""

# KEYS outbox, due; ARGV now ms, lease ms per delivery (the batch is sent one after another,
# so all are leased for lease × batch size). Returns flat (json, attempt, unsure) triples.
CLAIM = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
local out = {}
local lease_end = tonumber(ARGV[1]) + tonumber(ARGV[2]) * #ids
for _, id in ipairs(ids) do
  local d = redis.call('HGET', KEYS[1], id)
  if d then
    redis.call('ZADD', KEYS[2], lease_end, id)
    local n = redis.call('HINCRBY', KEYS[1], id .. '#n', 1)
    local u = redis.call('HGET', KEYS[1], id .. '#u') or '0'
    redis.call('HSET', KEYS[1], id .. '#u', '1')
    out[#out + 1] = d
    out[#out + 1] = n
    out[#out + 1] = u
  else
    redis.call('ZREM', KEYS[2], id)
  end
end
return out
"""

# KEYS outbox, due, sent, failed; ARGV now ms, sent ttl s, mark count, notice count, then the
# marks as (id, outcome, due ms, error, unsure) and the notices as (id, json, due ms).
# Returns the next due time (ms) or -1.
SETTLE = (
    ENQUEUE_LUA
    + """
local ob, due, sent, failed = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local marks, notices = tonumber(ARGV[3]), tonumber(ARGV[4])
for i = 0, marks - 1 do
  local b = 5 + 5 * i
  local id, outcome = ARGV[b], ARGV[b + 1]
  if outcome == 'sent' then
    redis.call('ZREM', due, id)
    redis.call('HDEL', ob, id, id .. '#n', id .. '#u')
    redis.call('HSET', sent, id, ARGV[1])
    redis.call('EXPIRE', sent, ARGV[2])
  elseif outcome == 'retry' then
    if redis.call('HEXISTS', ob, id) == 1 then
      redis.call('ZADD', due, ARGV[b + 2], id)
      redis.call('HSET', ob, id .. '#u', ARGV[b + 4])
    end
  else
    local d = redis.call('HGET', ob, id)
    if d then
      redis.call('HSET', failed, id, d, id .. '#e', ARGV[b + 3])
      redis.call('ZREM', due, id)
      redis.call('HDEL', ob, id, id .. '#n', id .. '#u')
    end
  end
end
enqueue(1, 5 + 5 * marks, notices, 0)
local first = redis.call('ZRANGE', due, 0, 0, 'WITHSCORES')
if first[2] then return first[2] end
return -1
"""
)

# KEYS index; ARGV now ms, lease-until ms, limit. Takes the due people, leasing them.
INDEX_TAKE = """
local m = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, p in ipairs(m) do redis.call('ZADD', KEYS[1], ARGV[2], p) end
return m
"""

# KEYS index; ARGV member, token (the lease ms it was taken with), next due ms or -1.
INDEX_RELEASE = """
local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not s or tonumber(s) ~= tonumber(ARGV[2]) then return 0 end
if tonumber(ARGV[3]) < 0 then redis.call('ZREM', KEYS[1], ARGV[1])
else redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1]) end
return 1
"""


def ms(seconds: float) -> int:
    return int(seconds * 1000)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def enqueue_args(deliveries: Sequence[Delivery], due: float) -> list[str]:
    """ARGV triples for ENQUEUE_LUA."""
    out: list[str] = []
    for d in deliveries:
        out += [d.id, d.model_dump_json(), str(ms(due))]
    return out


def parse_delivery(raw: bytes | str, where: str) -> Delivery | None:
    """A stored delivery, or None (logged) when it is corrupt or from a newer version: it
    stays stored for a reader that understands it."""
    try:
        delivery = Delivery.model_validate_json(raw)
    except ValidationError as exc:
        log.warning("unreadable delivery at %s: %s", where, exc.errors(include_url=False)[:1])
        return None
    if delivery.schema_version > SCHEMA_VERSION:
        log.warning("delivery at %s has a newer schema_version; left for a newer reader", where)
        return None
    return delivery


class RedisOutbox:
    """OutboxStore on Redis; `keys(person)` are also written by the completion script."""

    def __init__(
        self, client: redis.Redis | RedisCluster, names: RedisKeys, reachable: Any
    ) -> None:
        self.client = client
        self.prefix = names.prefix
        self._names = names
        self._reachable = reachable  # RedisStore's error translation (a context manager)
        self.index_key = names.outbox_index_key
        self._claim = client.register_script(CLAIM)
        self._settle = client.register_script(SETTLE)
        self._take = client.register_script(INDEX_TAKE)
        self._release = client.register_script(INDEX_RELEASE)

    def keys(self, key: PersonKey) -> list[str]:
        return self._names.outbox_keys(key)

    @staticmethod
    def member(key: PersonKey) -> str:
        return RedisKeys.outbox_member(key)

    def announce_command(
        self, pipe: Any, key: PersonKey, at: float, *, only_lower: bool = True
    ) -> None:
        """Add to `pipe` an index write: the person is to be looked at by `at` at the latest
        (ZADD LT), or exactly at `at` (`only_lower=False`)."""
        pipe.zadd(self.index_key, {self.member(key): ms(at)}, lt=only_lower)

    def announce(self, key: PersonKey, at: float, *, only_lower: bool = True) -> None:
        """The same, as a command of its own (caller translates errors)."""
        self.client.zadd(self.index_key, {self.member(key): ms(at)}, lt=only_lower)

    def claim(self, key: PersonKey, now: float, lease_seconds: float) -> list[Claimed]:
        keys = self.keys(key)
        with self._reachable():
            flat = self._claim(keys=keys[:2], args=[ms(now), ms(lease_seconds)])
        out = []
        for i in range(0, len(flat), 3):
            delivery = parse_delivery(flat[i], f"{keys[0]}")
            if delivery is not None:
                out.append(Claimed(delivery, int(flat[i + 1]), _text(flat[i + 2]) == "1"))
        return out

    def settle(self, key: PersonKey, settled: Settled, now: float) -> float | None:
        args: list[Any] = [ms(now), SENT_TTL_SECONDS, len(settled.marks), len(settled.notices)]
        for m in settled.marks:
            args += [m.delivery_id, m.outcome, ms(m.due), m.error, "1" if m.unsure else "0"]
        args += enqueue_args(settled.notices, 0.0)
        with self._reachable():
            if settled.notices:
                self.announce(key, now)
            nxt = float(self._settle(keys=self.keys(key), args=args)) / 1000
            if nxt >= 0 and any(m.outcome == "retry" for m in settled.marks):
                # a retry sooner than the index says (it may hold a writer's long lease)
                self.announce(key, nxt)
        return None if nxt < 0 else nxt

    def due_people(self, now: float, lease_until: float, limit: int) -> list[tuple[PersonKey, int]]:
        token = ms(lease_until)
        with self._reachable():
            members = self._take(keys=[self.index_key], args=[ms(now), token, limit])
        out = []
        for raw in members:
            team, _, user = _text(raw).partition(":")
            try:
                out.append((PersonKey(team=team, user=user), token))
            except ValidationError:
                log.warning("index %s holds a malformed member %r", self.index_key, raw)
        return out

    def release(self, key: PersonKey, token: int, next_due: float | None) -> None:
        nxt = -1 if next_due is None else ms(next_due)
        with self._reachable():
            self._release(keys=[self.index_key], args=[self.member(key), token, nxt])

    def failed(self, key: PersonKey) -> list[tuple[Delivery, str]]:
        name = self.keys(key)[3]
        with self._reachable():
            raw = self.client.hgetall(name)
        fields = {_text(k): _text(v) for k, v in raw.items()}
        out = []
        for field, value in sorted(fields.items()):
            if "#" in field:
                continue
            delivery = parse_delivery(value, f"{name} ({field})")
            if delivery is not None:
                out.append((delivery, fields.get(f"{field}#e", "")))
        return out

    def pending(self, key: PersonKey) -> list[Delivery]:
        name = self.keys(key)[0]
        with self._reachable():
            raw = self.client.hgetall(name)
        out = []
        for field, value in raw.items():
            if "#" not in _text(field):
                delivery = parse_delivery(value, f"{name} ({_text(field)})")
                if delivery is not None:
                    out.append(delivery)
        return sorted(out, key=lambda d: d.id)
