"""Reading answer documents for `itss-bot evaluate` and turning Results into JSON. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flows.facts import FactsError, FactValue, coerce_facts
from flows.inference import Result
from framework_data.models import Framework


@dataclass(frozen=True)
class AnswerEntry:
    person: str | None
    specialty: str
    facts: dict[str, FactValue]


class AnswersError(ValueError):
    """An answers document that cannot be evaluated; each problem names the entry and field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def _entry(framework: Framework, raw: object, where: str) -> AnswerEntry:
    if not isinstance(raw, Mapping):
        raise AnswersError([f"{where}: expected a mapping with 'specialty' and 'facts'"])
    unknown_keys = set(raw) - {"specialty", "facts", "person"}
    if unknown_keys:
        raise AnswersError([f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown_keys)))}"])
    specialty = raw.get("specialty")
    ids = [s.id for s in framework.job_category.specialties]
    if specialty not in ids:
        raise AnswersError(
            [f"{where}.specialty: unknown specialty {specialty!r} (known: {', '.join(ids)})"]
        )
    facts = raw.get("facts") or {}
    if not isinstance(facts, Mapping):
        raise AnswersError([f"{where}.facts: expected a mapping of fact id to value"])
    person = raw.get("person")
    try:
        coerced = coerce_facts(framework, str(specialty), facts)
    except FactsError as exc:
        raise AnswersError([f"{where}.{p}" for p in exc.problems]) from exc
    return AnswerEntry(
        person=None if person is None else str(person), specialty=str(specialty), facts=coerced
    )


def parse_answers(framework: Framework, doc: object) -> tuple[list[AnswerEntry], bool]:
    """Parse one entry or a list of them; returns (entries, was_a_list). All errors at once."""
    items = doc if isinstance(doc, list) else [doc]
    entries: list[AnswerEntry] = []
    problems: list[str] = []
    for index, raw in enumerate(items):
        where = f"entry[{index}]" if isinstance(doc, list) else "entry"
        if isinstance(raw, Mapping) and raw.get("person"):
            where += f" ({raw['person']})"
        try:
            entries.append(_entry(framework, raw, where))
        except AnswersError as exc:
            problems.extend(exc.problems)
    if problems:
        raise AnswersError(problems)
    return entries, isinstance(doc, list)


def result_json(result: Result, person: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if person is not None:
        out["person"] = person
    out |= {
        "specialty": result.specialty,
        "level": result.level,
        "next_level": result.next_level,
        "decided": result.decided,
        "max_possible_level": result.max_possible_level,
        "missing": [
            {
                "level": m.level,
                "dimension": m.dimension,
                "text": m.text,
                "rule": m.rule,
                "answer": m.answer,
                "status": m.status.value,
                "dimensions": list(m.dimensions or (m.dimension,)),
            }
            for m in result.missing
        ],
        "reasons": [
            {"level": r.level, "dimension": r.dimension, "status": r.status.value, "text": r.reason}
            for r in result.reasons
        ],
        "dimensions": {
            str(lv.level): {d.id: d.status.value for d in lv.dimensions} for lv in result.levels
        },
        "unknown_facts": list(result.unknown_facts),
        "framework": {
            "id": result.framework_id,
            "version": result.framework_version,
            "source": result.framework_source,
        },
    }
    return out
