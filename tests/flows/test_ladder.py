"""The cumulative ladder, the four statuses and the per-dimension reasons (issue 10)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.explain import NOT_REACHED, UPPER_BOUND_ONLY
from flows.facts import FactValue
from flows.inference import Result, evaluate
from flows.personas import persona
from flows.planner import next_fact
from flows.rules import Status
from framework_data.loader import load_default
from framework_data.models import Framework
from tests.flows.test_inference import _more, fact_strategy

FW = load_default()
V1 = FW.model_copy(update={"settings": FW.settings.model_copy(update={"cumulative": False})})
SPECIALTIES = [s.id for s in FW.job_category.specialties]


def interview(fw: Framework, specialty: str, full: dict[str, FactValue]) -> dict[str, FactValue]:
    """The facts an interview asks of a person whose complete answers are `full`."""
    known: dict[str, FactValue] = {}
    while (fact := next_fact(fw, specialty, known)) is not None:
        known[fact] = full[fact]
    return known


def next_dims(result: Result) -> dict[str, Status]:
    if result.next_level is None:
        return {}
    verdict = result.level_verdict(result.next_level)
    assert verdict is not None
    return {d.id: d.status for d in verdict.dimensions}


# ------------------------------------------------------------------ the ladder


def test_cumulative_is_the_default_setting() -> None:
    assert FW.settings.cumulative is True


@pytest.mark.parametrize("specialty", SPECIALTIES)
@pytest.mark.parametrize("level", range(6))
def test_personas_meet_every_level_up_to_their_own(specialty: str, level: int) -> None:
    result = evaluate(FW, specialty, persona(specialty, level))
    assert [lv.status for lv in result.levels] == [
        Status.MET if lv.level <= level else Status.UNMET for lv in result.levels
    ]
    assert evaluate(V1, specialty, persona(specialty, level)).level == result.level == level


def test_member_failing_level_one_is_not_level_three() -> None:
    # The case: one engagement, not to manuals, otherwise a level-3 メンバー.
    facts = persona("system_operations", 3) | {"operations_count": 1, "followed_manuals": False}
    result = evaluate(FW, "system_operations", facts)
    assert (result.level, result.next_level, result.max_possible_level) == (0, 1, 0)
    assert result.level_name == NOT_REACHED
    assert [(m.level, m.dimension, m.status) for m in result.missing] == [(1, "task", Status.UNMET)]
    assert evaluate(V1, "system_operations", facts).level == 3  # judged level by level


@settings(max_examples=300, deadline=None)
@given(specialty=st.sampled_from(SPECIALTIES), data=st.data())
def test_cumulative_never_above_level_by_level(specialty: str, data: st.DataObject) -> None:
    facts = data.draw(fact_strategy(specialty))
    cumulative, v1 = evaluate(FW, specialty, facts), evaluate(V1, specialty, facts)
    assert cumulative.level <= v1.level
    assert cumulative.max_possible_level <= v1.max_possible_level


@settings(max_examples=300, deadline=None)
@given(specialty=st.sampled_from(SPECIALTIES), fw=st.sampled_from([FW, V1]), data=st.data())
def test_both_ladders_are_monotonic_in_experience(
    specialty: str, fw: Framework, data: st.DataObject
) -> None:
    facts = data.draw(fact_strategy(specialty))
    more = {
        k: _more(k, specialty, v, data) if data.draw(st.booleans()) else v for k, v in facts.items()
    }
    before, after = evaluate(fw, specialty, facts), evaluate(fw, specialty, more)
    assert after.level >= before.level
    assert after.max_possible_level >= before.max_possible_level


@settings(max_examples=200, deadline=None)
@given(specialty=st.sampled_from(SPECIALTIES), fw=st.sampled_from([FW, V1]), data=st.data())
def test_what_the_planner_leaves_out_never_changes_the_verdict(
    specialty: str, fw: Framework, data: st.DataObject
) -> None:
    """Asked only what it plans, the interview reaches the level and next-level dimensions the
    complete answers give, under either ladder."""
    full = data.draw(fact_strategy(specialty, complete=True))
    asked = evaluate(fw, specialty, interview(fw, specialty, full))
    complete = evaluate(fw, specialty, full)
    assert asked.level == complete.level
    assert asked.next_level == complete.next_level
    assert next_dims(asked) == next_dims(complete)


def test_nothing_above_a_failed_level_is_asked() -> None:
    full = persona("system_operations", 5) | {"followed_manuals": False}

    def after_manuals(fw: Framework) -> list[str]:
        known: dict[str, FactValue] = {"followed_manuals": False}
        while (fact := next_fact(fw, "system_operations", known)) is not None:
            known[fact] = full[fact]
        return list(known)[1:]

    assert set(after_manuals(FW)) == {"role", "operations_count"}  # level 1 alone
    assert len(after_manuals(V1)) > 2  # level by level, levels 3-5 are still open


# ------------------------------------------------------------------ statuses


def interview_result(specialty: str, level: int) -> Result:
    known = interview(FW, specialty, persona(specialty, level))
    return evaluate(FW, specialty, known, asked=list(known))


def test_file_facts_missing_are_unknown_and_interview_ones_not_asked() -> None:
    known = interview(FW, "system_operations", persona("system_operations", 3))
    from_file = evaluate(FW, "system_operations", known)
    from_interview = evaluate(FW, "system_operations", known, asked=list(known))
    assert Status.NOT_ASKED not in {m.status for m in from_file.missing}
    unasked = from_interview.missing_with(Status.NOT_ASKED)
    assert {m.rule for m in unasked} >= {"SLAの達成とユーザ満足度の目標達成に責任を持った"}
    assert all("未回答" not in m.answer for m in unasked)
    assert "responsibilities" in from_interview.not_asked_facts
    assert "responsibilities" not in from_interview.unknown_facts
    assert from_interview.level == from_file.level


def test_a_skipped_fact_stays_unknown() -> None:
    facts = persona("system_operations", 4)
    known = interview(FW, "system_operations", facts)
    known.pop("peak_staff")
    result = evaluate(FW, "system_operations", known, asked=[*known, "peak_staff"])
    scale = next(m for m in result.missing if m.dimension == "size")
    assert scale.status is Status.UNKNOWN
    assert "ピーク時の管理要員数: 未回答" in scale.answer


def test_missing_lists_unmet_then_unknown_then_not_asked() -> None:
    facts = persona("system_operations", 3) | {"member_achievement": False}
    known = {k: v for k, v in facts.items() if k not in ("contribution", "service_success")}
    result = evaluate(FW, "system_operations", known, asked=[*known, "contribution"])
    order = [m.status for m in result.missing]
    assert order == sorted(order, key=[Status.UNMET, Status.UNKNOWN, Status.NOT_ASKED].index)
    assert {Status.UNMET, Status.UNKNOWN, Status.NOT_ASKED} <= set(order)
    assert result.unmet_count == order.count(Status.UNMET)


def test_one_unmet_fact_blocking_two_dimensions_is_listed_once() -> None:
    result = evaluate(FW, "system_operations", persona("system_operations", 2))
    role = [m for m in result.missing if "role" in m.facts]
    assert len(role) == 1
    assert role[0].dimensions == ("responsibility", "complexity")
    assert role[0].names == ("責任性", "複雑性")
    assert result.unmet_count == len(result.missing_with(Status.UNMET))


@pytest.mark.parametrize("specialty", SPECIALTIES)
@pytest.mark.parametrize("level", range(6))
def test_interview_results_never_show_unasked_as_unanswered(specialty: str, level: int) -> None:
    result = interview_result(specialty, level)
    assert result.level == level
    assert not result.missing_with(Status.UNKNOWN)
    assert all("未回答" not in m.answer for m in result.missing)


# ------------------------------------------------------------------ reasons


@pytest.mark.parametrize("specialty", SPECIALTIES)
@pytest.mark.parametrize("level", range(6))
def test_every_dimension_of_the_level_and_the_next_says_why(specialty: str, level: int) -> None:
    result = evaluate(FW, specialty, persona(specialty, level))
    wanted = {lv for lv in (level, result.next_level) if lv is not None and lv >= 1}
    assert {r.level for r in result.reasons} == wanted
    for lv in wanted:
        reasons = result.reasons_for(lv)
        assert [r.name for r in reasons] == ["責任性", "複雑性", "サイズ", "タスク特性"]
        assert all(" → " in r.reason for r in reasons), "each reason quotes the answers"


def test_level_five_explains_its_four_dimensions() -> None:
    result = evaluate(FW, "customer_support", persona("customer_support", 5))
    assert result.next_level is None
    assert [r.status for r in result.reasons_for(5)] == [Status.MET] * 4


def test_an_upper_bound_only_size_says_it_has_no_minimum() -> None:
    result = evaluate(FW, "system_operations", persona("system_operations", 3))
    size4 = next(r for r in result.reasons_for(4) if r.dimension == "size")
    assert size4.status is Status.MET
    assert UPPER_BOUND_ONLY in size4.reason
    top = evaluate(FW, "system_operations", persona("system_operations", 4))
    size5 = next(r for r in top.reasons_for(5) if r.dimension == "size")
    assert UPPER_BOUND_ONLY not in size5.reason
    assert "ピーク時の管理要員数: 8人" in size5.reason


def test_below_level_one_reads_not_reached() -> None:
    result = evaluate(FW, "network_operations", persona("network_operations", 0))
    assert result.level == 0
    assert result.level_name == "レベル 1 に未到達"
    assert {r.level for r in result.reasons} == {1}
