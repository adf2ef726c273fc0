"""`itss-bot lookup` as a subprocess of the installed entry point: the queries issue 11 names,
and what it says when nothing matches (text, and --json with the suggestions on stderr)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

BIN = Path(sys.executable).parent / "itss-bot"


def lookup(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"} | {"COLUMNS": "200"}
    return subprocess.run(
        [str(BIN), "lookup", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def hits(*args: str) -> list[dict[str, Any]]:
    done = lookup(*args, "--json")
    assert done.returncode == 0, done.stderr
    found: list[dict[str, Any]] = json.loads(done.stdout)
    return found


@pytest.mark.parametrize(
    ("argv", "title"),
    [(["障害対応"], "複雑性"),
     (["ネットワーク監視"], "ネットワークオペレーション"),
     (["知識項目", "バックアップ"], "知識項目: サービス支援管理 > バックアップ/リカバリ管理"),
     (["熟達度", "リーダーシップ"], "/ リーダーシップ / レベル"),
     (["システムオペレーション"], "スキル項目: システムオペレーション")],
)  # fmt: skip
def test_the_queries_of_issue_11_find_definitions(argv: list[str], title: str) -> None:
    done = lookup(*argv)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "見つかりませんでした" not in done.stdout
    assert title in done.stdout
    assert title in hits(*argv)[0]["title"]


def test_kind_words_filter_in_json() -> None:
    found = hits("知識項目", "バックアップ")
    assert found
    assert {h["kind"] for h in found} == {"knowledge"}


def test_a_partial_match_says_so() -> None:
    done = lookup("障害対応")
    assert "「障害対応」をすべて含む定義はないため、一部を含む定義を表示しています。" in done.stdout


def test_nothing_found_suggests_what_would() -> None:
    done = lookup("CS", "高可用性")
    assert done.returncode == 1
    assert "「CS 高可用性」に一致する定義は見つかりませんでした。" in done.stdout
    assert "もしかして:" in done.stdout
    assert "`itss-bot lookup SO 高可用性`（専門分野: システムオペレーション）" in done.stdout
    # a suggestion is a command to copy: a word with parentheses is quoted for the shell
    assert "`itss-bot lookup '運用システムの複雑性(マルチプラットフォーム、" in done.stdout


def test_nothing_close_still_gives_examples() -> None:
    done = lookup("xyzzy")
    assert done.returncode == 1
    assert "`itss-bot lookup バックアップ`（例）" in done.stdout


def test_json_keeps_the_list_on_stdout_and_suggests_on_stderr() -> None:
    done = lookup("CS", "高可用性", "--json")
    assert done.returncode == 1
    assert json.loads(done.stdout) == []
    assert "もしかして:" in done.stderr
    assert "itss-bot lookup SO 高可用性" in done.stderr
