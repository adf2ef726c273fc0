"""The framework in English (framework_data/translate.py and its catalog): every curated text
translated from its current Japanese, the seed's own texts untouched, the same verdicts."""

from __future__ import annotations

import importlib.util
import io
from collections import defaultdict
from importlib import resources
from types import ModuleType
from typing import Any

import pytest
from babel.messages.catalog import Message
from babel.messages.pofile import read_po

from flows.facts import FactValue, coerce_fact
from flows.i18n import using
from flows.inference import Result, evaluate
from flows.personas import persona
from framework_data.integrity import placeholders
from framework_data.loader import DEFAULT_RESOURCE, load_default, parse_framework
from framework_data.translate import JAPANESE, Curated, curated, kept_japanese, localized
from tests.i18n_check import japanese_left, strings_of
from tests.test_i18n_catalogs import ROOT

FW = load_default()
EN = localized(FW, "en")
PO = ROOT / "framework_data" / "locale" / "en" / "LC_MESSAGES" / "framework.po"
SO, NO, CS = "system_operations", "network_operations", "customer_support"
SPECIALTIES = (SO, NO, CS)
HINT = "edit framework_data/locale/en/LC_MESSAGES/framework.po after scripts/framework-po"


def entries() -> dict[str, Message]:
    with PO.open("rb") as f:
        return {str(m.context): m for m in read_po(f, locale="en") if m.id}


def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("framework_po", ROOT / "scripts/framework_po.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------ the catalog


def test_every_curated_text_is_translated_from_its_current_japanese() -> None:
    found = entries()
    texts = curated(FW)
    assert len({c.path for c in texts}) == len(texts), "two curated texts share a path"
    missing = [c.path for c in texts if c.path not in found]
    stale = sorted(set(found) - {c.path for c in texts})
    changed = [
        f"{c.path}: translated from {found[c.path].id!r}, the YAML now says {c.japanese!r}"
        for c in texts
        if c.path in found and found[c.path].id != c.japanese
    ]
    unchecked = [p for p, m in found.items() if m.fuzzy or not m.string]
    assert not missing, f"no English ({HINT}): {missing}"
    assert not stale, f"entries for texts that are gone (run scripts/framework-po): {stale}"
    assert not changed, "Japanese changed since translated:\n" + "\n".join(changed)
    assert not unchecked, f"untranslated or fuzzy ({HINT}): {unchecked}"


def test_the_catalog_is_what_scripts_framework_po_writes() -> None:
    po = script()
    with PO.open("rb") as f:
        old = read_po(f, locale="en")
    assert po.render(po.merge(curated(FW), old, "en"), "en") == PO.read_text(encoding="utf-8")


def test_every_translation_keeps_the_placeholders_of_its_japanese() -> None:
    for path, m in entries().items():
        assert sorted(placeholders(str(m.id))) == sorted(placeholders(str(m.string))), path


def test_the_same_japanese_reads_the_same_and_different_statements_stay_different() -> None:
    english: dict[str, set[str]] = defaultdict(set)
    japanese: dict[str, set[str]] = defaultdict(set)
    for path, m in entries().items():
        english[str(m.id)].add(str(m.string))
        if ".criteria." in path and path.endswith(".label"):
            japanese[str(m.string)].add(str(m.id))
    assert {ja: en for ja, en in english.items() if len(en) > 1} == {}
    # the result lists the statements of one missing criterion by text: two must not merge
    assert {en: ja for en, ja in japanese.items() if len(ja) > 1} == {}


def test_a_changed_japanese_text_is_shown_in_japanese_and_marked_fuzzy() -> None:
    role = FW.fact("role")
    edited = FW.model_copy(
        update={
            "facts": tuple(
                f.model_copy(update={"question": "{specialty}での役割はどれですか？"})
                if f.id == "role"
                else f
                for f in FW.facts
            )
        }
    )
    shown = localized(edited, "en")
    assert shown.fact("role").question == "{specialty}での役割はどれですか？"
    assert shown.fact("role").help == EN.fact("role").help  # the rest is still English
    assert "{specialty}での役割はどれですか？" in kept_japanese(edited)

    po = script()
    with PO.open("rb") as f:
        merged = po.merge(curated(edited), read_po(f, locale="en"), "en")
    entry = merged.get("{specialty}での役割はどれですか？", context="facts.role.question")
    assert entry.fuzzy
    assert entry.string == EN.fact("role").question  # kept for the translator to check
    assert entry.previous_id == [role.question]
    assert po.untranslated(merged) == ["facts.role.question"]


def test_a_new_text_takes_the_english_of_the_same_japanese_and_a_gone_one_is_dropped() -> None:
    po = script()
    texts = [c for c in curated(FW) if not c.path.startswith("facts.contribution.")]
    copied = next(c for c in texts if c.path == "facts.satisfaction_rank.options.none.label")
    texts.append(Curated("facts.new_fact.options.none.label", copied.japanese))
    with PO.open("rb") as f:
        merged = po.merge(texts, read_po(f, locale="en"), "en")
    contexts = {str(m.context) for m in merged if m.id}
    assert not any(c.startswith("facts.contribution.") for c in contexts)
    new = merged.get(copied.japanese, context="facts.new_fact.options.none.label")
    assert new.string == "None"
    assert not new.fuzzy


def test_a_message_line_that_looks_like_a_header_field_is_kept() -> None:
    po = script()
    merged = po.merge([Curated("facts.x.help", "期限:\n3日\n")], None, "en")
    merged.get("期限:\n3日\n", context="facts.x.help").string = "Due:\n3 days\n"
    back = read_po(io.BytesIO(po.render(merged, "en").encode()), locale="en")
    entry = back.get("期限:\n3日\n", context="facts.x.help")
    assert entry is not None
    assert entry.string == "Due:\n3 days\n"


# ------------------------------------------------------------------ the English framework


def test_the_japanese_framework_is_the_loaded_one_unchanged() -> None:
    assert localized(FW, "ja") is FW
    text = resources.files("framework_data").joinpath(DEFAULT_RESOURCE).read_text("utf-8")
    assert parse_framework(text) == FW
    assert FW.fact("role").question == "{specialty}で、あなたが担った最も上位の役割はどれですか？"
    assert localized(FW, "en") is EN  # built once


def test_no_japanese_is_left_in_the_curated_texts_in_english() -> None:
    japanese = {c.path: c.japanese for c in curated(FW)}
    shown = curated(EN)
    assert [c.path for c in shown] == list(japanese)
    for c in shown:
        if c.name:  # "Responsibility (責任性)": English, then the Japanese as in the seed
            suffix = f" ({japanese[c.path]})"
            assert c.japanese.endswith(suffix), c.path
            english = c.japanese.removesuffix(suffix)
            assert english
            assert not JAPANESE.search(english), c.path
        else:
            assert not JAPANESE.search(c.japanese), f"{c.path}: {c.japanese}"


def test_names_show_the_english_beside_the_japanese() -> None:
    jc = EN.job_category
    assert jc.name == "Operations (オペレーション)"
    assert [d.name for d in jc.dimensions] == [
        "Responsibility (責任性)",
        "Complexity (複雑性)",
        "Size (サイズ)",
        "Task characteristics (タスク特性)",
    ]
    assert [s.name for s in jc.specialties] == [
        "System operations (システムオペレーション)",
        "Network operations (ネットワークオペレーション)",
        "Customer support (カスタマサポート)",
    ]
    names = [d.name for d in jc.dimensions]
    assert all([d.name for d in ind.dimensions] == names for ind in jc.indicators)
    assert EN.source.title.endswith(f"({FW.source.title})")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SO", SO),
        ("ｎｏ", NO),
        ("CS", CS),
        ("システムオペレーション", SO),
        ("ネットワーク運用", NO),
        ("カスタマーサポート", CS),
        ("System operations", SO),
        ("system operations", SO),
        ("Network Operations", NO),
        ("customer support", CS),
        ("help desk", CS),
        ("System operations (システムオペレーション)", SO),
        ("Customer support (カスタマサポート)", CS),
        ("operations", None),
    ],
)
def test_a_specialty_is_found_by_what_people_type_in_either_language(
    text: str, expected: str | None
) -> None:
    assert EN.resolve_specialty(text) == expected


def test_every_name_the_japanese_framework_knows_still_resolves_in_english() -> None:
    for sp in FW.job_category.specialties:
        for name in (sp.id, sp.name, *sp.aliases):
            assert EN.resolve_specialty(name) == sp.id, name


def test_the_seed_texts_and_the_rules_are_the_same_in_both() -> None:
    ja, en = FW.job_category, EN.job_category
    assert (EN.id, EN.version, EN.settings) == (FW.id, FW.version, FW.settings)
    assert (en.id, en.description, en.levels, en.undefined_levels) == (
        ja.id,
        ja.description,
        ja.levels,
        ja.undefined_levels,
    )
    assert (en.skills, en.proficiencies, en.knowledge) == (
        ja.skills,
        ja.proficiencies,
        ja.knowledge,
    )
    assert [(s.id, s.description) for s in en.specialties] == [
        (s.id, s.description) for s in ja.specialties
    ]
    assert [d.skills for d in en.dimensions] == [d.skills for d in ja.dimensions]
    for i, j in zip(en.indicators, ja.indicators, strict=True):
        assert (i.id, i.level, i.specialties, i.source_label) == (
            j.id,
            j.level,
            j.specialties,
            j.source_label,
        )
        for d, e in zip(i.dimensions, j.dimensions, strict=True):
            assert (d.id, d.text, d.lead, d.items) == (e.id, e.text, e.lead, e.items)
            assert [(c.id, c.when) for c in d.criteria] == [(c.id, c.when) for c in e.criteria]
    for f, g in zip(EN.facts, FW.facts, strict=True):
        keep = ("id", "kind", "serves", "number_kind", "specialties", "optional")
        assert [getattr(f, k) for k in keep] == [getattr(g, k) for k in keep]
        for sp in SPECIALTIES:
            assert [o.id for o in f.options_for(sp)] == [o.id for o in g.options_for(sp)]
        assert [s.id for s in f.statements] == [s.id for s in g.statements]


def test_kept_japanese_is_exactly_the_japanese_an_english_reader_sees() -> None:
    kept = kept_japanese(FW)
    shown = list(strings_of(EN))
    assert japanese_left("\n".join(shown), kept) == []  # nothing escapes it
    assert all(any(k in s for s in shown) for k in kept)  # and it holds nothing unseen
    assert all(JAPANESE.search(k) for k in kept)
    # a curated text is kept only where the seed has the same words (an item of a dimension)
    written = {c.japanese for c in curated(FW) if not c.name}
    seed = {t for i in FW.job_category.indicators for d in i.dimensions for t in d.items}
    assert kept & written <= seed
    assert "責任性" in kept
    assert FW.job_category.indicators[0].dimensions[0].text in kept
    assert FW.fact("role").question not in kept


# ------------------------------------------------------------------ what a reader notices


def _verdicts(result: Result) -> dict[str, Any]:
    """Everything a result decides, without its words."""
    return {
        "level": (result.level, result.max_possible_level, result.next_level),
        "levels": [
            (
                lv.level,
                lv.status,
                [
                    (d.id, d.status, [(c.id, c.status, c.facts) for c in d.criteria])
                    for d in lv.dimensions
                ],
            )
            for lv in result.levels
        ],
        "missing": [
            (m.level, m.dimension, m.status, m.dimensions, len(m.rules), m.facts)
            for m in result.missing
        ],
        "unknown": (result.unknown_facts, result.not_asked_facts),
        "reasons": [(r.level, r.dimension, r.status) for r in result.reasons],
    }


ANSWER_SETS: list[tuple[str, dict[str, FactValue], list[str] | None]] = [
    *((sp, persona(sp, level), None) for sp in SPECIALTIES for level in range(6)),
    (SO, {"role": "leader", "operations_count": 4, "followed_manuals": True}, None),
    (CS, {"role": "head", "users_per_year": 5000, "complexity": frozenset()}, ["role", "mastery"]),
    (NO, {}, None),
]


@pytest.mark.parametrize(("specialty", "facts", "asked"), ANSWER_SETS)
def test_inference_gives_the_same_verdicts_in_both_languages(
    specialty: str, facts: dict[str, FactValue], asked: list[str] | None
) -> None:
    ja = evaluate(FW, specialty, facts, asked)
    en = evaluate(EN, specialty, facts, asked)
    assert _verdicts(en) == _verdicts(ja)
    words = [en.specialty_name, *(m.rule_text for m in en.missing)]
    words += [c.label for lv in en.levels for d in lv.dimensions for c in d.criteria]
    assert japanese_left("\n".join(words), kept_japanese(FW)) == []


def test_a_missing_criterion_reads_in_english() -> None:
    result = evaluate(EN, SO, persona(SO, 3))
    assert result.next_level == 4
    rules = [m.rule_text for m in result.missing]
    assert "Led operations team members (role: Team leader or above)" in rules
    assert result.specialty_name == "System operations (システムオペレーション)"


def test_each_english_example_of_a_number_is_an_answer_its_question_accepts() -> None:
    numbers = [f for f in EN.facts if f.kind == "int"]
    assert len({f.placeholder for f in numbers}) == len(numbers)
    for fact in numbers:
        assert fact.placeholder.startswith("e.g. "), fact.id
        for example in fact.placeholder.removeprefix("e.g. ").split(" / "):
            with using("en"):
                coerce_fact(fact, (fact.specialties or SPECIALTIES)[0], example)


SLACK_CHOICE = 75  # characters of a button or checkbox text, and of a checkbox description


def test_english_choices_fit_slack() -> None:
    too_long = []
    for fact in EN.facts:
        for sp in SPECIALTIES:
            for o in fact.options_for(sp):
                details = [o.detail] if fact.kind == "set" else []  # ordinal details: context
                too_long += [t for t in (o.label, *details) if len(t) > SLACK_CHOICE]
        too_long += [s.label for s in fact.statements if len(s.label) > SLACK_CHOICE]
        if len(fact.placeholder) > 150:
            too_long.append(fact.placeholder)
    too_long += [s.name for s in EN.job_category.specialties if len(s.name) > SLACK_CHOICE]
    assert too_long == []


def test_questions_read_as_english_sentences() -> None:
    role = EN.fact("role")
    assert role.question_for(SO) == "In {specialty}, what was the most senior role you held?"
    assert [o.label for o in role.options] == [
        "Operator",
        "Team member",
        "Team leader",
        "Head of operations",
    ]
    assert EN.fact("peak_staff").unit == "people"
    assert EN.fact("mastery").statements[0].label.startswith("I can explain")
    sla = EN.fact("responsibilities").options[0]
    assert (sla.label, sla.detail) == (
        "Meeting the SLA",
        "Service levels agreed with users, e.g. availability and response time",
    )
    for fact in EN.facts:
        for sp in SPECIALTIES:
            question = fact.question_for(sp)
            assert question[0].isupper(), question
            assert question.endswith(("?", ".")), question


def test_an_english_count_of_one_takes_the_singular_unit() -> None:
    from flows.facts import show_value
    from flows.i18n import using

    english = localized(load_default(), "en")
    sites = english.fact("sites")
    assert (sites.unit_one, sites.unit) == ("site", "sites")
    with using("en"):
        assert show_value(sites, "system_operations", 1) == "1 site"
        assert show_value(sites, "system_operations", 2) == "2 sites"
    japanese = load_default().fact("sites")
    assert japanese.unit_one == ""
    assert show_value(japanese, "system_operations", 1) == "1拠点"
