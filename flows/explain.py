"""Why each dimension stands where it does, in one line with the person's answers. Pure.

`flows.inference.evaluate` calls `reason` once per dimension of the achieved level and of the
next one; every surface (Slack, console, `evaluate`) renders the stored line as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from flows.rules import Status
from framework_data.models import Dimension

UPPER_BOUND_ONLY = "上限のみの基準のため、規模の下限はありません"
NOT_ASKED_REASON = "判定に影響しないため質問していません"
NOT_REACHED = "レベル 1 に未到達"
NOT_ASKED_HEADING = "未確認（判定に影響しないため質問していません）"
TOP_LEVEL = "最高レベルに到達しています。"


class _Criterion(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def status(self) -> Status: ...
    @property
    def answer(self) -> str: ...


def level_name(level: int) -> str:
    """How a level reads: 「レベル 3」, and 「レベル 1 に未到達」 below level 1 (never レベル 0)."""
    return f"レベル {level}" if level >= 1 else NOT_REACHED


def upper_bound_only(dim: Dimension) -> bool:
    """A size bullet that names only a maximum (「10 人未満」): the bullets are alternatives,
    so such a level sets no minimum size (docs/rules.md, "Size bullets")."""
    return any("未満" in item and "以上" not in item for item in dim.items)


def _phrase(cv: _Criterion) -> str:
    return f"{cv.label} → {cv.answer}"


def _join(criteria: Sequence[_Criterion]) -> str:
    return "；".join(_phrase(cv) for cv in criteria)


def reason(dim: Dimension, status: Status, criteria: Sequence[_Criterion]) -> str:
    """One line: the verdict and the criteria behind it, each with the person's answers."""
    if status is Status.MET:
        line = "満たしています — " + _join(criteria)
    elif status is Status.UNMET:
        unmet = [cv for cv in criteria if cv.status is Status.UNMET]
        line = "満たしていません — " + _join(unmet)
    elif status is Status.NOT_ASKED:
        line = f"未確認 — {NOT_ASKED_REASON}"
    else:
        open_ = [cv for cv in criteria if cv.status is not Status.MET]
        line = "未確定 — " + _join(open_)
    if upper_bound_only(dim):
        line += f"。{UPPER_BOUND_ONLY}"
    return line
