"""What the result says about each criterion, written by hand from the data's labels: the
answer shown beside it, not-asked facts, one gap read by two dimensions, and what is listed
as missing when a lower level passed with a dimension short. Written against mutmut's
survivors in flows/inference.py (docs/testing.md)."""

from __future__ import annotations

from flows.inference import CriterionVerdict, Result, evaluate
from flows.personas import persona
from flows.rules import Status
from framework_data.loader import load_default

FW = load_default()
V1 = FW.model_copy(update={"settings": FW.settings.model_copy(update={"cumulative": False})})
THREE_OF_FOUR = FW.model_copy(
    update={"settings": FW.settings.model_copy(update={"min_dimensions_met": 3})}
)


def criterion(result: Result, level: int, dimension: str, crit: str) -> CriterionVerdict:
    verdict = result.level_verdict(level)
    assert verdict is not None
    dim = next(d for d in verdict.dimensions if d.id == dimension)
    return next(c for c in dim.criteria if c.id == crit)


def dimension_status(result: Result, level: int, dimension: str) -> Status:
    verdict = result.level_verdict(level)
    assert verdict is not None
    return next(d.status for d in verdict.dimensions if d.id == dimension)


def test_the_answer_uses_the_specialtys_own_option_labels() -> None:
    facts = persona("customer_support", 3) | {
        "complexity": frozenset({"network", "supported_system"})
    }
    result = evaluate(FW, "customer_support", facts)
    assert criterion(result, 3, "complexity", "several").answer == (
        "経験した複雑性: サポート対象システムの複雑性、ネットワーク要件の複雑性"
    )


def test_an_answer_of_two_facts_shows_both() -> None:
    result = evaluate(FW, "system_operations", persona("system_operations", 5))
    assert criterion(result, 5, "size", "scale").answer == (
        "ピーク時の管理要員数: 25人 / 年間契約金額: 200,000,000円"
    )


def test_facts_the_interview_left_out_are_not_asked_down_to_the_dimension() -> None:
    facts = {
        k: v
        for k, v in persona("system_operations", 5).items()
        if k not in {"peak_staff", "annual_contract_yen"}
    }
    result = evaluate(FW, "system_operations", facts, asked=tuple(facts))
    scale = criterion(result, 5, "size", "scale")
    assert scale.status is Status.NOT_ASKED
    assert scale.answer == "ピーク時の管理要員数: 未確認 / 年間契約金額: 未確認"
    assert criterion(result, 5, "size", "service_success").status is Status.MET
    assert dimension_status(result, 5, "size") is Status.NOT_ASKED
    assert (result.level, result.max_possible_level) == (4, 5)
    assert result.not_asked_facts == ("peak_staff", "annual_contract_yen")


def test_a_fact_asked_and_skipped_stays_unknown() -> None:
    facts = {
        k: v
        for k, v in persona("system_operations", 5).items()
        if k not in {"peak_staff", "annual_contract_yen"}
    }
    result = evaluate(FW, "system_operations", facts, asked=(*facts, "peak_staff"))
    scale = criterion(result, 5, "size", "scale")
    assert scale.status is Status.UNKNOWN
    assert scale.answer == "ピーク時の管理要員数: 未回答 / 年間契約金額: 未確認"
    assert dimension_status(result, 5, "size") is Status.UNKNOWN
    assert result.unknown_facts == ("peak_staff",)
    assert result.not_asked_facts == ("annual_contract_yen",)


def test_one_gap_read_by_two_dimensions_is_listed_once_with_both_rules() -> None:
    result = evaluate(
        FW, "system_operations", persona("system_operations", 3) | {"role": "operator"}
    )
    assert (result.level, result.next_level) == (2, 3)
    [gap] = result.missing
    assert (gap.level, gap.facts, gap.status) == (3, ("role",), Status.UNMET)
    assert gap.dimensions == ("responsibility", "complexity")
    assert gap.names == ("責任性", "複雑性")
    assert gap.rules == (
        "マニュアル・手順書とサービス計画に基づく実施責任を持った（役割がメンバー以上）",
        "メンバーとして遂行した（役割がメンバー以上）",
    )
    assert gap.rule_text == " / ".join(gap.rules)


def test_a_lower_level_passed_three_of_four_lists_nothing_of_its_own() -> None:
    # Pass rule 3 of 4: level 4 is passed without its size (no service success); what is
    # missing is level 5's, not level 4's short dimension.
    facts = persona("system_operations", 4) | {"service_success": False}
    result = evaluate(THREE_OF_FOUR, "system_operations", facts)
    assert (result.level, result.next_level) == (4, 5)
    assert dimension_status(result, 4, "size") is Status.UNMET
    assert {m.level for m in result.missing} == {5}
    assert {m.dimension for m in result.missing} == {"responsibility", "size", "task"}


def test_the_result_says_which_ladder_judged_it() -> None:
    facts = persona("network_operations", 2)
    assert evaluate(FW, "network_operations", facts).cumulative is True
    assert evaluate(V1, "network_operations", facts).cumulative is False


def test_a_level_outside_the_ladder_has_no_verdict() -> None:
    result = evaluate(FW, "customer_support", persona("customer_support", 1))
    assert result.level_verdict(0) is None
    assert result.level_verdict(6) is None
    assert result.level_verdict(1) is not None
