"""The development plan of a result: what to learn and what to show for the next level. Pure.

For the next level it lists the specialty's スキル熟達度 of that level for the skill items that
matter to the dimensions not yet met (the specialty's own item always, the common items that
`DimensionDef.skills` names for each unmet dimension), each with its 知識項目 as a study
checklist, and the evidence to gather for each criterion not met (`Criterion.evidence`). At the
top level there is no next level: the plan lists that level's スキル熟達度 to sustain.
Every text is the framework's verbatim seed text; see docs/plan.md.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from flows.i18n import t
from flows.inference import Result
from flows.rules import Status
from framework_data.models import Framework, KnowledgeNode, SkillItem


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class PlanItem(_Model):
    """One スキル熟達度 of the plan's level, with its 知識項目."""

    skill: str
    skill_name: str
    level: int
    text: str
    knowledge: tuple[KnowledgeNode, ...]
    dimensions: tuple[str, ...]  # the unmet dimensions it serves; () when sustaining


class EvidenceItem(_Model):
    """What to gather for one criterion that is not (known to be) met."""

    level: int
    dimension: str
    dimension_name: str
    criterion: str
    rule: str
    evidence: str
    status: str


class Plan(_Model):
    specialty: str
    level: int  # the level whose スキル熟達度 are listed
    sustain: bool  # True: the top level is reached, nothing is unmet
    dimensions: tuple[str, ...]  # the unmet dimensions of `level` (ids)
    dimension_names: tuple[str, ...]
    items: tuple[PlanItem, ...]
    evidence: tuple[EvidenceItem, ...]

    @property
    def summary(self) -> str:
        """One sentence saying what the plan is, in every surface's words."""
        if self.sustain:
            return t("plan.summary_sustain", level=self.level)
        unmet = t("result.name_separator").join(self.dimension_names) or t("plan.none")
        return t("plan.summary", level=self.level, unmet=unmet)


def _proficiency(framework: Framework, skill: str, specialty: str, level: int) -> str | None:
    for p in framework.job_category.proficiencies:
        if p.skill == skill and p.level == level and specialty in p.specialties:
            return p.text
    return None


def _knowledge(
    framework: Framework, skill: str, specialty: str, level: int
) -> tuple[KnowledgeNode, ...]:
    for k in framework.job_category.knowledge:
        if k.skill == skill and specialty in k.specialties and (not k.levels or level in k.levels):
            return k.items
    return ()


def _skills_for(
    framework: Framework, specialty: str, unmet: tuple[str, ...] | None
) -> list[tuple[SkillItem, tuple[str, ...]]]:
    """(skill item, the unmet dimensions it serves): the specialty's own item first, then the
    common items in the framework's order. `unmet` None: every item (sustaining)."""
    jc = framework.job_category
    wanted = {d.id: d.skills for d in jc.dimensions}
    own = [s for s in jc.skills if s.specialties is not None and specialty in s.specialties]
    common = [s for s in jc.skills if s.specialties is None]
    out: list[tuple[SkillItem, tuple[str, ...]]] = []
    for skill in own:
        out.append((skill, () if unmet is None else unmet))
    for skill in common:
        if unmet is None:
            out.append((skill, ()))
            continue
        serves = tuple(d for d in unmet if skill.id in wanted.get(d, ()))
        if serves:
            out.append((skill, serves))
    return out


def _evidence(framework: Framework, result: Result, level: int) -> list[EvidenceItem]:
    verdict = result.level_verdict(level)
    indicator = framework.indicator(result.specialty, level)
    if verdict is None or indicator is None:
        return []
    out: list[EvidenceItem] = []
    for dim_verdict in verdict.dimensions:
        if dim_verdict.status is Status.MET:
            continue
        dim = next((d for d in indicator.dimensions if d.id == dim_verdict.id), None)
        if dim is None:  # a result stored under a framework that had another dimension
            continue
        criteria = {c.id: c for c in dim.criteria}
        for cv in dim_verdict.criteria:
            crit = criteria.get(cv.id)
            if cv.status is Status.MET or crit is None or not crit.evidence:
                continue
            out.append(
                EvidenceItem(
                    level=level,
                    dimension=dim.id,
                    dimension_name=dim.name,
                    criterion=crit.id,
                    rule=crit.label,
                    evidence=crit.evidence,
                    status=str(cv.status),
                )
            )
    return out


def development_plan(framework: Framework, result: Result) -> Plan:
    """The plan for `result`: for its next level, or the top level's to sustain.

    Reads only `result.specialty`, `result.next_level` and the next level's dimension and
    criterion verdicts (a dimension or criterion whose status is not MET is unmet), so it keeps
    working when inference adds statuses or explanations.
    """
    specialty = result.specialty
    if result.next_level is None:
        level, unmet_ids, sustain = framework.max_level, None, True
    else:
        level, sustain = result.next_level, False
        verdict = result.level_verdict(level)
        dims = verdict.dimensions if verdict is not None else ()
        unmet_ids = tuple(d.id for d in dims if d.status is not Status.MET)
    items = []
    for skill, serves in _skills_for(framework, specialty, unmet_ids):
        text = _proficiency(framework, skill.id, specialty, level)
        if text is None:  # e.g. the specialty's own item has no レベル 1–2 熟達度
            continue
        items.append(
            PlanItem(
                skill=skill.id,
                skill_name=skill.name,
                level=level,
                text=text,
                knowledge=_knowledge(framework, skill.id, specialty, level),
                dimensions=serves,
            )
        )
    names = {d.id: d.name for d in framework.job_category.dimensions}
    return Plan(
        specialty=specialty,
        level=level,
        sustain=sustain,
        dimensions=unmet_ids or (),
        dimension_names=tuple(names.get(d, d) for d in unmet_ids or ()),
        items=tuple(items),
        evidence=tuple(() if sustain else _evidence(framework, result, level)),
    )


def plan_json(plan: Plan) -> dict[str, Any]:
    """The plan as the top-level keys `evaluate --json` adds to a result."""
    return {
        "plan": [
            {
                "skill": item.skill,
                "skill_name": item.skill_name,
                "level": item.level,
                "text": item.text,
                "knowledge": [
                    {"text": text, "items": list(sub)} for text, sub in checklist(item.knowledge)
                ],
                "dimensions": list(item.dimensions),
            }
            for item in plan.items
        ],
        "plan_level": plan.level,
        "plan_sustain": plan.sustain,
        "plan_summary": plan.summary,
        "plan_evidence": [
            {
                "level": e.level,
                "dimension": e.dimension,
                "criterion": e.criterion,
                "rule": e.rule,
                "evidence": e.evidence,
                "status": e.status,
            }
            for e in plan.evidence
        ],
    }


def _descendants(node: KnowledgeNode) -> list[str]:
    return [t for c in node.children for t in (c.text, *_descendants(c))]


def checklist(nodes: tuple[KnowledgeNode, ...]) -> list[tuple[str, tuple[str, ...]]]:
    """知識項目 as (item, its sub-items) pairs, the shape every surface renders."""
    return [(n.text, tuple(_descendants(n))) for n in nodes]
