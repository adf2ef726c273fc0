"""Level inference: (framework, specialty, facts) → Result. Pure; no I/O."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from flows.facts import Facts, show_value
from flows.rules import RuleContext, Status, condition_facts
from framework_data.models import Framework


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class CriterionVerdict(_Model):
    id: str
    label: str
    status: Status
    facts: tuple[str, ...]
    answer: str


class DimensionVerdict(_Model):
    id: str
    name: str
    text: str
    status: Status
    criteria: tuple[CriterionVerdict, ...]


class LevelVerdict(_Model):
    level: int
    status: Status
    dimensions: tuple[DimensionVerdict, ...]


class MissingEvidence(_Model):
    """A criterion of the next level that is not (known to be) met."""

    level: int
    dimension: str
    dimension_name: str
    text: str
    rule: str
    answer: str
    status: Status


class Result(_Model):
    framework_id: str
    framework_version: str
    framework_source: str
    specialty: str
    specialty_name: str
    level: int
    max_possible_level: int
    next_level: int | None
    levels: tuple[LevelVerdict, ...]
    missing: tuple[MissingEvidence, ...]
    unknown_facts: tuple[str, ...]

    @property
    def decided(self) -> bool:
        """True when no unknown fact could change the level."""
        return self.level == self.max_possible_level

    def level_verdict(self, level: int) -> LevelVerdict | None:
        return next((lv for lv in self.levels if lv.level == level), None)


def _answer(framework: Framework, specialty: str, fact_ids: tuple[str, ...], facts: Facts) -> str:
    parts = []
    for fact_id in fact_ids:
        fact = framework.fact(fact_id)
        parts.append(f"{fact.label}: {show_value(fact, specialty, facts.get(fact_id))}")
    return " / ".join(parts)


def evaluate(framework: Framework, specialty: str, facts: Facts) -> Result:
    """Infer the level of one specialty from the facts known so far.

    The level is the highest one whose dimensions are known to be met; `max_possible_level`
    is the highest one the unknown facts could still reach. `missing` lists every criterion
    of the next level that is not met, with the person's answer (未回答 when unknown).
    """
    ctx = RuleContext(framework, specialty)
    verdicts: list[LevelVerdict] = []
    used_facts: list[str] = []
    for level, indicator in ctx.levels():
        dims = []
        for dim in indicator.dimensions:
            crits = []
            for crit in dim.criteria:
                fact_ids = tuple(dict.fromkeys(condition_facts(crit.when)))
                used_facts.extend(fact_ids)
                crits.append(
                    CriterionVerdict(
                        id=crit.id,
                        label=crit.label,
                        status=ctx.condition(crit.when, facts),
                        facts=fact_ids,
                        answer=_answer(framework, specialty, fact_ids, facts),
                    )
                )
            dims.append(
                DimensionVerdict(
                    id=dim.id,
                    name=dim.name,
                    text=dim.text,
                    status=ctx.dimension(dim, facts),
                    criteria=tuple(crits),
                )
            )
        verdicts.append(
            LevelVerdict(
                level=level, status=ctx.indicator(indicator, facts), dimensions=tuple(dims)
            )
        )
    low, high = ctx.level_range(facts)
    next_level = low + 1 if low < framework.max_level else None
    missing: list[MissingEvidence] = []
    for verdict in verdicts:
        if verdict.level != next_level:
            continue
        for dim_verdict in verdict.dimensions:
            if dim_verdict.status is Status.MET:
                continue
            missing.extend(
                MissingEvidence(
                    level=verdict.level,
                    dimension=dim_verdict.id,
                    dimension_name=dim_verdict.name,
                    text=dim_verdict.text,
                    rule=cv.label,
                    answer=cv.answer,
                    status=cv.status,
                )
                for cv in dim_verdict.criteria
                if cv.status is not Status.MET
            )
    unknown = tuple(f for f in dict.fromkeys(used_facts) if f not in facts)
    return Result(
        framework_id=framework.id,
        framework_version=framework.version,
        framework_source=f"{framework.source.title} ({framework.source.version})",
        specialty=specialty,
        specialty_name=framework.specialty(specialty).name,
        level=low,
        max_possible_level=high,
        next_level=next_level,
        levels=tuple(verdicts),
        missing=tuple(missing),
        unknown_facts=unknown,
    )
