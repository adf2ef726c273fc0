"""The development plan (flows.plan): seed texts of the next level, chosen by the unmet
dimensions, with evidence guidance for every criterion not met."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from flows.facts import FactValue
from flows.inference import CriterionVerdict, Result, evaluate
from flows.personas import persona
from flows.plan import Plan, checklist, development_plan, plan_json
from flows.rules import Status
from framework_data.loader import FrameworkFileError, load_default, parse_framework
from framework_data.seed import strip_tags
from tests.framework_data.test_fidelity import seed_path

FW = load_default()
JC = FW.job_category
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
DATA = Path(__file__).resolve().parents[2] / "framework_data" / "data" / "operations.yaml"
SPECIALTIES = [s.id for s in JC.specialties]
PERSONAS = [(sp, level) for sp in SPECIALTIES for level in range(6)]
runner = CliRunner()


@pytest.fixture(scope="module")
def seed() -> str:
    """The seed as framework_data reads it: tags stripped, every run of whitespace one space."""
    path = seed_path()
    if not path.is_file():
        if os.environ.get("ITSS_SEED_OPTIONAL") == "1":
            pytest.skip(f"ITSS seed not found at {path} (ITSS_SEED_OPTIONAL=1)")
        pytest.fail(f"ITSS seed not found at {path}; set ITSS_SEED (or ITSS_SEED_OPTIONAL=1)")
    return strip_tags(path.read_text(encoding="utf-8"))


def plan_of(specialty: str, level: int) -> tuple[Result, Plan]:
    result = evaluate(FW, specialty, persona(specialty, level))
    return result, development_plan(FW, result)


def own_skill(specialty: str) -> str:
    [own] = [s.id for s in JC.skills if s.specialties == (specialty,)]
    return own


def expected_skills(specialty: str, level: int, unmet: set[str]) -> list[str]:
    """Own item, then the common items the unmet dimensions name, where a 熟達度 exists."""
    named = {s for d in JC.dimensions if d.id in unmet for s in d.skills}
    wanted = [own_skill(specialty)] + [
        s.id for s in JC.skills if s.specialties is None and s.id in named
    ]
    have = {p.skill for p in JC.proficiencies if p.level == level and specialty in p.specialties}
    return [s for s in wanted if s in have]


# --------------------------------------------------------------------------- evaluate --json


def test_so_level3_json_has_a_plan_of_verbatim_seed_texts(seed: str) -> None:
    out = runner.invoke(app, ["evaluate", str(EXAMPLES / "so-level3.yaml"), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert {"specialty", "level", "next_level", "missing", "dimensions"} <= data.keys()
    assert data["plan_level"] == 4
    assert data["plan_sustain"] is False
    plan = data["plan"]
    assert plan[0]["skill"] == "system_operations_service"
    for item in plan:
        assert {"skill", "level", "text", "knowledge"} <= item.keys()
        assert item["level"] == 4
        assert item["text"] in seed, item["skill"]
        assert item["knowledge"], item["skill"]
        for entry in item["knowledge"]:
            assert f"- {entry['text']}" in seed
            for sub in entry["items"]:
                assert f"・{sub}" in seed
    # one evidence entry per criterion of レベル 4 that is not met, and only those
    verdict = next(lv for lv in evaluate_file("so-level3.yaml").levels if lv.level == 4)
    not_met = [
        (d.id, c.id)
        for d in verdict.dimensions
        if d.status is not Status.MET
        for c in d.criteria
        if c.status is not Status.MET
    ]
    assert [(e["dimension"], e["criterion"]) for e in data["plan_evidence"]] == not_met
    assert any("SLA" in e["evidence"] for e in data["plan_evidence"])
    assert any("課長" in e["evidence"] for e in data["plan_evidence"])


def evaluate_file(name: str) -> Result:
    import yaml

    from flows.facts import coerce_facts

    doc = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
    return evaluate(FW, doc["specialty"], coerce_facts(FW, doc["specialty"], doc["facts"]))


def test_the_text_output_shows_the_plan() -> None:
    out = runner.invoke(
        app, ["evaluate", str(EXAMPLES / "so-level3.yaml")], env={"COLUMNS": "2000"}
    )
    assert out.exit_code == 0, out.output
    plan = development_plan(FW, evaluate_file("so-level3.yaml"))
    lines = [line.rstrip() for line in out.stdout.splitlines()]
    assert "レベル 4 に向けた育成計画" in out.stdout
    for item in plan.items:
        assert f"  {item.text}" in lines
        for text, sub in checklist(item.knowledge):
            assert f"    ☐ {text}" in lines
            for child in sub:
                assert f"        ☐ {child}" in lines
    for e in plan.evidence:
        assert f"      → {e.evidence}" in lines


def test_level5_plan_lists_the_level5_proficiencies_to_sustain(seed: str) -> None:
    out = runner.invoke(app, ["evaluate", str(EXAMPLES / "cs-level5.yaml"), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["level"] == 5
    assert data["next_level"] is None
    assert data["plan_sustain"] is True
    assert data["plan_level"] == 5
    assert "最高レベル" in data["plan_summary"]
    assert data["plan_evidence"] == []
    expected = [
        p.text
        for skill in ["helpdesk", *(s.id for s in JC.skills if s.specialties is None)]
        for p in JC.proficiencies
        if p.skill == skill and p.level == 5 and "customer_support" in p.specialties
    ]
    assert len(expected) == 9
    assert [item["text"] for item in data["plan"]] == expected
    assert all(item["text"] in seed for item in data["plan"])


# --------------------------------------------------------------------------- every persona


@pytest.mark.parametrize(("specialty", "level"), PERSONAS, ids=str)
def test_plan_of_every_persona(specialty: str, level: int) -> None:
    result, plan = plan_of(specialty, level)
    target = result.next_level or FW.max_level
    assert plan.level == target
    assert plan.sustain is (result.next_level is None)
    if plan.sustain:
        unmet: set[str] = set()
        skills = [own_skill(specialty)] + [s.id for s in JC.skills if s.specialties is None]
        assert not plan.evidence
    else:
        verdict = result.level_verdict(target)
        assert verdict is not None
        unmet = {d.id for d in verdict.dimensions if d.status is not Status.MET}
        assert unmet
        assert set(plan.dimensions) == unmet
        skills = expected_skills(specialty, target, unmet)
        indicator = FW.indicator(specialty, target)
        assert indicator is not None
        wanted = [
            (dim.id, crit.id, crit.evidence)
            for dim, dv in zip(indicator.dimensions, verdict.dimensions, strict=True)
            if dv.status is not Status.MET
            for crit, cv in zip(dim.criteria, dv.criteria, strict=True)
            if cv.status is not Status.MET
        ]
        assert [(e.dimension, e.criterion, e.evidence) for e in plan.evidence] == wanted
    assert [i.skill for i in plan.items] == skills
    for item in plan.items:
        [text] = [
            p.text
            for p in JC.proficiencies
            if p.skill == item.skill and p.level == target and specialty in p.specialties
        ]
        assert item.text == text
        assert item.knowledge, item.skill
        assert set(item.dimensions) <= unmet


def test_below_level1_gets_the_common_level1_proficiencies() -> None:
    result, plan = plan_of("network_operations", 0)
    assert result.level == 0
    assert plan.level == 1
    assert "network_operations_service" not in [i.skill for i in plan.items]  # no レベル1 熟達度
    assert [i.skill for i in plan.items] == [s.id for s in JC.skills if s.specialties is None]
    leadership = next(i for i in plan.items if i.skill == "leadership")
    [common] = [k for k in JC.knowledge if k.skill == "leadership" and k.levels == (1, 2)]
    assert leadership.knowledge == common.items


def test_one_unmet_dimension_narrows_the_plan() -> None:
    """A レベル4 leader who meets レベル5 except its size: only サイズ's skill items, and the
    staff and contract figures to gather."""
    facts: dict[str, FactValue] = dict(persona("system_operations", 5))
    facts |= {"peak_staff": 8, "annual_contract_yen": 50_000_000}
    result = evaluate(FW, "system_operations", facts)
    assert (result.level, result.next_level) == (4, 5)
    plan = development_plan(FW, result)
    assert plan.dimensions == ("size",)
    size = next(d for d in JC.dimensions if d.id == "size")
    common = [s.id for s in JC.skills if s.specialties is None and s.id in size.skills]
    assert [i.skill for i in plan.items] == ["system_operations_service", *common]
    assert [e.criterion for e in plan.evidence] == ["scale"]
    assert "要員" in plan.evidence[0].evidence
    assert "契約金額" in plan.evidence[0].evidence


def test_a_result_stored_under_another_framework_still_plans() -> None:
    result, _ = plan_of("customer_support", 3)
    level4 = result.level_verdict(4)
    assert level4 is not None
    gone = CriterionVerdict(id="gone", label="x", status=Status.UNMET, facts=(), answer="")
    dims = [d.model_copy(update={"criteria": (*d.criteria, gone)}) for d in level4.dimensions] + [
        level4.dimensions[0].model_copy(update={"id": "retired"})
    ]
    changed = level4.model_copy(update={"dimensions": tuple(dims)})
    levels = tuple(changed if lv.level == 4 else lv for lv in result.levels)
    plan = development_plan(FW, result.model_copy(update={"levels": levels}))
    assert plan.level == 4
    assert "gone" not in [e.criterion for e in plan.evidence]
    assert plan.items[0].skill == "helpdesk"


def test_plan_json_shape() -> None:
    _, plan = plan_of("system_operations", 2)
    data = plan_json(plan)
    assert set(data) == {"plan", "plan_level", "plan_sustain", "plan_summary", "plan_evidence"}
    assert data["plan_level"] == 3
    for item in data["plan"]:
        assert {"skill", "level", "text", "knowledge"} <= item.keys()
        assert all(set(k) == {"text", "items"} for k in item["knowledge"])
    assert {"level", "dimension", "criterion", "rule", "evidence", "status"} == set(
        data["plan_evidence"][0]
    )


# --------------------------------------------------------------------------- the data


def test_every_criterion_has_evidence_guidance() -> None:
    for ind in JC.indicators:
        for dim in ind.dimensions:
            for crit in dim.criteria:
                assert crit.evidence.strip(), f"{ind.id}.{dim.id}.{crit.id} has no evidence"
                assert crit.evidence != crit.label


def test_every_common_skill_serves_some_dimension() -> None:
    named = {s for d in JC.dimensions for s in d.skills}
    common = {s.id for s in JC.skills if s.specialties is None}
    assert named == common


def test_an_unknown_skill_in_a_dimension_is_reported() -> None:
    text = DATA.read_text(encoding="utf-8")
    bad = text.replace("skills: [service_support,", "skills: [backups,", 1)
    assert bad != text
    with pytest.raises(FrameworkFileError) as caught:
        parse_framework(bad)
    assert "job_category.dimensions[1].skills: unknown skill 'backups'" in caught.value.problems
