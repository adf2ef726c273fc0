"""Why each dimension stands where it does, in one line with the person's answers. Pure.

`flows.inference.evaluate` calls `reason` once per dimension of the achieved level and of the
next one; every surface (Slack, console, `evaluate`) renders the line as it is. The line is in
the reader's language (flows.i18n): a stored result is judged again when it is shown
(flows/results.py), for whoever reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from flows.i18n import t
from flows.rules import Status
from framework_data.models import Dimension


def upper_bound_note() -> str:
    """Why a size bullet naming only a maximum sets no minimum, as a reason line adds it."""
    return t("explain.upper_bound_only")


def not_reached() -> str:
    """The name of level 0: 「レベル 1 に未到達」."""
    return t("explain.below_level_1")


def not_asked_heading() -> str:
    """The heading of the criteria the interview left out."""
    return t("explain.not_asked_heading")


def top_level() -> str:
    """What a result at the top level says instead of a next level."""
    return t("explain.top_level")


# The names two of these texts had as constants, kept for the tests written before the catalogs
# (tests/flows/test_ladder.py, test_rules_doc.py) and looked up on each access (PEP 562). A
# `from flows.explain import NOT_REACHED` at the top of a module reads it once, in Japanese:
# code calls the functions.
_FORMER_CONSTANTS: dict[str, Callable[[], str]] = {
    "UPPER_BOUND_ONLY": upper_bound_note,
    "NOT_REACHED": not_reached,
}


def __getattr__(name: str) -> str:
    text = _FORMER_CONSTANTS.get(name)
    if text is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return text()


class _Criterion(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def status(self) -> Status: ...
    @property
    def answer(self) -> str: ...


def level_name(level: int) -> str:
    """How a level reads: 「レベル 3」, and 「レベル 1 に未到達」 below level 1 (never レベル 0)."""
    return t("explain.level", level=level) if level >= 1 else not_reached()


def upper_bound_only(dim: Dimension) -> bool:
    """A size bullet that names only a maximum (「10 人未満」): the bullets are alternatives,
    so such a level sets no minimum size (docs/rules.md, "Size bullets")."""
    return any("未満" in item and "以上" not in item for item in dim.items)  # i18n: seed


def _phrase(cv: _Criterion) -> str:
    return f"{cv.label} → {cv.answer}"


def _join(criteria: Sequence[_Criterion]) -> str:
    return t("explain.separator").join(_phrase(cv) for cv in criteria)


def reason(dim: Dimension, status: Status, criteria: Sequence[_Criterion]) -> str:
    """One line: the verdict and the criteria behind it, each with the person's answers."""
    if status is Status.MET:
        line = t("explain.met", criteria=_join(criteria))
    elif status is Status.UNMET:
        unmet = [cv for cv in criteria if cv.status is Status.UNMET]
        line = t("explain.unmet", criteria=_join(unmet))
    elif status is Status.NOT_ASKED:
        line = t("explain.not_asked", reason=t("explain.not_asked_reason"))
    else:
        open_ = [cv for cv in criteria if cv.status is not Status.MET]
        line = t("explain.open", criteria=_join(open_))
    if upper_bound_only(dim):
        line = t("explain.with_upper_bound", line=line, note=upper_bound_note())
    return line
