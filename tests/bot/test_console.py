"""`itss-bot console` as a person uses it: a real process, answers piped to stdin."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shlex
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
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


def asked(specialty: str, level: int) -> list[str]:
    """The facts the console asks, in order, for the persona of this level."""
    facts = persona(specialty, level)
    known: dict[str, FactValue] = {}
    while (fact := next_fact(FW, specialty, known)) is not None:
        known[fact] = facts[fact]
    return list(known)


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.slow
@pytest.mark.parametrize(
    "retype",
    [
        lambda line: line.replace(",", "，").translate(FULL_WIDTH),  # １，３，４
        lambda line: line.replace(",", "，"),  # 1，3，4
        lambda line: line.replace(",", " "),  # 1 2 3
        lambda line: line.replace(",", "　").translate(FULL_WIDTH),  # １　２　３
        lambda line: line.replace(",", "、"),  # 1、2
        lambda line: line.replace(",", ", "),  # 1, 2
    ],
    ids=["full-width", "full-width-comma", "spaces", "full-width-spaces", "touten", "comma-space"],
)
def test_several_choices_take_any_separator_full_or_half_width(
    retype: Callable[[str], str],
) -> None:
    lines = script("system_operations", 3)
    several = [i for i, line in enumerate(lines) if "," in line]
    assert len(several) >= 2  # the persona ticks several options and several statements
    for i in several:
        lines[i] = retype(lines[i])
    proc = run(["--specialty", "system_operations"], [*lines, ""], without_redis())
    assert proc.returncode == 0, proc.stderr
    assert "選択肢にありません" not in proc.stdout
    assert "システムオペレーション: レベル 3" in proc.stdout


@pytest.mark.slow
def test_several_numbers_do_not_answer_a_single_choice() -> None:
    lines = script("system_operations", 3)  # the first question (role) takes one option
    proc = run(["--specialty", "system_operations"], ["1 2", *lines, ""], without_redis())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("質問 1 / ≤") == 2  # asked again
    assert "システムオペレーション: レベル 3" in proc.stdout


@pytest.mark.slow
def test_the_pause_message_is_a_command_that_resumes_this_user(redis_url: str) -> None:
    user = f"sato{uuid.uuid4().hex[:8]}"
    answers = script("customer_support", 4)
    env = {"REDIS_URL": redis_url}
    first = run(["--specialty", "customer_support", "--user", user], [*answers[:3], "q"], env)
    assert first.returncode == 0, first.stderr
    printed = re.search(r"`(itss-bot console [^`]*)`", first.stdout)
    assert printed is not None, first.stdout
    argv = shlex.split(printed.group(1))
    assert argv[:2] == ["itss-bot", "console"]
    second = run(argv[2:], [*answers[3:], ""], env)  # exactly as printed
    try:
        assert second.returncode == 0, second.stderr
        assert "3 件回答済み" in second.stdout
        assert "カスタマサポート: レベル 4" in second.stdout
    finally:
        open_store(redis_url, session_ttl_seconds=60).forget(PersonKey(team="console", user=user))


CS = FW.specialty("customer_support")


@pytest.mark.parametrize(
    "given",
    # in the data's order: every xdist worker collects the same list
    dict.fromkeys(["customer_support", CS.name, *CS.aliases]),
)
def test_specialty_option_takes_id_name_and_every_alias(given: str) -> None:
    proc = run(["--specialty", given], ["q"], without_redis())
    assert proc.returncode == 0, proc.stderr
    assert "専門分野を次から選んでください" not in proc.stdout
    assert "専門分野の選択" not in proc.stdout
    assert "質問 1 / ≤" in proc.stdout
    assert "カスタマサポート実施責任" in proc.stdout  # worded for customer support


@pytest.mark.slow
def test_enter_after_going_back_keeps_the_previous_answer() -> None:
    lines = script("system_operations", 3)
    role = FW.fact("role").options_for("system_operations")[int(lines[0]) - 1].label
    proc = run(
        ["--specialty", "system_operations"], [lines[0], "b", "", *lines[1:], ""], without_redis()
    )
    assert proc.returncode == 0, proc.stderr
    assert f"前回の回答: {role}" in proc.stdout
    assert "回答が空です" not in proc.stdout
    assert "システムオペレーション: レベル 3" in proc.stdout


@pytest.mark.slow
def test_the_prompt_says_which_questions_can_be_skipped() -> None:
    facts = asked("system_operations", 4)
    optional = [f for f in facts if FW.fact(f).optional]
    assert optional
    assert len(optional) < len(facts)
    proc = run(
        ["--specialty", "system_operations"], [*script("system_operations", 4), ""], without_redis()
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("（s: 省略できます）>") == len(optional)
    assert "システムオペレーション: レベル 4" in proc.stdout


@pytest.mark.slow
def test_editing_from_the_review_says_what_is_edited() -> None:
    lines = script("system_operations", 3)
    facts = asked("system_operations", 3)
    order = [f.id for f in FW.facts_for("system_operations") if f.id in facts]
    number = len(order)  # the last line of the review
    retyped = lines[facts.index(order[-1])]
    label = FW.fact(order[-1]).label
    proc = run(
        ["--specialty", "system_operations"],
        [*lines, str(number), retyped, ""],
        without_redis(),
    )
    assert proc.returncode == 0, proc.stderr
    assert f"回答の修正: {label}" in proc.stdout
    assert proc.stdout.count("質問 1 / ≤") == 1
    assert proc.stdout.count("回答の確認") == 2
    assert "システムオペレーション: レベル 3" in proc.stdout


@pytest.mark.slow
def test_notes_show_the_dimension_name_on_review_and_result() -> None:
    dim = FW.job_category.dimensions[0]
    note = "受付システム更改 2024年4月〜9月 リーダー"
    lines = [*script("system_operations", 3), "m", "1", note, ""]
    proc = run(["--specialty", "system_operations"], lines, without_redis())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(f"根拠メモ（{dim.name}）: {note}") == 2  # review, then result
    assert f"（{dim.id}）" not in proc.stdout


def test_without_redis_nothing_offers_resume_and_the_refusal_is_in_japanese() -> None:
    started = run(["--specialty", "system_operations"], ["q"], without_redis())
    assert started.returncode == 0, started.stderr
    assert "--resume" not in started.stdout
    assert "export REDIS_URL=" in started.stdout
    refused = run(["--resume"], [], without_redis())
    assert refused.returncode == 2
    assert "回答はこのプロセスの中だけに置かれ" in refused.stderr
    assert "export REDIS_URL=" in refused.stderr
    assert "needs" not in refused.stderr


def in_terminal(args: list[str], keys: list[bytes]) -> tuple[int, str]:
    """Run the console on a pseudo-terminal; each key is typed once a prompt waits for it."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"} | {"COLUMNS": "120"}
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        # The child of pty.fork: the console gets the terminal as its controlling tty.
        os.execve(str(BIN), [str(BIN), "console", *args], env)  # noqa: S606
    seen = b""
    pending = list(keys)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        if pending and plain(seen).rstrip().endswith(">"):
            os.write(fd, pending.pop(0))
            seen += b"\x00"  # a mark: the next key waits for the next prompt
    else:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), plain(seen.replace(b"\x00", b""))


def plain(output: bytes) -> str:
    """Terminal output without colour codes and carriage returns."""
    text = output.decode(errors="replace").replace("\r", "")
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


@pytest.mark.slow
@pytest.mark.parametrize("key", [b"\x03", b"\x04"], ids=["ctrl-c", "ctrl-d"])
def test_ctrl_c_and_ctrl_d_pause_with_the_same_message(key: bytes) -> None:
    code, out = in_terminal(["--specialty", "system_operations"], [b"1\r", key])
    assert code == 0, out
    assert "質問 2 / ≤" in out
    paused = [line for line in out.splitlines() if "中断しました" in line]
    assert paused, out
    assert paused[0].startswith("中断しました。REDIS_URL が設定されていないため")
    assert "Traceback" not in out
