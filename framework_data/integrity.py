"""Cross-reference checks for a Framework, each error naming the path of the bad field."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from framework_data.models import Condition, FactDef, Framework


class FrameworkIntegrityError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def _duplicates(ids: list[str]) -> list[str]:
    return sorted(i for i, n in Counter(ids).items() if n > 1)


def _check_condition(
    cond: Condition, facts: dict[str, FactDef], specialties: tuple[str, ...], path: str
) -> Iterator[str]:
    from framework_data.models import AllOf, AnyOf, AtLeast, Equals, Includes, IsTrue, Several

    if isinstance(cond, AnyOf | AllOf):
        for i, sub in enumerate(cond.of):
            yield from _check_condition(sub, facts, specialties, f"{path}.of[{i}]")
        return
    fact = facts.get(cond.fact)
    if fact is None:
        yield f"{path}.fact: unknown fact {cond.fact!r}"
        return
    for specialty in specialties:
        if not fact.applies_to(specialty):
            yield f"{path}.fact: fact {fact.id!r} does not apply to specialty {specialty!r}"
    option_ids = {s: {o.id for o in fact.options_for(s)} for s in specialties}
    if isinstance(cond, IsTrue) and fact.kind != "bool":
        yield f"{path}.op: is_true needs a bool fact, {fact.id!r} is {fact.kind}"
    elif isinstance(cond, Includes | Several):
        if fact.kind != "set":
            yield f"{path}.op: {cond.op} needs a set fact, {fact.id!r} is {fact.kind}"
        for specialty, ids in option_ids.items():
            for value in cond.value:
                if value not in ids:
                    yield f"{path}.value: {value!r} is not an option of {fact.id!r} for {specialty!r}"
    elif isinstance(cond, AtLeast | Equals):
        if fact.kind == "int":
            if isinstance(cond.value, bool) or not isinstance(cond.value, int):
                yield f"{path}.value: {fact.id!r} is an int fact, got {cond.value!r}"
        elif fact.kind == "ordinal":
            for specialty, ids in option_ids.items():
                if cond.value not in ids:
                    yield f"{path}.value: {cond.value!r} is not an option of {fact.id!r} for {specialty!r}"
        elif fact.kind == "bool" and not isinstance(cond.value, bool):
            yield f"{path}.value: {fact.id!r} is a bool fact, got {cond.value!r}"
        elif fact.kind == "set":
            yield f"{path}.op: {cond.op} cannot compare the set fact {fact.id!r}"


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def placeholders(text: str) -> list[str]:
    """The names in braces in a question or help text (`{specialty}`, `{role}`)."""
    return _PLACEHOLDER.findall(text)


def _check_wording(
    fact: FactDef, facts: dict[str, FactDef], specialty_ids: list[str], path: str
) -> Iterator[str]:
    texts = [("question", fact.question), ("help", fact.help)]
    texts += [(f"question_by_specialty.{k}", v) for k, v in fact.question_by_specialty.items()]
    texts += [(f"help_by_specialty.{k}", v) for k, v in fact.help_by_specialty.items()]
    for field, text in texts:
        for name in placeholders(text):
            if name != "specialty" and name not in facts:
                yield f"{path}.{field}: {{{name}}} names neither the specialty nor a fact"
            elif name == fact.id:
                yield f"{path}.{field}: {{{name}}} names the fact itself"
    for dup in _duplicates([s.id for s in fact.statements]):
        yield f"{path}.statements: duplicate id {dup!r}"
    for specialty in specialty_ids:
        labels = [o.label for o in fact.options_for(specialty)] + [s.label for s in fact.statements]
        for dup in _duplicates(labels):
            yield f"{path}: label {dup!r} appears twice in the question for {specialty!r}"


def _check_serves(fw: Framework) -> Iterator[str]:
    """Each fact's `serves` is exactly the dimensions whose criteria read it."""
    dimension_ids = {d.id for d in fw.job_category.dimensions}
    read: dict[str, set[str]] = {f.id: set() for f in fw.facts}
    for ind in fw.job_category.indicators:
        for dim in ind.dimensions:
            for crit in dim.criteria:
                for fact_id in _condition_facts(crit.when):
                    read.setdefault(fact_id, set()).add(dim.id)
    for i, fact in enumerate(fw.facts):
        unknown = [d for d in fact.serves if d not in dimension_ids]
        if unknown:
            yield f"facts[{i}].serves: unknown dimension(s) {unknown}"
        elif set(fact.serves) != read[fact.id]:
            yield (
                f"facts[{i}].serves: {sorted(fact.serves)} but criteria of "
                f"{sorted(read[fact.id])} read {fact.id!r}"
            )


def _condition_facts(cond: Condition) -> Iterator[str]:
    """The ids of the facts a condition reads."""
    from framework_data.models import AllOf, AnyOf

    if isinstance(cond, AnyOf | AllOf):
        for sub in cond.of:
            yield from _condition_facts(sub)
    else:
        yield cond.fact


def problems(fw: Framework) -> Iterator[str]:
    jc = fw.job_category
    facts = {f.id: f for f in fw.facts}
    specialty_ids = [s.id for s in jc.specialties]
    dimension_ids = [d.id for d in jc.dimensions]
    for label, ids in (
        ("facts", [f.id for f in fw.facts]),
        ("job_category.specialties", specialty_ids),
        ("job_category.dimensions", dimension_ids),
        ("job_category.indicators", [ind.id for ind in jc.indicators]),
        ("job_category.skills", [s.id for s in jc.skills]),
    ):
        for dup in _duplicates(ids):
            yield f"{label}: duplicate id {dup!r}"
    for level in sorted(set(jc.levels) & set(jc.undefined_levels)):
        yield f"job_category.undefined_levels: level {level} is also listed as defined"

    for i, fact in enumerate(fw.facts):
        for field in ("options_by_specialty", "question_by_specialty", "help_by_specialty"):
            for key in getattr(fact, field):
                if key not in specialty_ids:
                    yield f"facts[{i}].{field}: unknown specialty {key!r}"
        for key in fact.specialties or ():
            if key not in specialty_ids:
                yield f"facts[{i}].specialties: unknown specialty {key!r}"
        yield from _check_wording(fact, facts, specialty_ids, f"facts[{i}]")
    yield from _check_serves(fw)

    seen: Counter[tuple[str, int]] = Counter()
    for i, ind in enumerate(jc.indicators):
        path = f"job_category.indicators[{i}]"
        if ind.level not in jc.levels:
            yield f"{path}.level: level {ind.level} is not a defined level {list(jc.levels)}"
        for specialty in ind.specialties:
            if specialty not in specialty_ids:
                yield f"{path}.specialties: unknown specialty {specialty!r}"
            seen[(specialty, ind.level)] += 1
        dims = [d.id for d in ind.dimensions]
        if sorted(dims) != sorted(dimension_ids):
            yield f"{path}.dimensions: expected {dimension_ids}, got {dims}"
        valid_specialties = tuple(s for s in ind.specialties if s in specialty_ids)
        for j, dim in enumerate(ind.dimensions):
            for dup in _duplicates([c.id for c in dim.criteria]):
                yield f"{path}.dimensions[{j}].criteria: duplicate id {dup!r}"
            for k, crit in enumerate(dim.criteria):
                yield from _check_condition(
                    crit.when,
                    facts,
                    valid_specialties,
                    f"{path}.dimensions[{j}].criteria[{k}].when",
                )
    for specialty in specialty_ids:
        for level in jc.levels:
            if seen[(specialty, level)] != 1:
                yield (
                    f"job_category.indicators: specialty {specialty!r} level {level} has "
                    f"{seen[(specialty, level)]} indicators, expected exactly 1"
                )

    skill_ids = {s.id for s in jc.skills}
    for i, dim_def in enumerate(jc.dimensions):
        for skill in dim_def.skills:
            if skill not in skill_ids:
                yield f"job_category.dimensions[{i}].skills: unknown skill {skill!r}"
    refs = [("proficiencies", i, p.skill, p.specialties) for i, p in enumerate(jc.proficiencies)]
    refs += [("knowledge", i, k.skill, k.specialties) for i, k in enumerate(jc.knowledge)]
    for label, i, skill, specialties in refs:
        if skill not in skill_ids:
            yield f"job_category.{label}[{i}].skill: unknown skill {skill!r}"
        for specialty in specialties:
            if specialty not in specialty_ids:
                yield f"job_category.{label}[{i}].specialties: unknown specialty {specialty!r}"


def check_references(fw: Framework) -> None:
    found = list(problems(fw))
    if found:
        raise FrameworkIntegrityError(found)
