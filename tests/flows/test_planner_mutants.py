"""Which questions are left and in what order, counted by hand from the data's criteria (the
rule of flows/planner.py: facts read by the most open criteria first, then the data's order;
only levels low+1 … high+1 are open). Written against mutmut's survivors in flows/planner.py
(docs/testing.md)."""

from __future__ import annotations

import pytest

from flows.facts import FactValue
from flows.personas import persona
from flows.planner import next_fact, plan, remaining_facts
from framework_data.loader import load_default

FW = load_default()
V1 = FW.model_copy(update={"settings": FW.settings.model_copy(update={"cumulative": False})})
SO = "system_operations"

# System operations, counted over the open criteria of the open levels:
#   nothing known, levels 1-5 open: role 6 (responsibility at every level, level 3's
#   complexity), operations_count 5 (levels 1-2 complexity and size, level 3 size), 3 each for
#   complexity, satisfaction_rank and mastery (levels 3-5), 2 each for followed_manuals
#   (levels 1-2), responsibilities, service_success, member_achievement and contribution
#   (levels 4-5), 1 each for peak_staff and annual_contract_yen (level 5's scale);
#   a メンバー: level 4's responsibility is unmet, so level 4 is the last open level and
#   its responsibility is decided; level 5 is never reached;
#   a メンバー with three engagements who followed the manuals: levels 1-2 are met, 3-4 open.
ORDERS = [
    (
        {},
        (
            "role",
            "operations_count",
            "complexity",
            "satisfaction_rank",
            "mastery",
            "followed_manuals",
            "responsibilities",
            "service_success",
            "member_achievement",
            "contribution",
            "peak_staff",
            "annual_contract_yen",
        ),
    ),
    (
        {"role": "member"},
        (
            "operations_count",
            "followed_manuals",
            "complexity",
            "satisfaction_rank",
            "mastery",
            "service_success",
            "member_achievement",
            "contribution",
        ),
    ),
    (
        {"role": "member", "operations_count": 3, "followed_manuals": True},
        (
            "complexity",
            "satisfaction_rank",
            "mastery",
            "service_success",
            "member_achievement",
            "contribution",
        ),
    ),
]


@pytest.mark.parametrize(("known", "expected"), ORDERS)
def test_the_questions_left_in_order(
    known: dict[str, FactValue], expected: tuple[str, ...]
) -> None:
    assert plan(FW, SO, known).remaining == expected
    assert remaining_facts(FW, SO, known) == list(expected)
    assert next_fact(FW, SO, known) == expected[0]


def test_a_skipped_fact_is_not_asked_again() -> None:
    skipped = {"role", "complexity"}
    assert plan(FW, SO, {}, skipped).remaining[:3] == (
        "operations_count",
        "satisfaction_rank",
        "mastery",
    )
    assert next_fact(FW, SO, {}, skipped) == "operations_count"
    assert remaining_facts(FW, SO, {}, skipped)[-1] == "annual_contract_yen"


def test_a_decided_verdict_asks_nothing() -> None:
    facts = persona(SO, 2)
    assert plan(FW, SO, facts).remaining == ()
    assert plan(FW, SO, facts).next is None
    assert next_fact(FW, SO, facts) is None
    assert remaining_facts(FW, SO, facts) == []


def test_levels_below_the_achieved_one_are_not_asked_about_level_by_level() -> None:
    # Judged level by level (v1), level 3 is met on its own; levels 1-2 (which read the
    # manuals) can no longer change the level or the next level's verdict.
    facts = {k: v for k, v in persona(SO, 3).items() if k != "followed_manuals"}
    assert plan(V1, SO, facts).remaining == ()
    assert plan(FW, SO, facts).remaining == ("followed_manuals",)
