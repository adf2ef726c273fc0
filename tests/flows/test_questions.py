"""Every question as each specialty reads it: no other specialty's words, no label twice, and
the dimensions it serves named and true to the criteria that read its answer (issue 10)."""

from __future__ import annotations

import copy
import functools
import json
import re
import unicodedata
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from bot.blocks.interview import question
from flows.facts import Facts, coerce_fact
from flows.interview import Command, Interview
from flows.numbers import AnswerError
from flows.rules import condition_facts
from flows.session import PersonKey
from flows.wording import Wording, wording
from framework_data.loader import load_default
from framework_data.models import FactDef, Framework

FW = load_default()
ENGINE = Interview(FW)
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SPECIALTIES = [s.id for s in FW.job_category.specialties]
CASES = [(sp, f.id) for sp in SPECIALTIES for f in FW.facts_for(sp)]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def foreign_names(specialty: str) -> list[str]:
    """The names and aliases of every other specialty (「カスタマサポート」, 「ヘルプデスク」, 「NO」)."""
    own = {_fold(n) for n in (specialty, *_names(specialty))}
    return sorted({_fold(n) for sp in SPECIALTIES if sp != specialty for n in _names(sp)} - own)


def _names(specialty: str) -> tuple[str, ...]:
    sp = FW.specialty(specialty)
    return (sp.name, *sp.aliases)


def mentions(text: str, name: str) -> bool:
    folded = _fold(text)
    if name.isascii():  # 「NO」, 「CS」 as words, not inside 「SLA」 or 「NOC」
        return re.search(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", folded) is not None
    return name in folded


def contexts(fact: FactDef) -> list[Facts]:
    """The answers a question can be worded against: none, and each value of a fact it names."""
    named = re.findall(r"\{([a-z_]+)\}", fact.question + fact.help)
    out: list[Facts] = [{}]
    for name in named:
        if name != "specialty":
            out += [{name: o.id} for o in FW.fact(name).options]
    return out


def texts(w: Wording) -> list[str]:
    """Everything a person reads for the question: question, help, labels, details, example."""
    out = [w.question, w.help, w.placeholder]
    out += [t for o in w.options for t in (o.label, o.detail)]
    out += [s.label for s in w.statements]
    return [t for t in out if t]


def dimensions_reading(specialty: str, fact_id: str) -> set[str]:
    """Names of the dimensions whose criteria, in this specialty's indicators, read the fact."""
    names = {d.id: d.name for d in FW.job_category.dimensions}
    found = set()
    for ind in FW.job_category.indicators:
        if specialty in ind.specialties:
            for dim in ind.dimensions:
                if any(fact_id in condition_facts(c.when) for c in dim.criteria):
                    found.add(names[dim.id])
    return found


@pytest.mark.parametrize(("specialty", "fact_id"), CASES)
def test_no_question_refers_to_another_specialty(specialty: str, fact_id: str) -> None:
    fact = FW.fact(fact_id)
    for facts in contexts(fact):
        for text in texts(wording(FW, fact, specialty, facts)):
            for name in foreign_names(specialty):
                assert not mentions(text, name), f"{fact_id} for {specialty} says {name!r}: {text}"


@pytest.mark.parametrize(("specialty", "fact_id"), CASES)
def test_no_label_twice_and_every_placeholder_filled(specialty: str, fact_id: str) -> None:
    fact = FW.fact(fact_id)
    for facts in contexts(fact):
        w = wording(FW, fact, specialty, facts)
        labels = [o.label for o in w.options] + [s.label for s in w.statements]
        assert len(labels) == len(set(labels)), f"{fact_id} for {specialty}: {labels}"
        for text in texts(w):
            assert "{" not in text, text
            assert "}" not in text, text


@pytest.mark.parametrize(("specialty", "fact_id"), CASES)
def test_each_question_names_the_dimensions_it_serves(specialty: str, fact_id: str) -> None:
    fact = FW.fact(fact_id)
    w = wording(FW, fact, specialty, {})
    assert w.serves, f"{fact_id} names no dimension"
    assert set(w.serves) == dimensions_reading(specialty, fact_id)
    # ... and the Slack question shows them beside the question number
    session = ENGINE.new_session(PersonKey(team="T1", user="U1"), "i1", T0)
    session = ENGINE.handle(session, Command(action="choose", specialty=specialty), T0).session
    session = session.model_copy(update={"current": fact_id})
    view = ENGINE.question(session)
    assert view is not None
    blocks = question(view, session)
    assert blocks[0]["elements"][0]["text"].endswith("観点: " + "・".join(w.serves))
    # what Slack shows of the question and its choices (the seed quotes under it aside)
    shown = [t for b in blocks if not _is_evidence(b) for t in _texts(b)]
    assert view.question in " ".join(shown)
    for text in shown:
        for name in foreign_names(specialty):
            assert not mentions(text, name), f"{fact_id} for {specialty} shows {name!r}: {text}"


def _is_evidence(block: dict[str, Any]) -> bool:
    return "ITSS 達成度指標" in json.dumps(block, ensure_ascii=False)


def _texts(node: object) -> list[str]:
    """Every `text` string in a Block Kit structure."""
    if isinstance(node, dict):
        out = [node["text"]] if isinstance(node.get("text"), str) else []
        return out + [t for v in node.values() for t in _texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in _texts(v)]
    return []


def test_responsibilities_name_the_role_answered() -> None:
    fact = FW.fact("responsibilities")
    for role in FW.fact("role").options:
        w = wording(FW, fact, "network_operations", {"role": role.id})
        assert f"ネットワークオペレーションの{role.label}として" in w.question
    assert "その役割" not in fact.question


def test_service_success_is_worded_per_specialty() -> None:
    fact = FW.fact("service_success")
    so = wording(FW, fact, "system_operations", {})
    cs = wording(FW, fact, "customer_support", {})
    assert "システムオペレーション" in so.question
    assert "ユーザサービスの向上" in cs.question
    assert "カスタマサポート" not in so.question + so.help


def test_each_number_question_has_its_own_placeholder() -> None:
    numbers = [f for f in FW.facts if f.kind == "int"]
    placeholders = [f.placeholder for f in numbers]
    assert all(placeholders)
    assert len(set(placeholders)) == len(placeholders)
    # each example is an answer its own question accepts
    for fact in numbers:
        for example in fact.placeholder.removeprefix("例: ").split(" / "):
            coerce_fact(fact, (fact.specialties or SPECIALTIES)[0], example)


def test_users_are_people_and_contracts_offer_the_in_house_budget() -> None:
    assert "利用者数（問合せ件数ではない）" in FW.fact("users_per_year").question
    assert "社内運用の場合は年間運用予算" in FW.fact("annual_contract_yen").question


def test_role_options_say_what_each_was_accountable_for() -> None:
    role = FW.fact("role")
    details = [o.detail for o in role.options]
    assert all("責任" in d for d in details)
    assert len(set(details)) == len(details)


# ------------------------------------------------------------------ mastery: three statements


def test_mastery_is_asked_as_three_statements_all_needed() -> None:
    fact = FW.fact("mastery")
    assert [s.label for s in fact.statements] == [
        "担当システムの構成と手順を他者に説明できる",
        "障害・変更時に複数案から判断して選んだ",
        "担当期間の最後まで受け持った",
    ]
    every = [s.id for s in fact.statements]
    assert coerce_fact(fact, "system_operations", every) is True
    for missing in every:
        rest = [s for s in every if s != missing]
        assert coerce_fact(fact, "system_operations", rest) is False
    assert coerce_fact(fact, "system_operations", []) is False
    # answer files and stored sessions keep one bool
    assert coerce_fact(fact, "system_operations", True) is True
    assert coerce_fact(fact, "system_operations", "いいえ") is False
    with pytest.raises(AnswerError):
        coerce_fact(fact, "system_operations", ["explain", "guess"])


def test_mastery_through_the_engine_stores_one_bool() -> None:
    session = ENGINE.new_session(PersonKey(team="T1", user="U1"), "i1", T0)
    session = ENGINE.handle(
        session, Command(action="choose", specialty="system_operations"), T0
    ).session
    session = session.model_copy(update={"current": "mastery"})
    view = ENGINE.question(session)
    assert view is not None
    assert [s.id for s in view.statements] == ["explain", "decide", "through"]
    blocks = question(view, session)
    checks = next(b for b in blocks if b.get("block_id") == "set")["elements"][0]
    assert [o["value"] for o in checks["options"]] == ["explain", "decide", "through"]
    assert not any(b.get("block_id") == "answer" for b in blocks), "no bare はい button"
    cmd = Command(action="answer", step=session.step, fact="mastery", value=["explain", "through"])
    outcome = ENGINE.handle(session, cmd, T0)
    assert outcome.session.answers["mastery"] is False
    assert outcome.recorded is not None
    assert outcome.recorded.shown == "いいえ（3項目中2項目が当てはまる）"


# ------------------------------------------------------------------ the file is checked


@functools.cache
def _raw() -> dict[str, Any]:
    text = resources.files("framework_data").joinpath("data/operations.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def raw_framework() -> dict[str, Any]:
    """The bundled file as data, a fresh copy to change."""
    return copy.deepcopy(_raw())


def problems_of(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        Framework.model_validate(data)
    return str(caught.value)


def fact_entry(data: dict[str, Any], fact_id: str) -> dict[str, Any]:
    entry: dict[str, Any] = next(f for f in data["facts"] if f["id"] == fact_id)
    return entry


def test_serves_must_match_the_criteria_that_read_the_fact() -> None:
    data = raw_framework()
    fact_entry(data, "mastery")["serves"] = ["task", "size"]
    assert "facts[11].serves" in problems_of(data)


def test_a_placeholder_must_name_the_specialty_or_a_fact() -> None:
    data = raw_framework()
    fact_entry(data, "responsibilities")["question"] = "{rank}として"
    assert "{rank} names neither the specialty nor a fact" in problems_of(data)


def test_a_duplicated_label_is_refused() -> None:
    data = raw_framework()
    fact_entry(data, "satisfaction_rank")["options"][2]["label"] = "該当なし"
    assert "label '該当なし' appears twice" in problems_of(data)


def test_statements_only_for_bool_facts_and_placeholders_only_for_numbers() -> None:
    data = raw_framework()
    fact_entry(data, "role")["statements"] = [{"id": "a", "label": "a"}]
    assert "only a bool fact is asked through statements" in problems_of(data)
    data = raw_framework()
    del fact_entry(data, "peak_staff")["placeholder"]
    assert "needs its own placeholder" in problems_of(data)


# ------------------------------------------------------------------ docs/interview.md


def test_docs_list_every_question_as_the_data_words_it() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "interview.md").read_text("utf-8")
    dims = {d.id: d.name for d in FW.job_category.dimensions}
    for fact in FW.facts:
        rows = [line for line in doc.splitlines() if line.startswith(f"| `{fact.id}` (")]
        assert len(rows) == 1, f"docs/interview.md lists {fact.id} {len(rows)} times"
        row = rows[0]
        assert f" | {'・'.join(dims[d] for d in fact.serves)} | " in row
        for text in (fact.question, *fact.question_by_specialty.values()):
            assert text in row, f"{fact.id}: docs/interview.md shows another question"
        labels = [o.label for sp in SPECIALTIES for o in fact.options_for(sp)]
        for label in [*labels, *(s.label for s in fact.statements), fact.placeholder]:
            assert label in row, f"{fact.id}: {label!r} is not in docs/interview.md"
    assert FW.source.version in doc


def test_why_a_question_is_asked_quotes_the_seeds_lead_and_bullets() -> None:
    session = ENGINE.new_session(PersonKey(team="T1", user="U1"), "i1", T0)
    chosen = ENGINE.handle(session, Command(action="choose", specialty="system_operations"), T0)
    at = chosen.session.model_copy(update={"current": "mastery"})
    view = ENGINE.question(at)
    assert view is not None
    level4 = next(e for e in view.evidence if e.level == 4)
    shown = next(t for t in _texts(question(view, at)) if t.startswith("*レベル4 タスク特性*"))
    lines = shown.split("\n")
    assert lines[1] == level4.lead
    assert lines[2:] == [f"• {item}" for item in level4.items]
    # the seed's flattened text runs two items together (「…責任課長相当以上へ…」); not shown
    assert "責任課長相当以上" in level4.text
    assert "責任課長相当以上" not in shown
