"""The manager's facts (a 修正): checked as interview answers are, judged over the person's
answers, and self vs manager side by side, dimension by dimension, for the levels around the
self and the confirmed level, with the 「サプライズ」 flag when the two levels are
SURPRISE_GAP or more apart. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flows.facts import coerce_fact, to_json_value
from flows.i18n import t
from flows.inference import Result, evaluate
from flows.numbers import AnswerError
from flows.results import result_of
from flows.rules import Status
from flows.session import JsonFact, ResultRecord
from framework_data.models import Framework

SURPRISE_GAP = 2  # |self − confirmed| from which the difference is flagged 「サプライズ」


def manager_changes(
    framework: Framework, record: ResultRecord, raw: Mapping[str, object]
) -> tuple[dict[str, JsonFact], dict[str, str]]:
    """The facts the manager changed (fact id → value, only those that differ from the
    person's answers) and the problems by fact id, each value checked as an interview answer
    is (flows.facts.coerce_fact). A value left empty (None or "") is unchanged."""
    known = {f.id: f for f in framework.facts_for(record.specialty)}
    changes: dict[str, JsonFact] = {}
    problems: dict[str, str] = {}
    for fact_id, value in raw.items():
        fact = known.get(fact_id)
        if fact is None:
            problems[fact_id] = t("review.unknown_fact")
            continue
        if value is None or value == "":
            continue
        try:
            parsed = to_json_value(coerce_fact(fact, record.specialty, value))
        except AnswerError as exc:
            problems[fact_id] = exc.message
            continue
        if record.answers.get(fact_id) != parsed:
            changes[fact_id] = parsed
    return changes, problems


def judged_with(record: ResultRecord, framework: Framework, changes: Mapping[str, Any]) -> Result:
    """The verdict on the person's answers with the manager's `changes` over them."""
    answers = {**record.answers, **changes}
    facts = {k: frozenset(v) if isinstance(v, list) else v for k, v in answers.items()}
    asked = None if record.asked is None else [*record.asked, *changes]
    return evaluate(framework, record.specialty, facts, asked=asked)


@dataclass(frozen=True)
class DimensionPair:
    level: int
    name: str
    self_status: Status
    manager_status: Status

    @property
    def differs(self) -> bool:
        return self.self_status != self.manager_status


@dataclass(frozen=True)
class SideBySide:
    self_level: int
    confirmed_level: int
    rows: tuple[DimensionPair, ...]

    @property
    def surprise(self) -> bool:
        return abs(self.self_level - self.confirmed_level) >= SURPRISE_GAP


def side_by_side(
    record: ResultRecord, framework: Framework, changes: Mapping[str, Any]
) -> SideBySide:
    """The person's verdict (recomputed from their answers) beside the manager's. The self
    level is the one shown at submission (pinned: ResultRecord.verdict)."""
    mine = result_of(record, framework)
    theirs = judged_with(record, framework, changes)
    low = max(1, min(record.verdict.level, theirs.level))
    high = max(record.verdict.level, theirs.level) + 1
    rows: list[DimensionPair] = []
    for level in range(low, high + 1):
        rows += _pairs(mine, theirs, level)
    return SideBySide(record.verdict.level, theirs.level, tuple(rows))


def _pairs(mine: Result, theirs: Result, level: int) -> list[DimensionPair]:
    a, b = mine.level_verdict(level), theirs.level_verdict(level)
    if a is None or b is None:
        return []
    by_id = {d.id: d for d in b.dimensions}
    return [
        DimensionPair(level, d.name, d.status, by_id[d.id].status)
        for d in a.dimensions
        if d.id in by_id
    ]
