"""Level inference: (framework, specialty, facts) → Result. Pure; no I/O."""

from __future__ import annotations

from collections.abc import Collection

from pydantic import BaseModel, ConfigDict

from flows.explain import level_name, reason
from flows.facts import Facts, show_value
from flows.i18n import t
from flows.rules import RuleContext, Status, condition_facts
from framework_data.models import Dimension, Framework

MISSING_ORDER = (Status.UNMET, Status.UNKNOWN, Status.NOT_ASKED)


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
    """A criterion standing between the person and the next level, not (known to be) met.

    One entry per fact set and status: a criterion read by two dimensions of a level (the
    role at level 3, the count of engagements at level 2) is listed once naming both
    (`dimensions`, `dimension_names`, `rules`); `dimension`, `dimension_name`, `text` and
    `rule` are the first of them. `level` is the level the criterion belongs to."""

    level: int
    dimension: str
    dimension_name: str
    text: str
    rule: str
    answer: str
    status: Status
    dimensions: tuple[str, ...] = ()
    dimension_names: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The dimensions it blocks (a record stored before merging names one)."""
        return self.dimension_names or (self.dimension_name,)

    @property
    def rule_text(self) -> str:
        return " / ".join(self.rules) if self.rules else self.rule


class DimensionReason(_Model):
    """Why one dimension of the achieved or the next level stands where it does (one line)."""

    level: int
    dimension: str
    name: str
    status: Status
    reason: str


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
    not_asked_facts: tuple[str, ...] = ()
    reasons: tuple[DimensionReason, ...] = ()
    cumulative: bool = False  # records stored before the setting were judged level by level

    @property
    def decided(self) -> bool:
        """True when no unknown fact could change the level."""
        return self.level == self.max_possible_level

    @property
    def level_name(self) -> str:
        """「レベル 3」, or 「レベル 1 に未到達」 for level 0."""
        return level_name(self.level)

    @property
    def unmet_count(self) -> int:
        """What a summary counts as missing: criteria known unmet (not unknown, not unasked)."""
        return sum(1 for m in self.missing if m.status is Status.UNMET)

    def missing_with(self, *statuses: Status) -> tuple[MissingEvidence, ...]:
        return tuple(m for m in self.missing if m.status in statuses)

    def level_verdict(self, level: int) -> LevelVerdict | None:
        return next((lv for lv in self.levels if lv.level == level), None)

    def reasons_for(self, level: int) -> tuple[DimensionReason, ...]:
        return tuple(r for r in self.reasons if r.level == level)


def _answer(
    framework: Framework,
    specialty: str,
    fact_ids: tuple[str, ...],
    facts: Facts,
    asked: Collection[str] | None,
) -> str:
    parts = []
    for fact_id in fact_ids:
        fact = framework.fact(fact_id)
        value = facts.get(fact_id)
        if value is None and asked is not None and fact_id not in asked:
            shown = t("explain.not_asked_answer")
        else:
            shown = show_value(fact, specialty, value)
        parts.append(f"{fact.label}: {shown}")
    return " / ".join(parts)


def _asked_status(
    status: Status, fact_ids: tuple[str, ...], facts: Facts, asked: Collection[str] | None
) -> Status:
    """An unknown whose missing facts the interview never asked is NOT_ASKED."""
    if status is not Status.UNKNOWN or asked is None:
        return status
    missing = [f for f in fact_ids if f not in facts]
    return Status.NOT_ASKED if missing and all(f not in asked for f in missing) else status


def _dimension_status(status: Status, criteria: list[CriterionVerdict]) -> Status:
    if status is not Status.UNKNOWN:
        return status
    open_ = [cv.status for cv in criteria if cv.status in (Status.UNKNOWN, Status.NOT_ASKED)]
    return Status.NOT_ASKED if open_ and all(s is Status.NOT_ASKED for s in open_) else status


def evaluate(
    framework: Framework,
    specialty: str,
    facts: Facts,
    asked: Collection[str] | None = None,
) -> Result:
    """Infer the level of one specialty from the facts known so far.

    The level is the highest one known to be met (with `settings.cumulative`, the highest L
    such that every level 1..L is known met); `max_possible_level` is the highest one the
    unknown facts could still reach. `missing` lists every criterion standing between the
    person and the next level that is not met: unmet first, then unknown, then not asked.

    `asked`: the fact ids the interview asked (answered or skipped). None (an answers file):
    every missing fact is unknown. Otherwise a missing fact not in `asked` is not_asked: the
    interview left it out because its dimension was already decided.
    """
    ctx = RuleContext(framework, specialty)
    verdicts: list[LevelVerdict] = []
    dims_by_key: dict[tuple[int, str], Dimension] = {}
    used_facts: list[str] = []
    for level, indicator in ctx.levels():
        dims = []
        for dim in indicator.dimensions:
            dims_by_key[(level, dim.id)] = dim
            crits = []
            for crit in dim.criteria:
                fact_ids = tuple(dict.fromkeys(condition_facts(crit.when)))
                used_facts.extend(fact_ids)
                status = ctx.condition(crit.when, facts)
                crits.append(
                    CriterionVerdict(
                        id=crit.id,
                        label=crit.label,
                        status=_asked_status(status, fact_ids, facts, asked),
                        facts=fact_ids,
                        answer=_answer(framework, specialty, fact_ids, facts, asked),
                    )
                )
            dim_status = _dimension_status(ctx.dimension(dim, facts), crits)
            dims.append(
                DimensionVerdict(
                    id=dim.id,
                    name=dim.name,
                    text=dim.text,
                    status=dim_status,
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
    absent = [f for f in dict.fromkeys(used_facts) if f not in facts]
    not_asked = [f for f in absent if asked is not None and f not in asked]
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
        missing=_missing(verdicts, next_level, cumulative=framework.settings.cumulative),
        unknown_facts=tuple(f for f in absent if f not in not_asked),
        not_asked_facts=tuple(not_asked),
        reasons=_reasons(verdicts, dims_by_key, (low, next_level)),
        cumulative=framework.settings.cumulative,
    )


def _missing(
    verdicts: list[LevelVerdict], next_level: int | None, *, cumulative: bool
) -> tuple[MissingEvidence, ...]:
    """The next level's criteria not met and, on the cumulative ladder, those of any lower
    level not met (each keeps its own `level`); one entry per level, fact set and status."""
    if next_level is None:
        return ()
    found: dict[tuple[int, tuple[str, ...], Status], list[tuple[DimensionVerdict, str]]] = {}
    answers: dict[tuple[str, ...], str] = {}
    for verdict in verdicts:
        if verdict.level != next_level and not (
            cumulative and verdict.level < next_level and verdict.status is not Status.MET
        ):
            continue
        for dim in verdict.dimensions:
            for cv in dim.criteria if dim.status is not Status.MET else ():
                if cv.status is not Status.MET:
                    status: Status = cv.status
                    found.setdefault((verdict.level, cv.facts, status), []).append((dim, cv.label))
                    answers[cv.facts] = cv.answer
    out: list[MissingEvidence] = []
    for (level, fact_ids, status), where in found.items():
        dim, rule = where[0]
        out.append(
            MissingEvidence(
                level=level,
                dimension=dim.id,
                dimension_name=dim.name,
                text=dim.text,
                rule=rule,
                answer=answers[fact_ids],
                status=status,
                dimensions=tuple(dict.fromkeys(d.id for d, _ in where)),
                dimension_names=tuple(dict.fromkeys(d.name for d, _ in where)),
                rules=tuple(dict.fromkeys(label for _, label in where)),
                facts=fact_ids,
            )
        )
    out.sort(key=lambda m: (MISSING_ORDER.index(m.status), m.level))
    return tuple(out)


def _reasons(
    verdicts: list[LevelVerdict],
    dims: dict[tuple[int, str], Dimension],
    levels: tuple[int, int | None],
) -> tuple[DimensionReason, ...]:
    out: list[DimensionReason] = []
    for verdict in verdicts:
        if verdict.level not in levels:
            continue
        out.extend(
            DimensionReason(
                level=verdict.level,
                dimension=dv.id,
                name=dv.name,
                status=dv.status,
                reason=reason(dims[(verdict.level, dv.id)], dv.status, dv.criteria),
            )
            for dv in verdict.dimensions
        )
    return tuple(out)
