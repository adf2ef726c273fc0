"""Fact values: checking what people answered against a fact definition, and showing it back.

A fact value is a bool, an int ≥ 0, an option id (ordinal facts) or a frozenset of option
ids (set facts). An absent fact is unknown, never zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flows.i18n import number, t, yen
from flows.numbers import AnswerError, parse_count, parse_yen
from framework_data.models import FactDef, Framework

FactValue = bool | int | str | frozenset[str]
Facts = Mapping[str, FactValue]

_YES = {"はい", "yes", "y", "true", "1", "ある", "あり", "した"}  # i18n: input
_NO = {"いいえ", "no", "n", "false", "0", "ない", "なし", "していない"}  # i18n: input
_NONE_WORDS = {"", "なし", "該当なし", "none", "-"}  # i18n: input


def _option(fact: FactDef, specialty: str, raw: str) -> str:
    wanted = raw.strip().casefold()
    for option in fact.options_for(specialty):
        if wanted in (option.id.casefold(), option.label.casefold()):
            return option.id
    labels = t("answer.list_separator").join(o.label for o in fact.options_for(specialty))
    raise AnswerError(t("answer.not_an_option", answer=raw, options=labels))


def _all_statements(fact: FactDef, chosen: Iterable[object]) -> bool:
    """A fact asked through statements is true when every statement was ticked."""
    known = {s.id for s in fact.statements}
    ticked = set()
    for item in chosen:
        if not isinstance(item, str) or item not in known:
            raise AnswerError(t("answer.statements_only"))
        ticked.add(item)
    return ticked == known


def coerce_fact(fact: FactDef, specialty: str, raw: object) -> FactValue:
    """Turn an answer (as typed, or as stored) into the fact's value; AnswerError says why not."""
    if fact.kind == "bool":
        if isinstance(raw, bool):
            return raw
        if fact.statements and isinstance(raw, list | tuple):
            return _all_statements(fact, raw)
        text = str(raw).strip().casefold()
        if text in _YES:
            return True
        if text in _NO:
            return False
        raise AnswerError(t("answer.yes_or_no"))
    if fact.kind == "int":
        if isinstance(raw, bool) or not isinstance(raw, int | str):
            raise AnswerError(t("answer.number"))
        if fact.number_kind == "yen":
            return parse_yen(raw)
        return parse_count(raw, unit=fact.unit)
    if fact.kind == "ordinal":
        if not isinstance(raw, str):
            raise AnswerError(t("answer.one_option"))
        return _option(fact, specialty, raw)
    # set
    if isinstance(raw, str):
        parts: Iterable[object] = [] if raw.strip().casefold() in _NONE_WORDS else raw.split(",")
    elif isinstance(raw, list | tuple | set | frozenset):
        parts = raw
    else:
        raise AnswerError(t("answer.options_apply"))
    chosen = set()
    for part in parts:
        if not isinstance(part, str):
            raise AnswerError(t("answer.from_options"))
        chosen.add(_option(fact, specialty, part))
    return frozenset(chosen)


class FactsError(ValueError):
    """Facts that cannot be used; each problem is `field: message`."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def coerce_facts(
    framework: Framework, specialty: str, raw: Mapping[str, object]
) -> dict[str, FactValue]:
    """Check a whole mapping of answers; unknown ids and bad values are all reported at once."""
    problems: list[str] = []
    known = {f.id: f for f in framework.facts_for(specialty)}
    out: dict[str, FactValue] = {}
    for key, value in raw.items():
        fact = known.get(key)
        if fact is None:
            every = {f.id for f in framework.facts}
            reason = "does not apply to this specialty" if key in every else "unknown fact id"
            problems.append(f"facts.{key}: {reason} (known: {', '.join(known)})")
            continue
        if value is None:
            continue  # explicitly unknown
        try:
            out[key] = coerce_fact(fact, specialty, value)
        except AnswerError as exc:
            problems.append(f"facts.{key}: {exc.message}")
    if problems:
        raise FactsError(problems)
    return out


def show_value(fact: FactDef, specialty: str, value: FactValue | None) -> str:
    """The answer as a person reads it, in the reader's language (flows.i18n): amounts of yen
    and counts with the fact's unit as the reader writes them, the options by their labels."""
    if value is None:
        return t("answer.unanswered")
    if fact.kind == "bool":
        return t("answer.yes") if value else t("answer.no")
    if fact.kind == "int":
        assert isinstance(value, int)
        if fact.number_kind == "yen":
            return yen(value)
        unit = fact.unit_one if value == 1 and fact.unit_one else fact.unit
        return t("answer.count", n=number(value), unit=unit) if unit else number(value)
    labels = {o.id: o.label for o in fact.options_for(specialty)}
    if fact.kind == "ordinal":
        return labels.get(str(value), str(value))
    assert isinstance(value, frozenset)
    chosen = [o.label for o in fact.options_for(specialty) if o.id in value]
    return t("answer.list_separator").join(chosen) if chosen else t("answer.none")


def to_json_value(value: FactValue) -> bool | int | str | list[str]:
    return sorted(value) if isinstance(value, frozenset) else value
