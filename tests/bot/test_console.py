"""`itss-bot console` as a person uses it: a real process, answers piped to stdin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from flows.explain import level_name
from flows.facts import FactValue
from flows.personas import persona
from flows.planner import next_fact
from flows.session import PersonKey
from flows.storage import open_store
from flows.storage.redis_store import RedisStore
from framework_data.loader import load_default

FW = load_default()
BIN = Path(sys.executable).parent / "itss-bot"


def typed(specialty: str, fact_id: str, value: FactValue) -> str:
    """What a person types at the console prompt for this answer."""
    fact = FW.fact(fact_id)
    options = [o.id for o in fact.options_for(specialty)]
    if fact.statements:  # every statement ticked for true, none for false
        return ",".join(str(i) for i in range(1, len(fact.statements) + 1)) if value else "0"
    if fact.kind == "bool":
        return "y" if value else "n"
    if fact.kind == "ordinal":
        return str(options.index(str(value)) + 1)
    if fact.kind == "set":
        assert isinstance(value, frozenset)
        return ",".join(str(options.index(v) + 1) for v in sorted(value)) or "0"
    assert isinstance(value, int)
    return f"{value:,}円" if fact.number_kind == "yen" else f"約{value}{fact.unit}"


def script(specialty: str, level: int) -> list[str]:
    facts = persona(specialty, level)
    known: dict[str, FactValue] = {}
    lines = []
    while (fact := next_fact(FW, specialty, known)) is not None:
        known[fact] = facts[fact]
        lines.append(typed(specialty, fact, facts[fact]))
    return lines


def run(args: list[str], lines: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the console with `env` added to this process's environment (REDIS_URL="" drops it)."""
    merged = {**os.environ, "COLUMNS": "120", **env}
    if not merged.get("REDIS_URL"):
        merged.pop("REDIS_URL", None)
    return subprocess.run(
        [str(BIN), "console", *args],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=merged,
        check=False,
    )


def without_redis() -> dict[str, str]:
    return {"REDIS_URL": ""}


@pytest.mark.slow
@pytest.mark.parametrize("specialty", [s.id for s in FW.job_category.specialties])
@pytest.mark.parametrize("level", range(6))
def test_every_persona_through_the_console_on_redis(
    specialty: str, level: int, redis_url: str
) -> None:
    user = f"t{uuid.uuid4().hex[:12]}"
    proc = run(
        ["--specialty", specialty, "--user", user],
        [*script(specialty, level), ""],
        {"REDIS_URL": redis_url},
    )
    key = PersonKey(team="console", user=user)
    store = open_store(redis_url, session_ttl_seconds=60)
    try:
        assert proc.returncode == 0, proc.stderr
        name = FW.specialty(specialty).name
        assert f"{name}: {level_name(level)}" in proc.stdout
        assert "質問 1 / ≤" in proc.stdout
        if level < 5:
            assert f"レベル {level + 1} に向けて不足している根拠" in proc.stdout
        assert [r.verdict.level for r in store.history(key)] == [level]
        assert store.load(key) is None
    finally:
        store.forget(key)


@pytest.mark.slow
def test_newcomer_without_redis_gets_the_embedded_store() -> None:
    proc = run(
        ["--specialty", "customer_support"], [*script("customer_support", 2), ""], without_redis()
    )
    assert proc.returncode == 0, proc.stderr
    assert "カスタマサポート: レベル 2" in proc.stdout


@pytest.mark.slow
def test_bad_input_is_explained_and_asked_again() -> None:
    lines = ["2", "たくさん", "-3", "10〜20人", "3", *script("system_operations", 3)[2:], ""]
    proc = run(["--specialty", "system_operations"], lines, without_redis())
    assert proc.returncode == 0, proc.stderr
    assert "範囲ではなく" in proc.stdout
    assert "システムオペレーション: レベル 3" in proc.stdout


@pytest.mark.slow
def test_pause_and_resume_in_a_new_process_on_redis(redis_url: str) -> None:
    user = f"t{uuid.uuid4().hex[:12]}"
    answers = script("customer_support", 4)
    env = {"REDIS_URL": redis_url}
    first = run(["--specialty", "customer_support", "--user", user], [*answers[:3], "q"], env)
    assert first.returncode == 0, first.stderr
    assert "中断しました" in first.stdout
    second = run(["--resume", "--user", user], [*answers[3:], ""], env)
    assert second.returncode == 0, second.stderr
    assert "3 件回答済み" in second.stdout
    assert "カスタマサポート: レベル 4" in second.stdout
    third = run(["--resume", "--user", user], [], env)
    assert "再開できるインタビューはありません" in third.stdout
    store = open_store(redis_url, session_ttl_seconds=60)
    assert [r.verdict.level for r in store.history(PersonKey(team="console", user=user))] == [4]
    store.forget(PersonKey(team="console", user=user))


@pytest.mark.slow
def test_resuming_an_interview_of_a_newer_version_is_a_clear_error(redis_url: str) -> None:
    user = f"t{uuid.uuid4().hex[:12]}"
    env = {"REDIS_URL": redis_url}
    first = run(["--specialty", "customer_support", "--user", user], ["q"], env)
    assert first.returncode == 0, first.stderr
    store = open_store(redis_url, session_ttl_seconds=60)
    assert isinstance(store, RedisStore)
    key = PersonKey(team="console", user=user)
    name = store.session_key(key)
    data = json.loads(store.client.hget(name, "data") or "{}")
    store.client.hset(name, mapping={"data": json.dumps({**data, "schema_version": 2}), "v": 2})
    before = store.client.hgetall(name)
    second = run(["--resume", "--user", user], [], env)
    assert second.returncode == 2
    assert "新しい版で保存された" in second.stderr
    assert "Traceback" not in second.stderr
    assert store.client.hgetall(name) == before  # left as the newer version wrote it
    store.forget(key)


def test_resume_without_redis_is_refused() -> None:
    proc = run(["--resume"], [], without_redis())
    assert proc.returncode == 2
    assert "REDIS_URL" in proc.stderr


def test_redis_down_is_a_clear_error() -> None:
    proc = run(["--specialty", "system_operations"], ["1"], {"REDIS_URL": "redis://127.0.0.1:1/0"})
    assert proc.returncode == 2
    assert "127.0.0.1:1" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_pausing_without_redis_says_answers_are_not_kept() -> None:
    proc = run(["--specialty", "system_operations"], ["1", "q"], without_redis())
    assert proc.returncode == 0, proc.stderr
    assert "REDIS_URL を設定すると" in proc.stdout
    assert "--resume で再開できます" not in proc.stdout


@pytest.mark.slow
def test_specialty_by_alias_as_slack_reads_it() -> None:
    """`--specialty` and the prompt take what `/itss start` takes: an alias, full width too."""
    by_option = run(["--specialty", "ＣＳ"], [*script("customer_support", 2), ""], without_redis())
    assert by_option.returncode == 0, by_option.stderr
    assert "カスタマサポート: レベル 2" in by_option.stdout
    at_prompt = run([], ["ｎｏ", *script("network_operations", 1), ""], without_redis())
    assert at_prompt.returncode == 0, at_prompt.stderr
    assert "ネットワークオペレーション: レベル 1" in at_prompt.stdout


@pytest.mark.slow
def test_mastery_is_three_statements_and_two_are_not_enough() -> None:
    facts = persona("system_operations", 3) | {"mastery": False}
    known: dict[str, FactValue] = {}
    lines = []
    while (fact := next_fact(FW, "system_operations", known)) is not None:
        known[fact] = facts[fact]
        lines.append("1,3" if fact == "mastery" else typed("system_operations", fact, facts[fact]))
    assert "1,3" in lines
    proc = run(["--specialty", "system_operations"], [*lines, ""], without_redis())
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for statement in FW.fact("mastery").statements:
        assert statement.label in out
    assert "観点: タスク特性" in out
    assert "システムオペレーション: レベル 2" in out  # レベル 3 タスク特性 needs all three
    assert "編集注" in out  # the source's editorial note under the result
