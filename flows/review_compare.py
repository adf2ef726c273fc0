"""Self vs manager, dimension by dimension: the verdicts of the person's facts and of the
manager's facts side by side, for the levels around the self and the confirmed level, and
the 「サプライズ」 flag when the two levels are SURPRISE_GAP or more apart. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flows.inference import Result
from flows.results import result_of
from flows.review import SURPRISE_GAP, judged_with
from flows.rules import Status
from flows.session import ResultRecord
from framework_data.models import Framework


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
