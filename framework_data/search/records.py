"""Index records: one per searchable definition, with its normalised, weighted fields.

`build_records` turns a framework into records in a fixed order (indicator dimensions, スキル熟達度,
知識項目 nodes, スキル項目); a record's ordinal is its position. Every field holds the compact form
of one text (see `textnorm.compact`) and a weight: a match in a short curated field beats one in a
long definition text. Records with the same `group` are one hit, merged across specialties.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from flows.i18n import t
from framework_data.models import Framework, KnowledgeNode, SkillItem
from framework_data.textnorm import compact

Kind = Literal["dimension", "proficiency", "knowledge", "skill"]

KIND_RANK: dict[str, int] = {"dimension": 0, "proficiency": 1, "knowledge": 2, "skill": 3}

# Field weights: a match in a short curated field beats one in a long definition text.
_W_SKILL_NAME = 3.5
_W_NODE = 3.0
_W_ITEM = 3.0
_W_SKILL_OF_PROFICIENCY = 3.0  # "リーダーシップ" → every リーダーシップ スキル熟達度
_W_TOPIC = 2.5
_W_DIMENSION_NAME = 2.0
_W_CONTEXT = 1.5  # a knowledge node's ancestors, a dimension's lead
_W_SKILL_OF_KNOWLEDGE = 1.0
_W_TEXT = 1.0


@dataclass(frozen=True, slots=True)
class Field:
    text: str  # compact form
    weight: float
    exact: bool  # equality with the query is an exact item hit


@dataclass(frozen=True, slots=True)
class Record:
    ordinal: int
    kind: Kind
    specialties: tuple[str, ...]  # framework order
    level: int | None
    levels: frozenset[int]  # for filtering; empty: level-agnostic
    title: str
    text: str
    fields: tuple[Field, ...]
    group: str  # records with the same group are merged into one hit
    listed: bool  # shown when a query has specialty or level filters but no keywords
    top: bool  # shown when a query asks for its kind but has no keywords (not a knowledge child)

    def sort_key(self) -> tuple[int, int, int]:
        return (KIND_RANK[self.kind], self.level or 0, self.ordinal)


def core_name(name: str) -> str:
    """顧客リレーションの確立(ヘルプデスク) → 顧客リレーション."""
    core = re.sub(r"[(（][^)）]*[)）]", "", name).strip()
    return core.removesuffix("の確立") or name


def in_order(order: Iterable[str], specialties: Iterable[str]) -> tuple[str, ...]:
    """`specialties` in the framework's `order`."""
    wanted = set(specialties)
    return tuple(s for s in order if s in wanted)


def build_records(framework: Framework) -> list[Record]:
    """The records of every definition in the framework, ordinal = position."""
    return _Builder(framework).records


def exact_names(records: Iterable[Record]) -> frozenset[str]:
    """The compact names that equal an item, a knowledge node or a skill (exact fields)."""
    return frozenset(f.text for r in records for f in r.fields if f.exact)


class _Builder:
    def __init__(self, framework: Framework) -> None:
        jc = framework.job_category
        self._specialty_order = tuple(s.id for s in jc.specialties)
        self._specialty_names = {s.id: s.name for s in jc.specialties}
        self._skills = {s.id: s for s in jc.skills}
        self._common_label = t("search.common", name=jc.name)
        self.records: list[Record] = []
        self._build_dimensions(framework)
        self._build_proficiencies(framework)
        self._build_knowledge(framework)
        self._build_skills(framework)

    def _label(self, specialties: Iterable[str]) -> str:
        wanted = set(specialties)
        if wanted >= set(self._specialty_order) and len(self._specialty_order) > 1:
            return self._common_label
        names = (self._specialty_names[s] for s in self._specialty_order if s in wanted)
        return t("search.names_sep").join(names)

    def _ordered(self, specialties: Iterable[str]) -> tuple[str, ...]:
        return in_order(self._specialty_order, specialties)

    def _skill_name(self, skill_id: str) -> str:
        skill = self._skills.get(skill_id)
        return skill.name if skill is not None else skill_id

    def _add(
        self,
        *,
        kind: Kind,
        specialties: tuple[str, ...],
        level: int | None,
        levels: frozenset[int],
        title: str,
        text: str,
        fields: Iterable[Field],
        group: str,
        listed: bool,
        top: bool = True,
    ) -> None:
        kept = tuple(f for f in fields if f.text)
        self.records.append(
            Record(
                len(self.records),
                kind,
                specialties,
                level,
                levels,
                title,
                text,
                kept,
                group,
                listed,
                top,
            )
        )

    def _build_dimensions(self, framework: Framework) -> None:
        for indicator in framework.job_category.indicators:
            specialties = self._ordered(indicator.specialties)
            label = self._label(specialties)
            for dim in indicator.dimensions:
                fields = [Field(compact(item), _W_ITEM, True) for item in dim.items]
                fields.append(Field(compact(dim.name), _W_DIMENSION_NAME, False))
                if dim.lead:
                    fields.append(Field(compact(dim.lead), _W_CONTEXT, False))
                fields.append(Field(compact(dim.text), _W_TEXT, False))
                self._add(
                    kind="dimension",
                    specialties=specialties,
                    level=indicator.level,
                    levels=frozenset({indicator.level}),
                    title=t(
                        "search.title.dimension",
                        label=label,
                        level=indicator.level,
                        dimension=dim.name,
                    ),
                    text=dim.text,
                    fields=fields,
                    group=f"dimension:{indicator.id}:{dim.id}",
                    listed=True,
                )

    def _build_proficiencies(self, framework: Framework) -> None:
        for n, prof in enumerate(framework.job_category.proficiencies):
            specialties = self._ordered(prof.specialties)
            name = self._skill_name(prof.skill)
            fields = [
                Field(compact(prof.text), _W_TEXT, False),
                Field(compact(name), _W_SKILL_OF_PROFICIENCY, False),
                Field(compact(core_name(name)), _W_SKILL_OF_PROFICIENCY, False),
            ]
            self._add(
                kind="proficiency",
                specialties=specialties,
                level=prof.level,
                levels=frozenset({prof.level}),
                title=t(
                    "search.title.proficiency",
                    label=self._label(specialties),
                    skill=name,
                    level=prof.level,
                ),
                text=prof.text,
                fields=fields,
                group=f"proficiency:{n}",
                listed=True,
            )

    def _build_knowledge(self, framework: Framework) -> None:
        for knowledge in framework.job_category.knowledge:
            name = self._skill_name(knowledge.skill)
            specialties = self._ordered(knowledge.specialties)
            for path in _walk(knowledge.items, ()):
                node = path[-1]
                texts = [n.text for n in path]
                fields = [Field(compact(node.text), _W_NODE, True)]
                fields += [Field(compact(t), _W_CONTEXT, False) for t in texts[:-1]]
                fields.append(Field(compact(name), _W_SKILL_OF_KNOWLEDGE, False))
                children = [c.text for c in node.children]
                self._add(
                    kind="knowledge",
                    specialties=specialties,
                    level=None,
                    levels=frozenset(knowledge.levels),
                    title=t("search.title.knowledge", skill=name, path=" > ".join(texts)),
                    text=t("search.items_sep").join(children) if children else node.text,
                    fields=fields,
                    group="knowledge:" + "\n".join(compact(t) for t in [name, *texts]),
                    listed=False,
                    top=len(path) == 1,
                )

    def _build_skills(self, framework: Framework) -> None:
        for skill in framework.job_category.skills:
            specialties = self._ordered(
                skill.specialties if skill.specialties is not None else self._specialty_order
            )
            fields = [
                Field(compact(skill.name), _W_SKILL_NAME, True),
                Field(compact(core_name(skill.name)), _W_SKILL_NAME, True),
            ]
            fields += [Field(compact(t), _W_TOPIC, True) for t in skill.topics]
            self._add(
                kind="skill",
                specialties=specialties,
                level=None,
                levels=frozenset(),
                title=t("search.title.skill", skill=skill.name),
                text=_skill_text(skill),
                fields=fields,
                group=f"skill:{skill.id}",
                listed=False,
            )


def _walk(
    nodes: tuple[KnowledgeNode, ...], parents: tuple[KnowledgeNode, ...]
) -> Iterator[tuple[KnowledgeNode, ...]]:
    for node in nodes:
        path = (*parents, node)
        yield path
        yield from _walk(node.children, path)


def _skill_text(skill: SkillItem) -> str:
    return t("search.items_sep").join(skill.topics) if skill.topics else skill.name
