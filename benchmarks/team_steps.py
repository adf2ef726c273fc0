"""The team summary's read model, measured at 100 / 1,000 / 5,000 reports in a fresh process
against the benchmark's Redis, beside its floor: a raw pipeline read of as many summaries.

    python -m benchmarks.team_steps REDIS_URL [--sizes 100,1000,5000] [--repeats 7]  # JSON

For each size a team of that many reports is written under a prefix of its own, through the
store's API (`save`, `complete`) with records of real persona interviews: 7 in 10 have a
result, 2 in 10 an interview in progress, 1 in 10 nothing. Then, each timed `repeats` times
(median, ms): the raw read (one pipeline of `HGET summary r` per report, replies not parsed), the
store's `summaries`, and the whole of `/itss team` but the Slack calls (roster, summaries,
rows, Block Kit, CSV). Bytes are Redis's `MEMORY USAGE` of what one person's data takes: an
interview in progress (the session hash) and a finished one (history, latest and summary).
The prefix is deleted afterwards.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from bot.blocks.team import team_messages
from bot.team import team_csv, team_rows
from flows.facts import to_json_value
from flows.interview import Command, Interview, Outcome
from flows.personas import persona
from flows.session import InterviewSession, PersonKey, Phase, ResultRecord
from flows.storage.redis_store import RedisStore
from framework_data.loader import load_default

FW = load_default()
TEAM, BOSS = "TBENCH", "UBOSS"


def persona_interview(
    interview: Interview, key: PersonKey, specialty: str, level: int, now: datetime
) -> tuple[InterviewSession, Outcome, InterviewSession | None]:
    """The persona's interview run to its review: the session there, its confirmation, and
    the session after three answers (None when it was shorter)."""
    facts = persona(specialty, level)
    session = interview.new_session(key, f"{key.user}-{specialty}", now)
    session = interview.handle(session, Command(action="choose", specialty=specialty), now).session
    halfway = None
    while session.state is not Phase.REVIEWING:
        if len(session.asked) == 3:
            halfway = session.model_copy(deep=True)
        value = facts[session.current or ""]
        raw = str(value) if type(value) is int else to_json_value(value)
        cmd = Command(action="answer", fact=session.current, value=raw)
        session = interview.handle(session, cmd, now).session
    return session, interview.handle(session, Command(action="confirm"), now), halfway


def persona_runs() -> tuple[list[ResultRecord], list[InterviewSession]]:
    """A finished record and a half-way session for each specialty and level 1–5."""
    interview = Interview(FW)
    now = datetime.now(UTC)
    records, halfways = [], []
    for specialty in (s.id for s in FW.job_category.specialties):
        for level in range(1, 6):
            key = PersonKey(team=TEAM, user="UTEMPLATE")
            _, done, halfway = persona_interview(interview, key, specialty, level, now)
            assert done.record is not None
            records.append(done.record)
            if halfway is not None:
                halfways.append(halfway)
    return records, halfways


def fill(store: RedisStore, size: int) -> tuple[list[str], list[str], list[str]]:
    """`size` reports of BOSS; returns the users (all, finished, in progress)."""
    records, halfway = persona_runs()
    users = [f"U{i:06d}" for i in range(size)]
    finished, open_ = [], []
    for i, user in enumerate(users):
        kind = i % 10
        if kind < 7:
            template = records[i % len(records)]
            record = template.model_copy(update={"user": user, "interview_id": f"iv{i}"})
            session = InterviewSession(
                id=f"iv{i}",
                team=TEAM,
                user=user,
                specialty=record.specialty,
                framework_id=FW.id,
                framework_version=FW.version,
                started_at=record.completed_at,
                updated_at=record.completed_at,
            )
            store.save(session, expected_step=None)
            store.complete(session, record, expected_step=0)
            finished.append(user)
        elif kind < 9:
            session = halfway[i % len(halfway)].model_copy(update={"user": user, "id": f"iv{i}"})
            store.save(session, expected_step=None)
            open_.append(user)
    store.set_managers(TEAM, {user: [BOSS] for user in users})
    return users, finished, open_


def bytes_of(store: RedisStore, finished: list[str], open_: list[str]) -> dict[str, float]:
    def usage(name: str) -> int:
        return int(store.client.memory_usage(name, samples=0) or 0)

    keys = [PersonKey(team=TEAM, user=u) for u in finished[:200]]
    done = [
        usage(store.history_key(k)) + usage(store.latest_key(k)) + usage(store.summary_key(k))
        for k in keys
    ]
    summary = [usage(store.summary_key(k)) for k in keys]
    sessions = [usage(store.session_key(PersonKey(team=TEAM, user=u))) for u in open_[:200]]
    return {
        "finished_mean": statistics.fmean(done),
        "finished_max": max(done),
        "summary_mean": statistics.fmean(summary),
        "open_mean": statistics.fmean(sessions),
        "open_max": max(sessions),
    }


def measure(url: str, size: int, repeats: int) -> dict[str, Any]:
    store = RedisStore.from_url(url, prefix=f"bench-team-{uuid.uuid4().hex[:8]}")
    ctx: Any = SimpleNamespace(framework=FW)
    try:
        users, finished, open_ = fill(store, size)
        steps: dict[str, list[float]] = {}

        def timed(name: str, fn: Callable[[], Any]) -> Any:
            began = time.perf_counter()
            value = fn()
            steps.setdefault(name, []).append((time.perf_counter() - began) * 1000)
            return value

        def raw_read() -> list[Any]:
            pipe = store.client.pipeline(transaction=False)
            for user in users:
                pipe.hget(store.summary_key(PersonKey(team=TEAM, user=user)), "r")
            return pipe.execute()

        def whole() -> str:
            roster = store.roster(TEAM)
            members = sorted(m for m, ms in roster.items() if BOSS in ms)
            rows = team_rows(ctx, store.summaries(TEAM, members), {})
            team_messages(rows)
            return team_csv(rows, {})

        store.summaries(TEAM, users)  # warm: scripts, connections, lazily written summaries
        for _ in range(repeats):
            timed("raw", raw_read)
            timed("summaries", lambda: store.summaries(TEAM, users))
            timed("team", whole)
        out: dict[str, Any] = {k: statistics.median(v) for k, v in steps.items()}
        out["members"] = size
        out["bytes"] = bytes_of(store, finished, open_)
        return out
    finally:
        names = list(store.client.scan_iter(match=f"{store.prefix}:*", count=1000))
        for start in range(0, len(names), 500):
            store.client.delete(*names[start : start + 500])
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(json.dumps({str(n): measure(args.url, n, args.repeats) for n in sizes}))


if __name__ == "__main__":
    main()
