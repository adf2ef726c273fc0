"""What the interview shows next, as the engine computed it: renderers only draw these. Pure.

`Interview.handle` returns one of these with its `Outcome`, built from the planning the command
already did, so a click plans once (Slack's renderers and the console never ask the engine again).
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.inference import Result
from framework_data.models import FactDef, Option, Statement


@dataclass(frozen=True)
class Evidence:
    """Why a question is asked: a criterion it decides, with the seed's text of its dimension as
    the seed sets it out (`lead` and the bullet `items`; `text` is the whole text in one line)."""

    level: int
    dimension: str
    text: str
    rule: str
    lead: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuestionView:
    """One question as the person sees it, worded for their specialty and answers so far
    (flows.wording): renderers draw `question`, `help`, `options` or `statements`, never the
    fact's templates."""

    fact: FactDef
    question: str
    help: str
    options: tuple[Option, ...]
    statements: tuple[Statement, ...]
    placeholder: str
    serves: tuple[str, ...]  # names of the dimensions the answer serves
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
