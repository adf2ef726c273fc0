"""Which question to ask next: only facts whose answer can still change the verdict.

The verdict is the level plus the met/unmet state of every dimension of the next level.
With unknown facts the level lies in [low, high] (rules.RuleContext.level_range, which follows
the framework's `cumulative` setting); any level in low+1 … high+1 may still be reached or be
the next level, so the unknown dimensions of those levels are what is left to decide. Levels
outside that window cannot change anything: on the cumulative ladder a level above one known
unmet is never reached, so nothing above it is asked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from flows.facts import Facts
from flows.rules import RuleContext, Status, condition_facts
from framework_data.models import Criterion, Dimension, Framework


@dataclass(frozen=True)
class OpenCriterion:
    level: int
    dimension: Dimension
    criterion: Criterion
    unknown_facts: frozenset[str]


def open_criteria(framework: Framework, specialty: str, facts: Facts) -> list[OpenCriterion]:
    """Undecided criteria of undecided dimensions in the open window of levels."""
    ctx = RuleContext(framework, specialty)
    low, high = ctx.level_range(facts)
    window = range(low + 1, min(high + 1, framework.max_level) + 1)
    found = []
    for level, indicator in ctx.levels():
        if level not in window:
            continue
        for dim in indicator.dimensions:
            if ctx.dimension(dim, facts) is not Status.UNKNOWN:
                continue
            for crit in dim.criteria:
                if ctx.condition(crit.when, facts) is Status.UNKNOWN:
                    unknown = frozenset(f for f in condition_facts(crit.when) if f not in facts)
                    found.append(OpenCriterion(level, dim, crit, unknown))
    return found


@dataclass(frozen=True)
class Plan:
    """One planning pass: the open criteria and, computed from them, the facts left to ask."""

    open: tuple[OpenCriterion, ...]
    remaining: tuple[str, ...]  # best first

    @property
    def next(self) -> str | None:
        return self.remaining[0] if self.remaining else None


def plan(framework: Framework, specialty: str, facts: Facts, skipped: Collection[str] = ()) -> Plan:
    """`open_criteria` once, and the facts still worth asking ranked from that same list."""
    found = open_criteria(framework, specialty, facts)
    return Plan(tuple(found), tuple(_rank(framework, found, skipped)))


def remaining_facts(
    framework: Framework, specialty: str, facts: Facts, skipped: Collection[str] = ()
) -> list[str]:
    """Facts still worth asking, best first: read by the most open criteria, then data order."""
    return _rank(framework, open_criteria(framework, specialty, facts), skipped)


def _rank(framework: Framework, found: list[OpenCriterion], skipped: Collection[str]) -> list[str]:
    counts = Counter(f for oc in found for f in oc.unknown_facts)
    order = {f.id: i for i, f in enumerate(framework.facts)}
    candidates = [f for f in counts if f not in skipped]
    return sorted(candidates, key=lambda f: (-counts[f], order[f]))


def next_fact(
    framework: Framework, specialty: str, facts: Facts, skipped: Collection[str] = ()
) -> str | None:
    """The next question's fact id, or None when no answer can change the verdict."""
    remaining = remaining_facts(framework, specialty, facts, skipped)
    return remaining[0] if remaining else None
