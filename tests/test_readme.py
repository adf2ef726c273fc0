"""The README's commands, run for real: what it tells a newcomer to type works and prints what it
shows.

From README.md it runs, as subprocesses of the installed `itss-bot` entry point (the one beside
this interpreter, i.e. `.venv/bin/itss-bot`), with REDIS_URL unset and an 80-column terminal:

- "Quick start", first `sh` block: the last command of the `&&` chain, `.venv/bin/itss-bot
  console`, typing `1` (the first specialty) and `q` (pause) — it must show the first question
  and pause without Redis. The chain's `python3 -m venv .venv && .venv/bin/pip install -q .` is
  checked to be there but not run: it needs the network and a build, and `scripts/bootstrap`
  installs this same package into `.venv` before the tests. The `scripts/test` block is what is
  running this test; the docker block is checked in tests/bot/test_deploy_files.py.
- "The command line", the `console` block: every `$ itss-bot …` line (`evaluate
  docs/examples/so-level3.yaml`, the same with `--json | head -5`, `lookup SO レベル4 SLA
  --limit 1`), comparing the output with the lines shown under it, line by line (trailing spaces
  ignored). A line that is only `…` stands for any number of output lines left out.
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BIN = Path(sys.executable).parent
ELIDED = "…"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match is not None, f"README.md has no '## {title}' section"
    return match.group(1)


def blocks(title: str, language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(section(title)) if lang == language]


def run(argv: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`itss-bot …` as the README's reader runs it: no Redis configured, an 80-column terminal."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "FORCE_COLOR")}
    env |= {"COLUMNS": "80", "LINES": "50", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    if argv[0] in ("itss-bot", ".venv/bin/itss-bot"):
        argv = [str(BIN / "itss-bot"), *argv[1:]]
    return subprocess.run(
        argv,
        check=False,
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def shown_sessions() -> list[tuple[str, list[str]]]:
    """(command, the output lines the README shows for it) for each `$ ` line of the block."""
    [block] = blocks("The command line", "console")
    sessions: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            sessions.append((line[2:], []))
        else:
            assert sessions, f"output before the first command: {line!r}"
            sessions[-1][1].append(line)
    return sessions


def execute(command: str) -> list[str]:
    """Run one README command line; the only pipe the README uses is `| head -N`."""
    command, _, pipe = command.partition(" | ")
    result = run(shlex.split(command))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    if pipe:
        head = re.fullmatch(r"head -(\d+)", pipe.strip())
        assert head is not None, f"unsupported pipe in README: {pipe!r}"
        lines = lines[: int(head.group(1))]
    return lines


def assert_shows(expected: list[str], actual: list[str]) -> None:
    """`actual` is `expected` where `…` lines may stand for any run of lines."""
    want = [line.rstrip() for line in expected]
    got = [line.rstrip() for line in actual]
    while want and not want[-1]:
        want.pop()
    while got and not got[-1]:
        got.pop()
    chunks: list[list[str]] = [[]]
    for line in want:
        if line == ELIDED:
            chunks.append([])
        else:
            chunks[-1].append(line)
    diff = "\n".join(difflib.unified_diff(want, got, "README.md", "real output", lineterm=""))
    at = 0
    for i, chunk in enumerate(chunks):
        anchored = i == 0  # no `…` before it: the output starts with it
        starts = [at] if anchored else range(at, len(got) - len(chunk) + 1)
        found = next((s for s in starts if got[s : s + len(chunk)] == chunk), None)
        assert found is not None, f"README shows lines the command does not print:\n{diff}"
        at = found + len(chunk)
    if chunks[-1]:  # no `…` after the last lines: the output ends with them
        assert at == len(got), f"the command prints more than README shows:\n{diff}"


def test_quick_start_console_runs_an_interview_without_redis() -> None:
    [quick_start, *_] = blocks("Quick start", "sh")
    *install, console = [step.strip() for step in quick_start.strip().split("&&")]
    assert install == ["python3 -m venv .venv", ".venv/bin/pip install -q ."]
    result = run(shlex.split(console), stdin="1\nq\n")
    assert result.returncode == 0, result.stderr
    assert not result.stderr
    out = result.stdout
    assert "専門分野の選択" in out
    assert "質問 1" in out
    assert "中断しました。REDIS_URL が設定されていないため" in out  # nothing is kept
    assert "REDIS_URL を設定すると、回答を保存して後で再開できます" in out


@pytest.mark.parametrize(
    ("command", "shown"), shown_sessions(), ids=[c for c, _ in shown_sessions()]
)
def test_command_line_examples_print_what_readme_shows(command: str, shown: list[str]) -> None:
    assert command.startswith("itss-bot ")
    assert_shows(shown, execute(command))
