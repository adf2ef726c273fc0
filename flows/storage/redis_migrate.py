"""`itss-bot migrate`: rewrite results stored by the first releases in this release's format.

Nothing needs it — every reader takes version-1 records as they are, and a team summary makes
the missing summaries as it goes (docs/storage.md#migrations) — but it makes the stored data
small (a version-1 record holds its whole verdict tree, about 10 KB; version 2 about 0.5 KB)
and every team summary one round trip.

Per person with results, one pipelined read (history, latest, summary) and one script that
replaces each version-1 value only if it is still the value read (a completion or `forget`
in between wins) and writes the summary only if none is stored or it is older than the latest
results. A value that cannot be read
(corrupt, or a newer release's) is left as it is and counted. Running it again changes nothing.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flows.session import (
    RECORD_VERSION,
    SUMMARY_VERSION,
    InterviewSession,
    PersonKey,
    ResultRecord,
    ResultSummary,
)
from flows.storage.base import latest_summary
from flows.storage.redis_results import open_field
from flows.storage.redis_scripts import text
from flows.storage.redis_store import RedisStore
from flows.storage.values import read_or_skip, schema_version

_RECORD = ResultRecord.model_validate_json
_SESSION = InterviewSession.model_validate_json
_SUMMARY = ResultSummary.model_validate_json

# KEYS[1] history, KEYS[2] latest, KEYS[3] summary, KEYS[4] session; ARGV: n, then (index,
# old, new) per history entry; m, then (field, old, new) per latest entry; then the summary
# read ("" for none) and the one to write ("" for none); then the session's step read and the
# summary's `open` field for it ("" for none). Each value is replaced only while it still
# holds what was read; `open` only while the session is at that step and none is there.
# Returns {records written, summary written (0/1), open written (0/1)}.
MIGRATE = """
local written, i = 0, 2
for _ = 1, tonumber(ARGV[1]) do
  if redis.call('LINDEX', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    redis.call('LSET', KEYS[1], ARGV[i], ARGV[i + 2])
    written = written + 1
  end
  i = i + 3
end
local m = tonumber(ARGV[i])
i = i + 1
for _ = 1, m do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[i + 1] then
    redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 2])
    written = written + 1
  end
  i = i + 3
end
local summary, opened = 0, 0
if ARGV[i + 1] ~= '' and (redis.call('HGET', KEYS[3], 'r') or '') == ARGV[i] then
  redis.call('HSET', KEYS[3], 'r', ARGV[i + 1])
  summary = 1
end
if ARGV[i + 3] ~= '' and redis.call('HGET', KEYS[4], 'step') == ARGV[i + 2]
    and redis.call('HEXISTS', KEYS[3], 'open') == 0 then
  redis.call('HSET', KEYS[3], 'open', ARGV[i + 3])
  opened = 1
end
return {written, summary, opened}
"""


@dataclass
class MigrationReport:
    people: int = 0  # people with results or an interview in progress looked at
    records: int = 0  # version-1 records rewritten (history and latest entries)
    summaries: int = 0  # summaries written
    sessions: int = 0  # interviews in progress of the previous release added to summaries
    unreadable: int = 0  # values left as they are: corrupt, or a newer release's
    bytes_before: int = 0  # of the results looked at (JSON lengths)
    bytes_after: int = 0


def _people(store: RedisStore) -> Iterator[PersonKey]:
    """Everyone with a history or a session, once each."""
    seen: set[PersonKey] = set()
    for kind in ("history", "session"):
        shape = re.compile(rf"^{re.escape(store.prefix)}:\{{([^:{{}}]+):([^:{{}}]+)\}}:{kind}$")
        for name in store.client.scan_iter(match=f"{store.prefix}:{{*}}:{kind}", count=500):
            found = shape.match(text(name))
            key = found and PersonKey(team=found.group(1), user=found.group(2))
            if key and key not in seen:
                seen.add(key)
                yield key


def _read(raw: str, where: str, report: MigrationReport) -> tuple[ResultRecord | None, str | None]:
    """The record stored as `raw` (None when unreadable: counted, logged, left as it is) and
    its version-2 JSON when `raw` is of version 1 (else None: nothing to rewrite)."""
    record = read_or_skip(_RECORD, raw, where, "ResultRecord", RECORD_VERSION)
    new = None
    if record is None:
        report.unreadable += 1
    elif schema_version(raw) != RECORD_VERSION:
        new = record.model_dump_json()
    report.bytes_before += len(raw)
    report.bytes_after += len(new or raw)
    return record, new


def _summary_to_write(
    stored: str | None, latest: list[ResultRecord], *, whole: bool
) -> ResultSummary | None:
    """The summary of the latest results when none is stored or the stored one is older
    than they are (a result completed by a replica of the previous release during a rolling
    deploy); never from part of the latest results, nor over one that cannot be read."""
    made = latest_summary(latest) if whole else None
    if made is None or not stored:  # none stored, or "" (no result yet when it was written)
        return made
    current = read_or_skip(_SUMMARY, stored, "summary", "ResultSummary", SUMMARY_VERSION)
    return made if current is not None and current.completed_at < made.completed_at else None


def _open_of(where: str, step: str | None, data: str | None, ttl_ms: int, default: int) -> str:
    """The summary's `open` field for a session of the previous release ("" for none, or
    for one that cannot be read: a team summary then reads it as such). A session without an
    expiry (`ttl_ms` -1; sessions always have one) counts as expiring `default` s from now."""
    if step is None or data is None or ttl_ms == -2:  # -2: gone since the scan
        return ""
    ttl_ms = default * 1000 if ttl_ms < 0 else ttl_ms
    session = read_or_skip(_SESSION, data, f"{where} (data)", "InterviewSession")
    if session is None:
        return ""
    return open_field(session.specialty, time.time() + ttl_ms / 1000)


def migrate(store: RedisStore, *, dry_run: bool = False) -> MigrationReport:
    """Rewrite every version-1 result under the store's prefix; `dry_run` only counts."""
    with store._reachable():  # StoreUnavailableError, also while scanning
        return _migrate(store, dry_run)


def _migrate(store: RedisStore, dry_run: bool) -> MigrationReport:
    script = store.client.register_script(MIGRATE)
    report = MigrationReport()
    for key in _people(store):
        names = [
            store.history_key(key),
            store.latest_key(key),
            store.summary_key(key),
            store.session_key(key),
        ]
        pipe = store.client.pipeline(transaction=False)
        pipe.lrange(names[0], 0, -1)
        pipe.hgetall(names[1])
        pipe.hmget(names[2], ["r", "open"])
        pipe.hmget(names[3], ["step", "data"])
        pipe.pttl(names[3])
        history, latest, (summary, opened), (step, data), ttl_ms = pipe.execute()
        report.people += 1
        rewrites: list[Any] = []
        for i, raw in enumerate(history):
            _, new = _read(raw, f"{names[0]}[{i}]", report)
            if new is not None:
                rewrites.append((i, raw, new))
        fields: list[Any] = []
        readable: list[ResultRecord] = []
        for field, raw in latest.items():
            record, new = _read(raw, f"{names[1]} ({text(field)})", report)
            if record is not None:
                readable.append(record)
            if new is not None:
                fields.append((field, raw, new))
        made = _summary_to_write(summary, readable, whole=len(readable) == len(latest))
        open_ = (
            ""
            if opened is not None
            else _open_of(names[3], step, data, ttl_ms, store.session_ttl_seconds)
        )
        if dry_run:
            report.records += len(rewrites) + len(fields)
            report.summaries += made is not None
            report.sessions += bool(open_)
            continue
        if not rewrites and not fields and made is None and not open_:
            continue
        args = [len(rewrites), *(v for t in rewrites for v in t)]
        args += [len(fields), *(v for t in fields for v in t)]
        args += [summary or "", "" if made is None else made.model_dump_json()]
        args += [step or "", open_]
        written, summarised, added = script(keys=names, args=args)
        report.records += int(written)
        report.summaries += int(summarised)
        report.sessions += int(added)
    return report
