"""What the interview shows next, as the engine computed it: renderers only draw these. Pure.

`Interview.handle` returns one of these with its `Outcome`, built from the planning the command
already did, so a click plans once (Slack's renderers and the console never ask the engine again).
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.inference import Result
from framework_data.models import FactDef, Option


@dataclass(frozen=True)
class Evidence:
    level: int
    dimension: str
    text: str
    rule: str


@dataclass(frozen=True)
class QuestionView:
    fact: FactDef
    options: tuple[Option, ...]
    number: int
    upper_bound: int
    evidence: tuple[Evidence, ...]
    previous: str | None  # the earlier answer, shown when coming back
    can_skip: bool
    can_back: bool
    step: int


@dataclass(frozen=True)
class AnswerLine:
    fact: FactDef
    shown: str


@dataclass(frozen=True)
class ReviewView:
    """Every answer given (or skipped) in data order, and the verdict they lead to."""

    answers: tuple[AnswerLine, ...]
    preview: Result
    step: int


View = QuestionView | ReviewView


@dataclass(frozen=True)
class Recorded:
    """What the answered question's message becomes: its number (0 for the specialty choice),
    its label and the answer as recorded."""

    number: int
    label: str
    shown: str
