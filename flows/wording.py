"""The words a question is asked with, for one specialty and the answers so far. Pure.

A fact's question and help may name `{specialty}` (the specialty's name) and another fact in
braces (`{role}`: the answer given, shown as the person reads it, or the fact's label while it
is unanswered), so that a question asked many steps later still says which role it means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flows.facts import Facts, show_value
from flows.i18n import tn
from framework_data.models import FactDef, Framework, Option, Statement

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Wording:
    """What a person reads for one fact: the question, its help, the choices (options or the
    statements that must all hold), the example of a number answer and the dimensions served."""

    question: str
    help: str
    options: tuple[Option, ...]
    statements: tuple[Statement, ...]
    placeholder: str
    serves: tuple[str, ...]  # dimension names, in the framework's order


def fill(framework: Framework, text: str, specialty: str, facts: Facts) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "specialty":
            return framework.specialty(specialty).name
        fact = framework.fact(name)
        if name not in facts:
            return fact.label
        return show_value(fact, specialty, facts[name])

    return _PLACEHOLDER.sub(value, text)


def wording(framework: Framework, fact: FactDef, specialty: str, facts: Facts) -> Wording:
    served = set(fact.serves)
    return Wording(
        question=fill(framework, fact.question_for(specialty), specialty, facts),
        help=fill(framework, fact.help_for(specialty), specialty, facts),
        options=fact.options_for(specialty),
        statements=fact.statements,
        placeholder=fact.placeholder,
        serves=tuple(d.name for d in framework.job_category.dimensions if d.id in served),
    )


def with_statements(shown: str, fact: FactDef, chosen: object) -> str:
    """The answer `shown` and, for a statement fact, how many of its statements were ticked,
    as the answered message says it."""
    if not fact.statements or not isinstance(chosen, list | tuple):
        return shown
    ticked = sum(1 for s in fact.statements if s.id in chosen)
    if ticked == len(fact.statements):
        return tn("answer.statements_all", ticked, answer=shown)
    return tn("answer.statements_some", len(fact.statements), answer=shown, ticked=ticked)
