"""An answer clicked in Slack (or typed at the console) plans the next question once: the
renderer draws the view the engine returned and does not ask it again (issue 9, item 4)."""

from __future__ import annotations

import io
import sys

import pytest
from rich.console import Console

from bot.console import run_console
from flows.personas import persona
from flows.storage.redis_store import RedisStore
from tests.bot.slack_env import Bot, Person, blocks_text
from tests.bot.test_console import script
from tests.counting import count_planning


def test_an_answer_click_plans_once_and_formats_one_answer(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    facts = persona("system_operations", 5)  # a head: eleven questions
    kim = Person(bot, "U300")
    kim.command("start SO")
    kim.wait_posts(1)
    for n in range(3):
        kim.answer(facts[kim.current_fact()])
        kim.wait_posts(n + 2)
    edits = len(kim.wait_method("chat.update", 3))
    answered = kim.current_fact()
    calls = count_planning(monkeypatch)

    kim.answer(facts[answered])
    kim.wait_posts(5)
    kim.wait_method("chat.update", edits + 1)  # the answered message edited: the click is done

    assert "質問 5 / ≤" in blocks_text(kim.screen().args["blocks"])
    assert kim.current_fact() != answered
    assert calls["open_criteria"] <= 1, calls
    assert calls["remaining_facts"] <= 1, calls
    assert calls["show_value"] <= 1, f"one answer was recorded, {calls['show_value']} formatted"


def test_the_console_plans_once_per_typed_answer(
    redis_store: RedisStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = script("system_operations", 3)  # seven answers, then Enter confirms the review
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join([*lines, ""]) + "\n"))
    out = io.StringIO()
    calls = count_planning(monkeypatch)
    code = run_console(
        redis_store, "U400", "system_operations", Console(file=out, width=120), persistent=False
    )
    assert code == 0
    assert "システムオペレーション レベル 3" in out.getvalue()
    planned = 1 + len(lines)  # the specialty choice and each answer
    assert calls["open_criteria"] <= planned, calls
    assert calls["remaining_facts"] <= planned, calls
