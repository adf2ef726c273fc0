"""Generic, three-valued evaluation of the framework's rules.

Every condition is monotone (more experience never turns met into unmet), so Kleene's
strong three-valued logic gives exactly the range of outcomes over all values the unknown
facts could take: MET means met whatever they are, UNMET means unmet whatever they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from flows.facts import Facts
from framework_data.models import (
    AchievementIndicator,
    AllOf,
    AnyOf,
    AtLeast,
    Condition,
    Dimension,
    Equals,
    Framework,
    Includes,
    IsTrue,
    Several,
)


class Status(StrEnum):
    """A criterion's, dimension's or level's verdict. The rules give the first three;
    NOT_ASKED is set by inference on an unknown the interview chose not to ask about."""

    MET = "met"
    UNMET = "unmet"
    UNKNOWN = "unknown"
    NOT_ASKED = "not_asked"


def all_of(statuses: list[Status]) -> Status:
    if Status.UNMET in statuses:
        return Status.UNMET
    return Status.UNKNOWN if Status.UNKNOWN in statuses else Status.MET


def any_of(statuses: list[Status]) -> Status:
    if Status.MET in statuses:
        return Status.MET
    return Status.UNKNOWN if Status.UNKNOWN in statuses else Status.UNMET


def at_least_n(statuses: list[Status], needed: int) -> Status:
    met = statuses.count(Status.MET)
    if met >= needed:
        return Status.MET
    return Status.UNKNOWN if met + statuses.count(Status.UNKNOWN) >= needed else Status.UNMET


def condition_facts(cond: Condition) -> Iterator[str]:
    """The fact ids a condition reads, in order of appearance."""
    if isinstance(cond, AnyOf | AllOf):
        for sub in cond.of:
            yield from condition_facts(sub)
    else:
        yield cond.fact


@dataclass(frozen=True)
class RuleContext:
    framework: Framework
    specialty: str

    def _rank(self, fact_id: str, value: str | int | bool) -> int:
        fact = self.framework.fact(fact_id)
        if fact.kind == "ordinal":
            return [o.id for o in fact.options_for(self.specialty)].index(str(value))
        return int(value)

    def condition(self, cond: Condition, facts: Facts) -> Status:
        if isinstance(cond, AnyOf):
            return any_of([self.condition(c, facts) for c in cond.of])
        if isinstance(cond, AllOf):
            return all_of([self.condition(c, facts) for c in cond.of])
        value = facts.get(cond.fact)
        if value is None:
            return Status.UNKNOWN
        if isinstance(cond, IsTrue):
            ok = value is True
        elif isinstance(cond, Equals):
            ok = value == cond.value
        elif isinstance(cond, AtLeast):
            assert not isinstance(value, frozenset)
            ok = self._rank(cond.fact, value) >= self._rank(cond.fact, cond.value)
        elif isinstance(cond, Includes):
            assert isinstance(value, frozenset)
            ok = set(cond.value) <= value
        else:
            assert isinstance(cond, Several)
            assert isinstance(value, frozenset)
            needed = min(self.framework.settings.several_min, len(cond.value))
            ok = len(value & set(cond.value)) >= needed
        return Status.MET if ok else Status.UNMET

    def dimension(self, dim: Dimension, facts: Facts) -> Status:
        return all_of([self.condition(c.when, facts) for c in dim.criteria])

    def indicator(self, indicator: AchievementIndicator, facts: Facts) -> Status:
        statuses = [self.dimension(d, facts) for d in indicator.dimensions]
        needed = self.framework.settings.min_dimensions_met or len(statuses)
        return at_least_n(statuses, needed)

    def levels(self) -> list[tuple[int, AchievementIndicator]]:
        out = []
        for level in sorted(self.framework.job_category.levels):
            indicator = self.framework.indicator(self.specialty, level)
            if indicator is not None:
                out.append((level, indicator))
        return out

    def level_range(self, facts: Facts) -> tuple[int, int]:
        """(lowest, highest) level the person can have, whatever the unknown facts turn out to be."""
        statuses = [(level, self.indicator(ind, facts)) for level, ind in self.levels()]
        return level_range(statuses, cumulative=self.framework.settings.cumulative)


def level_range(statuses: list[tuple[int, Status]], *, cumulative: bool) -> tuple[int, int]:
    """(low, high) from each level's own status, in ascending order of level.

    Cumulative: the level is the highest L such that every level up to L is met, so `low`
    stops at the first level not known met and `high` at the first one known unmet. Not
    cumulative (v1): each level stands alone; the highest met, the highest not unmet.
    Both are exact: a conjunction of monotone conditions is monotone too.
    """
    low = high = 0
    low_open = high_open = True
    for level, status in statuses:
        if cumulative:
            low_open = low_open and status is Status.MET
            high_open = high_open and status is not Status.UNMET
            low = level if low_open else low
            high = level if high_open else high
        elif status is Status.MET:
            low = high = level
        elif status is Status.UNKNOWN:
            high = level
    return low, high
