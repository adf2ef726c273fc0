"""`itss-bot console` and the other commands with `--lang en` (or ITSS_LANG=en): the console's
own words, the result and plan as the terminal prints them, the refusals and the team
picture in English; without the option everything reads Japanese as before (tests/bot/
test_console.py, tests/test_cli*.py, unchanged)."""

from __future__ import annotations

import re
import shlex
import string
import uuid
from pathlib import Path
from typing import Any

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from typer.testing import CliRunner

from bot.cli import app
from flows.i18n import catalog
from flows.session import PersonKey
from flows.storage import open_store
from flows.storage.redis_store import RedisStore
from tests.bot.test_console import FW, run, script, without_redis
from tests.i18n_check import JAPANESE, framework_texts, japanese_left
from tests.test_cli_team import TEAM, complete

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
WIDE = {"COLUMNS": "1000"}  # no folding: every message on one line
runner = CliRunner()


def own_japanese() -> set[str]:
    """The Japanese words of the console's catalog (console.po, between its placeholders),
    three characters or longer and not also the framework's."""
    framework = "\n".join(framework_texts(FW))
    words = set()
    for entry in catalog("ja").entries.values():
        if entry.source != "console.po":
            continue
        for form in entry.forms:
            for literal, *_ in string.Formatter().parse(form):
                words |= {w for w in JAPANESE.findall(literal) if len(w) >= 3}
    return {w for w in words if w not in framework}


PLAN_TITLES = ("Development plan for Level", "Skills to sustain")


def left_in(output: str) -> list[str]:
    """The console's own Japanese words still printed for an English reader. The plan's
    summary, the line under the plan's title, is another area's words (flows/plan.py)."""
    lines = output.splitlines()
    summaries = {i + 1 for i, line in enumerate(lines) if any(t in line for t in PLAN_TITLES)}
    kept = "\n".join(line for i, line in enumerate(lines) if i not in summaries)
    return sorted(w for w in own_japanese() if w in kept)


def test_the_scan_knows_the_console_words() -> None:
    words = own_japanese()
    assert {"専門分野の選択", "回答の確認", "に向けた育成計画", "判定フレームワーク"} <= words


@pytest.mark.slow
def test_an_interview_in_english_from_the_specialty_to_the_plan() -> None:
    lines = script("system_operations", 3)
    typed = ["1", lines[0], "b", "", *lines[1:], "m", "9", "m", "1", "基幹系の移行", "x", ""]
    proc = run(["--lang", "en"], typed, without_redis() | WIDE)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for line in (
        "b: previous question / q: pause and quit (answers are not saved without REDIS_URL)",
        "Choose your specialty",
        "Enter a number >",
        "Question 1 / ≤",
        "Previous answer: ",
        "(Enter keeps it)",
        "Review your answers",
        "Expected result: ",
        "Enter: submit / number: change that answer / m: add an evidence note",
        "Enter the number of a dimension.",
        "Project, period, role… >",
        "Enter submits, a number changes that answer, m adds a note, q pauses.",
        "Evidence note (",
        "Reasons for Level 3",
        "Level 4 achievement indicators",
        "Evidence missing for Level 4",
        "Development plan for Level 4",
        "Framework: ",
    ):
        assert line in out, line
    assert "基幹系の移行" in out  # what was typed, as typed
    assert left_in(out) == []


@pytest.mark.slow
def test_pause_prints_the_english_command_that_resumes_in_english(redis_url: str) -> None:
    user = f"en{uuid.uuid4().hex[:8]}"
    answers = script("customer_support", 4)
    env = {"REDIS_URL": redis_url} | WIDE
    first = run(["--specialty", "CS", "--user", user, "--lang", "en"], [*answers[:3], "q"], env)
    try:
        assert first.returncode == 0, first.stderr
        printed = re.search(r"Paused\. Your answers are saved: resume with `([^`]*)`", first.stdout)
        assert printed is not None, first.stdout
        assert printed.group(1) == f"itss-bot console --resume --user {user} --lang en"
        second = run(shlex.split(printed.group(1))[2:], [*answers[3:], ""], env)
        assert second.returncode == 0, second.stderr
        assert "Resuming your interview in progress (3 answers so far)." in second.stdout
        assert "Development plan for Level 5" in second.stdout
        third = run(["--resume", "--user", user], [], env | {"ITSS_LANG": "en"})
        assert f"No interview to resume ({user}). Starting a new one." in third.stdout
        assert left_in(first.stdout + second.stdout + third.stdout) == []
    finally:
        open_store(redis_url, session_ttl_seconds=60).forget(PersonKey(team="console", user=user))


def test_the_console_refuses_in_english() -> None:
    resume = run(["--resume", "--lang", "en"], [], without_redis())
    assert resume.returncode == 2
    assert resume.stderr.startswith("Can't resume with --resume. REDIS_URL is not set, so your")
    down = run(
        ["--specialty", "SO"], ["1"], {"REDIS_URL": "redis://127.0.0.1:1/0", "ITSS_LANG": "en"}
    )
    assert down.returncode == 2
    assert "Can't connect to Redis (redis://127.0.0.1:1/0)." in down.stderr
    assert "Your saved answers are not lost." in down.stderr
    paused = run(["--specialty", "SO", "--lang", "EN"], ["q"], without_redis() | WIDE)
    assert (
        "Paused. REDIS_URL is not set, so your answers live only in this process" in paused.stdout
    )
    assert left_in(resume.stderr + down.stderr + paused.stdout) == []


def test_evaluate_prints_the_result_and_plan_in_english() -> None:
    args = ["evaluate", str(EXAMPLES / "so-level3.yaml"), "--lang", "en"]
    result = runner.invoke(app, args, env=WIDE)
    assert result.exit_code == 0, result.output
    out = result.output
    for line in (
        "Reasons for Level 3",
        "Level 4 achievement indicators",
        "Dimension",
        "Verdict",
        "Evidence missing for Level 4",
        "Answer → ",
        "Development plan for Level 4",
        "Evidence to gather",
        "(Level 4 proficiency)",
        "Knowledge items:",
    ):
        assert line in out, line
    assert left_in(out) == []
    japanese = runner.invoke(app, ["evaluate", str(EXAMPLES / "so-level3.yaml")])
    assert "レベル 3 の判定理由" in japanese.output
    assert "Reasons for Level" not in japanese.output


def test_a_language_other_than_ja_or_en_is_a_usage_error() -> None:
    result = runner.invoke(app, ["evaluate", str(EXAMPLES / "so-level3.yaml"), "--lang", "fr"])
    assert result.exit_code == 2
    assert "--lang" in result.output


def test_the_team_picture_command_in_english(
    redis_store: RedisStore,
    redis_url: str,
    redis_prefix: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drawn: list[str] = []
    save = Figure.savefig

    def savefig(self: Figure, *args: Any, **kwargs: Any) -> None:
        drawn.extend(t.get_text() for t in self.findobj(Text) if t.get_text())
        save(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    redis_store.set_managers(TEAM, {f"U{i}": ["UMGR"] for i in range(3)})
    for i in range(3):
        complete(redis_store, f"U{i}", "system_operations", 2)
    out = tmp_path / "team.png"
    args = ["team", "--png", str(out), "--team", TEAM, "--prefix", redis_prefix]
    env = {"REDIS_URL": redis_url}
    result = runner.invoke(app, [*args, "--manager", "UMGR", "--lang", "en"], env=env)
    assert result.exit_code == 0, result.output
    assert re.fullmatch(rf"{re.escape(str(out))}: 3 people, [\d,]+ bytes\n", result.output)
    assert "Team level distribution (reports of UMGR, 3 people)" in drawn
    assert "Self-assessed" in drawn
    assert japanese_left(drawn, framework_texts(FW)) == []
    nobody = runner.invoke(app, [*args, "--manager", "UNONE"], env=env | {"ITSS_LANG": "en"})
    assert nobody.exit_code == 2
    assert f"The roster of workspace {TEAM} lists no reports of that manager." in nobody.output
    unset = runner.invoke(app, [*args, "--lang", "en"], env={"REDIS_URL": ""})
    assert "REDIS_URL is not set: it names the Redis to read the results from." in unset.output
