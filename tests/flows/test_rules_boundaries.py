"""The pass rule at its edges, with every expected verdict written by hand from the seed and
docs/rules.md (issue 14): a person one dimension short of a level is not at that level, each
figure of a size bullet at the threshold and one below, and the three-valued tables of the
rules. Written against the deliberate 3-of-4 pass rule and mutmut's survivors in
flows/rules.py (docs/testing.md)."""

from __future__ import annotations

import pytest

from flows.facts import FactValue
from flows.inference import Result, evaluate
from flows.personas import persona
from flows.rules import RuleContext, Status, all_of, any_of, at_least_n, level_range
from framework_data.loader import load_default
from framework_data.models import AllOf, AnyOf, AtLeast, IsTrue

FW = load_default()
MET, UNMET, UNKNOWN = Status.MET, Status.UNMET, Status.UNKNOWN
DIMS = ("responsibility", "complexity", "size", "task")


def verdicts(result: Result, level: int) -> dict[str, Status]:
    verdict = result.level_verdict(level)
    assert verdict is not None
    return {d.id: d.status for d in verdict.dimensions}


def all_met_but(*broken: str) -> dict[str, Status]:
    return {d: UNMET if d in broken else MET for d in DIMS}


# A person at `level` (the persona) with one answer changed, and the dimensions of that level
# the change breaks, read from the seed's rows (docs/rules.md): one dimension short is one short.
SHORT_OF_A_LEVEL = [
    ("system_operations", 1, {"followed_manuals": False}, ("task",)),
    ("network_operations", 2, {"operations_count": 1}, ("complexity", "size")),
    ("customer_support", 2, {"operations_count": 1}, ("complexity", "size")),
    ("system_operations", 3, {"satisfaction_rank": "none"}, ("task",)),
    ("network_operations", 3, {"mastery": False}, ("task",)),
    ("system_operations", 3, {"complexity": frozenset({"ops_requirements"})}, ("complexity",)),
    ("network_operations", 3, {"complexity": frozenset({"network"})}, ("complexity",)),
    ("customer_support", 3, {"service_success": False}, ("size",)),
    ("customer_support", 3, {"role": "operator"}, ("responsibility", "complexity")),
    ("system_operations", 4, {"responsibilities": frozenset({"sla"})}, ("responsibility",)),
    ("network_operations", 4, {"role": "member"}, ("responsibility",)),
    ("system_operations", 4, {"service_success": False}, ("size",)),
    ("network_operations", 4, {"service_success": False}, ("size",)),
    ("customer_support", 4, {"contribution": "none"}, ("task",)),
    ("system_operations", 4, {"member_achievement": False}, ("task",)),
    ("network_operations", 4, {"satisfaction_rank": "user"}, ("task",)),
    ("system_operations", 5, {"role": "leader"}, ("responsibility",)),
    (
        "customer_support",
        5,
        {"responsibilities": frozenset({"sla", "satisfaction"})},
        ("responsibility",),
    ),
    ("system_operations", 5, {"peak_staff": 9, "annual_contract_yen": 99_999_999}, ("size",)),
    ("network_operations", 5, {"peak_staff": 9, "annual_contract_yen": 0, "sites": 99}, ("size",)),
    ("customer_support", 5, {"contribution": "some"}, ("task",)),
    ("network_operations", 5, {"satisfaction_rank": "section_head"}, ("task",)),
]


@pytest.mark.parametrize(("specialty", "level", "change", "broken"), SHORT_OF_A_LEVEL)
def test_one_dimension_short_is_the_level_below(
    specialty: str, level: int, change: dict[str, FactValue], broken: tuple[str, ...]
) -> None:
    result = evaluate(FW, specialty, persona(specialty, level) | change)
    assert (result.level, result.next_level, result.max_possible_level) == (
        level - 1,
        level,
        level - 1,
    )
    assert verdicts(result, level) == all_met_but(*broken)
    assert result.level_verdict(level).status is UNMET  # type: ignore[union-attr]
    assert {m.dimension for m in result.missing} <= set(broken)
    assert all(m.level == level and m.status is UNMET for m in result.missing)


def test_every_dimension_met_is_the_level() -> None:
    for specialty in ("system_operations", "network_operations", "customer_support"):
        for level in range(1, 6):
            result = evaluate(FW, specialty, persona(specialty, level))
            assert result.level == level
            assert verdicts(result, level) == all_met_but()


# Size at level 5 (docs/rules.md §3): each figure at its threshold is enough alone, one below
# is not; the seed's 「10 人以上」, 「1 億円以上」, 「100 拠点以上」, 「20 人」, 「1 億 5 千万円」, 「3000 人」.
_NOT_BIG = {"peak_staff": 0, "annual_contract_yen": 0, "sites": 0, "users_per_year": 0}
SIZE_THRESHOLDS = [
    ("system_operations", "peak_staff", 10),
    ("system_operations", "annual_contract_yen", 100_000_000),
    ("network_operations", "peak_staff", 10),
    ("network_operations", "annual_contract_yen", 100_000_000),
    ("network_operations", "sites", 100),
    ("customer_support", "peak_staff", 20),
    ("customer_support", "annual_contract_yen", 150_000_000),
    ("customer_support", "users_per_year", 3000),
]


@pytest.mark.parametrize(("specialty", "figure", "threshold"), SIZE_THRESHOLDS)
def test_a_size_figure_counts_from_its_threshold(
    specialty: str, figure: str, threshold: int
) -> None:
    base = persona(specialty, 5) | _NOT_BIG
    at = evaluate(FW, specialty, base | {figure: threshold})
    below = evaluate(FW, specialty, base | {figure: threshold - 1})
    assert (at.level, verdicts(at, 5)["size"]) == (5, MET)
    assert (below.level, verdicts(below, 5)["size"]) == (4, UNMET)


def test_an_unknown_figure_leaves_size_open_until_another_decides() -> None:
    facts = {k: v for k, v in persona("system_operations", 5).items() if k != "peak_staff"}
    small = evaluate(FW, "system_operations", facts | {"annual_contract_yen": 5_000_000})
    assert verdicts(small, 5)["size"] is UNKNOWN
    assert (small.level, small.max_possible_level) == (4, 5)
    assert small.unknown_facts == ("peak_staff",)
    big = evaluate(FW, "system_operations", facts | {"annual_contract_yen": 100_000_000})
    assert (big.level, verdicts(big, 5)["size"]) == (5, MET)


@pytest.mark.parametrize(
    ("role", "level"),
    [("operator", 2), ("member", 3), ("leader", 4), ("head", 5)],
)
def test_the_role_reaches_exactly_its_rung(role: str, level: int) -> None:
    # Everything else of level 5 is there: the role alone (an ordinal, at least / equals)
    # decides how high the ladder goes.
    result = evaluate(FW, "system_operations", persona("system_operations", 5) | {"role": role})
    assert result.level == level


def test_a_pass_rule_setting_of_three_dimensions_is_honoured() -> None:
    three = FW.model_copy(
        update={"settings": FW.settings.model_copy(update={"min_dimensions_met": 3})}
    )
    facts = persona("system_operations", 5) | {"role": "leader"}
    assert evaluate(three, "system_operations", facts).level == 5
    assert evaluate(FW, "system_operations", facts).level == 4


# ------------------------------------------------------------------ Kleene's tables


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([MET, MET], MET),
        ([MET, UNKNOWN], UNKNOWN),
        ([UNKNOWN, UNMET], UNMET),
        ([MET, UNMET], UNMET),
        ([UNKNOWN, UNKNOWN], UNKNOWN),
        ([], MET),
    ],
)
def test_all_of(statuses: list[Status], expected: Status) -> None:
    assert all_of(statuses) is expected


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([UNMET, UNMET], UNMET),
        ([UNMET, UNKNOWN], UNKNOWN),
        ([UNKNOWN, MET], MET),
        ([MET, UNMET], MET),
        ([UNKNOWN, UNKNOWN], UNKNOWN),
        ([], UNMET),
    ],
)
def test_any_of(statuses: list[Status], expected: Status) -> None:
    assert any_of(statuses) is expected


@pytest.mark.parametrize(
    ("statuses", "needed", "expected"),
    [
        ([MET, MET, UNMET, UNMET], 2, MET),
        ([MET, UNMET, UNMET, UNMET], 2, UNMET),
        ([MET, UNKNOWN, UNMET, UNMET], 2, UNKNOWN),
        ([MET, MET, MET, UNMET], 4, UNMET),
        ([MET, MET, MET, UNKNOWN], 4, UNKNOWN),
        ([MET, MET, MET, MET], 4, MET),
        ([UNKNOWN, UNKNOWN], 3, UNMET),
    ],
)
def test_at_least_n(statuses: list[Status], needed: int, expected: Status) -> None:
    assert at_least_n(statuses, needed) is expected


@pytest.mark.parametrize(
    ("statuses", "cumulative", "expected"),
    [
        ([MET, MET, UNMET, MET, UNMET], True, (2, 2)),
        ([MET, MET, UNMET, MET, UNMET], False, (4, 4)),
        ([MET, UNKNOWN, MET, UNMET, UNMET], True, (1, 3)),
        ([MET, UNKNOWN, MET, UNMET, UNMET], False, (3, 3)),
        ([UNKNOWN, MET, UNKNOWN, UNMET, UNKNOWN], True, (0, 3)),
        ([UNKNOWN, MET, UNKNOWN, UNMET, UNKNOWN], False, (2, 5)),
        ([UNMET, MET, MET, MET, MET], True, (0, 0)),
        ([MET, MET, MET, MET, MET], True, (5, 5)),
        ([UNMET] * 5, False, (0, 0)),
    ],
)
def test_level_range(statuses: list[Status], cumulative: bool, expected: tuple[int, int]) -> None:
    levelled = list(enumerate(statuses, start=1))
    assert level_range(levelled, cumulative=cumulative) == expected


# ------------------------------------------------------------------ conditions the data may use

# `all` is part of the rule language (framework_data.models.AllOf) though today's data uses
# only `any`: a criterion that needs both a size and a success.
BIG_AND_SUCCESSFUL = AllOf(
    op="all",
    of=(
        AtLeast(op="at_least", fact="peak_staff", value=10),
        IsTrue(op="is_true", fact="service_success"),
    ),
)


@pytest.mark.parametrize(
    ("facts", "both", "either"),
    [
        ({"peak_staff": 10, "service_success": True}, MET, MET),
        ({"peak_staff": 9, "service_success": True}, UNMET, MET),
        ({"peak_staff": 10, "service_success": False}, UNMET, MET),
        ({"peak_staff": 10}, UNKNOWN, MET),
        ({"service_success": False}, UNMET, UNKNOWN),
        ({}, UNKNOWN, UNKNOWN),
    ],
)
def test_all_and_any_of_parts(facts: dict[str, FactValue], both: Status, either: Status) -> None:
    ctx = RuleContext(FW, "system_operations")
    assert ctx.condition(BIG_AND_SUCCESSFUL, facts) is both
    assert ctx.condition(AnyOf(op="any", of=BIG_AND_SUCCESSFUL.of), facts) is either


def test_an_ordinal_ranks_by_its_specialtys_own_options() -> None:
    # A framework whose カスタマサポート lists the roles the other way round: `at_least` must
    # read that specialty's order, not the general one.
    facts = tuple(
        f.model_copy(update={"options_by_specialty": {"customer_support": f.options[::-1]}})
        if f.id == "role"
        else f
        for f in FW.facts
    )
    reversed_cs = FW.model_copy(update={"facts": facts})
    at_least_leader = AtLeast(op="at_least", fact="role", value="leader")
    member = {"role": "member"}
    assert RuleContext(reversed_cs, "customer_support").condition(at_least_leader, member) is MET
    assert RuleContext(reversed_cs, "system_operations").condition(at_least_leader, member) is UNMET
