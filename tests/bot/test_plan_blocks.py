"""The development plan in the Slack result message: the same items as flows.plan, for the
person and the manager, within Slack's limits for every persona; and through the real app."""

from __future__ import annotations

import time
from typing import Any

import pytest

from bot.blocks.common import MAX_BLOCKS, MAX_SECTION_TEXT
from bot.blocks.plan import plan_blocks
from bot.blocks.result import result_blocks
from flows.plan import Plan, checklist, development_plan
from flows.results import result_of
from flows.session import PersonKey
from tests.bot.slack_env import Bot, Person
from tests.bot.test_blocks import FW, check, record
from tests.bot.test_slack_e2e import finish_interview

PERSONAS = [(sp.id, level) for sp in FW.job_category.specialties for level in range(6)]


def texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every line of every section and context block, in order."""
    out: list[str] = []
    for block in blocks:
        if block["type"] == "section":
            out += block["text"]["text"].split("\n")
        elif block["type"] == "context":
            out += [e["text"] for e in block["elements"]]
    return out


def assert_shows(plan: Plan, lines: list[str]) -> None:
    """Each item's 熟達度 text, each 知識項目 line and each evidence line, in plan order."""
    expected: list[str] = []
    for e in plan.evidence:
        expected += [e.rule, e.evidence]
    for item in plan.items:
        expected.append(item.text)
        for text, sub in checklist(item.knowledge):
            expected.append(f"☐ {text}" + (f": {' / '.join(sub)}" if sub else ""))
    at = -1
    for want in expected:
        found = next((i for i, line in enumerate(lines) if i > at and want in line), None)
        assert found is not None, f"not shown (in plan order): {want}"
        at = found


@pytest.mark.parametrize(("specialty", "level"), PERSONAS, ids=str)
@pytest.mark.parametrize("for_manager", [False, True], ids=["person", "manager"])
def test_result_message_shows_the_whole_plan_within_limits(
    specialty: str, level: int, for_manager: bool
) -> None:
    rec = record(specialty, level)
    blocks = result_blocks(rec, FW, for_manager=for_manager)
    check(blocks)
    assert all(len(t) <= MAX_SECTION_TEXT for t in texts(blocks))
    plan = development_plan(FW, result_of(rec, FW))
    lines = texts(blocks)
    title = "維持するスキル" if plan.sustain else f"レベル {plan.level} に向けた育成計画"
    assert any(title in line for line in lines)
    assert_shows(plan, lines)
    assert not any("育成計画の残り" in line for line in lines)
    assert lines[-1].startswith("判定基準: ")  # nothing cut after the plan


def test_long_notes_still_leave_the_source_line_and_a_clear_cut() -> None:
    long = "根拠" * 490  # ≤ the modal's 1000 characters, four of them
    rec = record("customer_support", 0).model_copy(
        update={"notes": {d.id: long for d in FW.job_category.dimensions}}
    )
    blocks = result_blocks(rec, FW, for_manager=True)
    check(blocks)
    assert texts(blocks)[-1].startswith("判定基準: ")


@pytest.mark.parametrize("room", [2, 3, 5, 8])
def test_a_plan_that_does_not_fit_says_what_was_left_out(room: int) -> None:
    plan = development_plan(FW, result_of(record("system_operations", 0), FW))
    blocks = plan_blocks(plan, room=room)
    assert len(blocks) <= room
    check(blocks)
    shown = [i for i in plan.items if any(i.text in t for t in texts(blocks))]
    note = blocks[-1]
    assert note["type"] == "context"
    left = len(plan.items) - len(shown)
    assert left > 0
    assert f"育成計画の残り {left} 件" in note["elements"][0]["text"]
    assert plan.items[len(shown)].skill_name in note["elements"][0]["text"]


def test_plan_blocks_fit_the_default_room() -> None:
    for specialty, level in PERSONAS:
        blocks = plan_blocks(development_plan(FW, result_of(record(specialty, level), FW)))
        assert len(blocks) < MAX_BLOCKS
        check(blocks)


def test_person_and_manager_get_the_plan_through_the_app(bot: Bot) -> None:
    bot.store.set_managers("T0001", {"U300": ["UMGR3"]})
    person = Person(bot, "U300")
    person.command("start NO")
    person.wait_posts(1)
    finish_interview(person, ("network_operations", 2))
    manager_dm = Person(bot, "UMGR3").wait_posts(1)[0]
    deadline = time.monotonic() + 5
    result_dm = person.posts()[-1]
    while "判定結果" not in (result_dm.args.get("text") or "") and time.monotonic() < deadline:
        time.sleep(0.01)
        result_dm = person.posts()[-1]
    stored = bot.store.latest(PersonKey(team="T0001", user="U300"))["network_operations"]
    plan = development_plan(FW, result_of(stored, FW))
    assert plan.level == 3
    for dm in (result_dm, manager_dm):
        blocks = dm.args["blocks"]
        check(blocks)
        lines = texts(blocks)
        assert any("レベル 3 に向けた育成計画" in line for line in lines)
        assert_shows(plan, lines)
