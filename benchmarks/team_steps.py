"""The steps of `/itss team` (bot.team.send_team_summary), timed one by one in a
fresh process against the benchmark's Redis: where the time goes without contention.

    python -m benchmarks.team_steps REDIS_URL TEAM MANAGER [REPEATS]   # prints JSON (ms)
"""

from __future__ import annotations

import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from bot.blocks.team import team_messages
from bot.team import team_csv, team_rows
from flows.session import PersonKey
from flows.storage.redis_store import RedisStore
from framework_data.loader import load_default


def measure(url: str, team: str, manager: str, repeats: int = 5) -> dict[str, float]:
    store = RedisStore.from_url(url)
    ctx: Any = SimpleNamespace(framework=load_default())
    steps: dict[str, list[float]] = {}

    def timed(name: str, fn: Callable[..., Any], *args: Any) -> Any:
        began = time.perf_counter()
        value = fn(*args)
        steps.setdefault(name, []).append((time.perf_counter() - began) * 1000)
        return value

    members: list[str] = []
    for _ in range(repeats):
        roster = timed("roster: HGETALL + parse", store.roster, team)
        members = sorted(m for m, ms in roster.items() if manager in ms)
        pipe = store.client.pipeline(transaction=False)
        for user in members:
            key = PersonKey(team=team, user=user)
            pipe.hget(store.session_key(key), "data")
            pipe.hgetall(store.latest_key(key))
        timed("snapshot pipeline, replies not parsed", pipe.execute)
        snaps = timed("snapshot with pydantic validation", store.snapshot, team, members)
        gc.disable()  # how much of that is the cyclic GC scanning the models built so far
        try:
            timed("the same, cyclic GC paused", store.snapshot, team, members)
        finally:
            gc.enable()
        rows = timed("team_rows", team_rows, ctx, snaps)
        timed("team_messages (Block Kit)", team_messages, rows)
        timed("team_csv", team_csv, rows, {})
    store.close()
    out = {name: statistics.median(v) for name, v in steps.items()}
    out["members"] = len(members)
    return out


if __name__ == "__main__":
    url, team, manager, *rest = sys.argv[1:]
    print(json.dumps(measure(url, team, manager, int(rest[0]) if rest else 5)))
