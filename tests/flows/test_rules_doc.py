"""docs/rules.md: each reading of the seed held by a fact set that shows it; its quotes are seed text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.explain import UPPER_BOUND_ONLY, upper_bound_only
from flows.facts import FactValue
from flows.inference import Result, evaluate
from flows.personas import persona
from flows.rules import Status, condition_facts
from framework_data.loader import load_default
from framework_data.models import Dimension, KnowledgeNode

FW = load_default()
JC = FW.job_category
V1 = FW.model_copy(update={"settings": FW.settings.model_copy(update={"cumulative": False})})
DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
SIZE_FIGURES = {"peak_staff", "annual_contract_yen", "sites", "users_per_year"}


def dim_status(result: Result, level: int, dimension: str) -> Status:
    verdict = result.level_verdict(level)
    assert verdict is not None
    return next(d.status for d in verdict.dimensions if d.id == dimension)


def dimension(specialty: str, level: int, dim_id: str) -> Dimension:
    indicator = FW.indicator(specialty, level)
    assert indicator is not None
    return next(d for d in indicator.dimensions if d.id == dim_id)


def reads(dim: Dimension) -> set[str]:
    return {f for c in dim.criteria for f in condition_facts(c.when)}


# ------------------------------------------------------------------ the document itself


def _bare(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _nodes(nodes: tuple[KnowledgeNode, ...]) -> Iterator[str]:
    for node in nodes:
        yield node.text
        yield from _nodes(node.children)


def seed_texts() -> str:
    """Every verbatim text the data holds (tests/framework_data proves them the seed's)."""
    texts = [d.text for ind in JC.indicators for d in ind.dimensions]
    texts += [p.text for p in JC.proficiencies]
    texts += [t for k in JC.knowledge for t in _nodes(k.items)]
    return "\n".join(_bare(t) for t in texts)


def test_every_quote_is_seed_text_and_every_section_names_its_test() -> None:
    text = DOC.read_text(encoding="utf-8")
    corpus = seed_texts()
    quotes = [
        line[2:]
        for line in text.splitlines()
        if line.startswith("> ") and not line.startswith("> (")
    ]
    assert len(quotes) >= 14
    for quote in quotes:
        for piece in quote.split(" / "):
            assert _bare(piece) in corpus, f"docs/rules.md quotes text not in the seed: {piece}"
    sections = re.split(r"^## ", text, flags=re.MULTILINE)[1:]
    assert len(sections) == 7
    for section in sections:
        named = re.findall(r"^Test: `(test_\w+)`\.$", section, flags=re.MULTILINE)
        assert len(named) == 1, section.splitlines()[0]
        assert named[0] in globals(), f"docs/rules.md names a missing test {named[0]}"


# ------------------------------------------------------------------ 1. cumulative


def test_cumulative_rule() -> None:
    facts = persona("system_operations", 3) | {"operations_count": 1, "followed_manuals": False}
    ladder, alone = (
        evaluate(FW, "system_operations", facts),
        evaluate(V1, "system_operations", facts),
    )
    assert ladder.level == 0
    assert alone.level == 3  # level 3's own row is met
    assert [lv.status for lv in ladder.levels][:3] == [Status.UNMET, Status.UNMET, Status.MET]
    assert [(m.level, m.rule) for m in ladder.missing] == [
        (1, "運用マニュアル・手順書等と上位者のサービス計画に従って業務を実施した")
    ]
    fixed = evaluate(FW, "system_operations", facts | {"followed_manuals": True})
    assert (fixed.level, fixed.next_level) == (1, 2)


# ------------------------------------------------------------------ 2. 幾つか


@pytest.mark.parametrize(
    ("specialty", "level", "chosen", "status"),
    [
        ("network_operations", 4, {"application"}, Status.UNMET),  # a list of two: both
        ("network_operations", 4, {"application", "network"}, Status.MET),
        ("network_operations", 3, {"network"}, Status.UNMET),
        ("system_operations", 4, {"application"}, Status.UNMET),  # a list of three: two
        ("system_operations", 4, {"application", "operated_system"}, Status.MET),
        ("system_operations", 5, {"organization", "contract"}, Status.MET),  # five: two
        ("customer_support", 5, {"contract"}, Status.UNMET),
    ],
)
def test_several_is_min_two_of_n(
    specialty: str, level: int, chosen: set[str], status: Status
) -> None:
    facts = persona(specialty, 5) | {"complexity": frozenset(chosen)}
    assert dim_status(evaluate(FW, specialty, facts), level, "complexity") is status


# ------------------------------------------------------------------ 3. size bullets


@pytest.mark.parametrize(
    ("specialty", "figures"),
    [
        ("system_operations", {"peak_staff": 0, "annual_contract_yen": 100_000_000}),
        ("network_operations", {"peak_staff": 0, "annual_contract_yen": 0, "sites": 100}),
        ("customer_support", {"peak_staff": 0, "annual_contract_yen": 0, "users_per_year": 3000}),
    ],
)
def test_size_bullets_are_alternatives_and_upper_bounds_set_no_minimum(
    specialty: str, figures: dict[str, FactValue]
) -> None:
    # Level 5: one bullet (or one side of 「または」) is enough.
    assert dim_status(evaluate(FW, specialty, persona(specialty, 5) | figures), 5, "size") is (
        Status.MET
    )
    # Levels 3-4: no figure is read, and a larger operation still counts.
    big = persona(specialty, 4) | {"peak_staff": 500, "annual_contract_yen": 10**10}
    result = evaluate(FW, specialty, big)
    assert dim_status(result, 4, "size") is Status.MET
    size4 = next(r for r in result.reasons_for(4) if r.dimension == "size")
    assert UPPER_BOUND_ONLY in size4.reason
    for level in (3, 4):
        dim = dimension(specialty, level, "size")
        assert upper_bound_only(dim)
        assert not reads(dim) & SIZE_FIGURES
    top = dimension(specialty, 5, "size")
    assert not upper_bound_only(top)
    assert reads(top) & SIZE_FIGURES


# ------------------------------------------------------------------ 4. engagements


def test_levels_one_and_two_count_engagements() -> None:
    one = evaluate(FW, "customer_support", persona("customer_support", 2) | {"operations_count": 1})
    assert (one.level, one.next_level) == (1, 2)
    [gap] = one.missing
    assert gap.facts == ("operations_count",)
    assert gap.names == ("複雑性", "サイズ")
    assert gap.status is Status.UNMET
    two = evaluate(FW, "customer_support", persona("customer_support", 2) | {"operations_count": 2})
    assert two.level == 2
    none = evaluate(
        FW, "customer_support", persona("customer_support", 2) | {"operations_count": 0}
    )
    assert none.level == 0
    for level in (1, 2):
        for dim_id in ("complexity", "size"):
            assert reads(dimension("customer_support", level, dim_id)) == {"operations_count"}


# ------------------------------------------------------------------ 5. CS leadership


def test_spread_leadership_row_is_one_tree() -> None:
    def tree(specialty: str) -> list[tuple[str, list[str]]]:
        entry = next(
            k for k in JC.knowledge if k.skill == "leadership" and k.specialties == (specialty,)
        )
        assert entry.levels == (3, 4, 5)
        return [(n.text, [c.text for c in n.children]) for n in entry.items]

    cs = tree("customer_support")
    assert [top for top, _ in cs] == [
        "リーダーシップ (一般)",
        "リーダーシップ (技術チーム内)",
        "リーダーシップ (技術チーム以外)",
    ]
    assert cs[2][1][-1] == "協業"
    so = tree("system_operations")
    assert so[2][1][-1] == "協業"  # where the one-cell tables have it
    assert [len(children) for _, children in cs] == [len(children) for _, children in so]


# ------------------------------------------------------------------ 6. complexity wording


@pytest.mark.parametrize("specialty", [s.id for s in JC.specialties])
def test_one_complexity_answer_serves_levels_three_to_five(specialty: str) -> None:
    l3, l4 = dimension(specialty, 3, "complexity"), dimension(specialty, 4, "complexity")
    assert l3.items != l4.items  # the seed words them differently …
    assert reads(l3) == {"role", "complexity"}  # … the interview asks one fact (and the role)
    assert reads(l4) == reads(dimension(specialty, 5, "complexity")) == {"complexity"}
    result = evaluate(FW, specialty, persona(specialty, 5))
    for level in (3, 4, 5):
        assert dim_status(result, level, "complexity") is Status.MET
    operator = persona(specialty, 5) | {"role": "operator"}
    assert dim_status(evaluate(FW, specialty, operator), 3, "complexity") is Status.UNMET


# ------------------------------------------------------------------ 7. guidance


def test_guidance_is_the_setting_not_a_condition() -> None:
    for level in (1, 2, 3, 4):
        assert (
            "同一職種の上位レベルの指導の下"
            in dimension("system_operations", level, "complexity").lead
        )
    assert "指導の下" not in dimension("system_operations", 5, "complexity").lead
    # No fact asks about guidance: a 責任者 who guides others meets levels 1-4 and reaches 5.
    asked_about = {f.id for f in FW.facts}
    assert not any("guid" in f for f in asked_about)
    head = evaluate(FW, "system_operations", persona("system_operations", 5))
    assert head.level == 5
    assert all(lv.status is Status.MET for lv in head.levels)
