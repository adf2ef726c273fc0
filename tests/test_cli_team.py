"""`itss-bot team --png`: the team picture from stored results, as a subprocess."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

from flows.facts import to_json_value
from flows.interview import Command, Interview
from flows.personas import persona
from flows.service import InterviewService
from flows.session import PersonKey, Phase
from flows.storage.redis_store import RedisStore
from framework_data.loader import load_default

BIN = Path(sys.executable).parent / "itss-bot"
TEAM = "T0PIC"


def complete(store: RedisStore, user: str, specialty: str, level: int) -> None:
    svc = InterviewService(
        Interview(load_default()), store, lambda: datetime.now(UTC), lambda: uuid.uuid4().hex
    )
    key = PersonKey(team=TEAM, user=user)
    facts = persona(specialty, level)
    assert svc.start(key, specialty).outcome.applied
    while (session := svc.current(key)) is not None and session.state is Phase.ASKING:
        svc.act(key, Command(action="answer", value=to_json_value(facts[session.current or ""])))
    assert svc.act(key, Command(action="confirm")).record is not None


def run(*args: str, url: str | None, prefix: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    if url:
        env["REDIS_URL"] = url
    return subprocess.run(
        [str(BIN), "team", *args, "--team", TEAM, "--prefix", prefix],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_the_picture_of_stored_results(
    redis_store: RedisStore, redis_url: str, redis_prefix: str, tmp_path: Path
) -> None:
    redis_store.set_managers(TEAM, {f"U{i}": ["UMGR"] for i in range(6)} | {"UX": ["UOTHER"]})
    for i in range(6):
        complete(redis_store, f"U{i}", ["system_operations", "customer_support"][i % 2], i % 4 + 1)
    out = tmp_path / "team.png"
    done = run("--png", str(out), "--manager", "UMGR", url=redis_url, prefix=redis_prefix)
    assert done.returncode == 0, done.stderr
    assert f"{out}: 6 人" in done.stdout
    png = out.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (1200, 420)
    everyone = run("--png", str(out), url=redis_url, prefix=redis_prefix)
    assert everyone.returncode == 0, everyone.stderr
    assert "7 人" in everyone.stdout


def test_clear_errors(redis_url: str, redis_prefix: str, tmp_path: Path) -> None:
    out = tmp_path / "team.png"
    no_url = run("--png", str(out), url=None, prefix=redis_prefix)
    assert no_url.returncode != 0
    assert "REDIS_URL が設定されていません" in no_url.stderr
    empty = run("--png", str(out), url=redis_url, prefix=redis_prefix)
    assert empty.returncode != 0
    assert "名簿に人がいません" in empty.stderr
    down = run("--png", str(out), url="redis://127.0.0.1:1/0", prefix=redis_prefix)
    assert down.returncode != 0
    assert "Redis に接続できません" in down.stderr
    assert "Traceback" not in no_url.stderr + empty.stderr + down.stderr
    assert not out.exists()
