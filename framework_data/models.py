"""The framework as data: frozen pydantic models for an ITSS job category.

Nothing here assumes three specialties, five levels or particular facts: those live in
the YAML file. Cross-references (a rule naming a fact, an indicator naming a specialty)
are checked by validators so that `itss-bot framework validate` reports the bad field.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --------------------------------------------------------------------------- facts


class Option(Frozen):
    """One value of a choice or multi-select fact, with its Japanese label."""

    id: Id
    label: str
    detail: str = ""


class Statement(Frozen):
    """One concrete statement of a fact asked through several (see `FactDef.statements`)."""

    id: Id
    label: str


class FactDef(Frozen):
    """A fact the interview asks for and the rules read.

    kinds: ``ordinal`` (options in ascending order), ``bool``, ``int`` (≥ 0),
    ``set`` (a subset of options). ``specialties`` limits a fact to some specialties;
    ``options_by_specialty`` gives a set fact different options per specialty, and
    ``question_by_specialty`` / ``help_by_specialty`` a specialty its own wording.
    A question or help text may name ``{specialty}`` (the specialty's name) or another fact's
    id in braces (that fact's answer, or its label while unanswered; see flows.wording).

    ``serves`` lists the dimensions whose criteria read the fact (checked by integrity).
    A bool fact with ``statements`` is asked as those statements and is true only when every
    one holds; the stored value stays one bool. ``placeholder`` is an int fact's example input.
    """

    id: Id
    kind: Literal["ordinal", "bool", "int", "set"]
    label: str
    question: str
    question_by_specialty: dict[str, str] = Field(default_factory=dict)
    help: str = ""
    help_by_specialty: dict[str, str] = Field(default_factory=dict)
    serves: tuple[Id, ...] = Field(min_length=1)
    statements: tuple[Statement, ...] = ()
    placeholder: str = ""
    unit: str = ""
    unit_one: str = ""  # after a count of 1 where the language inflects (en "site"); "": unit
    number_kind: Literal["count", "yen"] = "count"
    options: tuple[Option, ...] = ()
    options_by_specialty: dict[str, tuple[Option, ...]] = Field(default_factory=dict)
    specialties: tuple[Id, ...] | None = None
    optional: bool = False

    @model_validator(mode="after")
    def _options_fit_kind(self) -> FactDef:
        has_options = bool(self.options) or bool(self.options_by_specialty)
        if self.kind in ("ordinal", "set") and not has_options:
            raise ValueError(f"fact {self.id!r} of kind {self.kind} needs options")
        if self.kind in ("bool", "int") and has_options:
            raise ValueError(f"fact {self.id!r} of kind {self.kind} takes no options")
        if self.statements and self.kind != "bool":
            raise ValueError(f"fact {self.id!r}: only a bool fact is asked through statements")
        if self.kind == "int" and not self.placeholder:
            raise ValueError(f"fact {self.id!r}: an int fact needs its own placeholder")
        if self.placeholder and self.kind != "int":
            raise ValueError(f"fact {self.id!r}: only an int fact takes a placeholder")
        return self

    def options_for(self, specialty: str) -> tuple[Option, ...]:
        return self.options_by_specialty.get(specialty, self.options)

    def question_for(self, specialty: str) -> str:
        """The question's template for `specialty` (placeholders not yet filled)."""
        return self.question_by_specialty.get(specialty, self.question)

    def help_for(self, specialty: str) -> str:
        return self.help_by_specialty.get(specialty, self.help)

    def applies_to(self, specialty: str) -> bool:
        return self.specialties is None or specialty in self.specialties


# --------------------------------------------------------------------------- rules


class AtLeast(Frozen):
    """fact ≥ value: an ordinal option id, or an integer for int facts."""

    op: Literal["at_least"]
    fact: Id
    value: str | int


class Equals(Frozen):
    op: Literal["equals"]
    fact: Id
    value: str | int | bool


class IsTrue(Frozen):
    op: Literal["is_true"]
    fact: Id


class Includes(Frozen):
    """A set fact contains every listed option."""

    op: Literal["includes"]
    fact: Id
    value: tuple[Id, ...]


class Several(Frozen):
    """A set fact contains at least min(settings.several_min, len(value)) of the options."""

    op: Literal["several"]
    fact: Id
    value: tuple[Id, ...]


class AnyOf(Frozen):
    op: Literal["any"]
    of: tuple[Condition, ...] = Field(min_length=1)


class AllOf(Frozen):
    op: Literal["all"]
    of: tuple[Condition, ...] = Field(min_length=1)


Condition = Annotated[
    AtLeast | Equals | IsTrue | Includes | Several | AnyOf | AllOf,
    Field(discriminator="op"),
]
AnyOf.model_rebuild()
AllOf.model_rebuild()


class Criterion(Frozen):
    """One checkable part of a dimension, with its plain-Japanese statement.

    ``evidence`` says what to gather to show the criterion is met (documents, figures, whose
    judgement); it is editorial guidance for the development plan, not seed text.
    """

    id: Id
    label: str
    when: Condition
    evidence: str = ""


# --------------------------------------------------------------------------- indicators


class Dimension(Frozen):
    """One of an indicator's dimensions: the verbatim seed text, curated items and rule."""

    id: Id
    name: str
    text: str
    lead: str = ""
    items: tuple[str, ...] = ()
    criteria: tuple[Criterion, ...] = Field(min_length=1)


class AchievementIndicator(Frozen):
    """達成度指標 of one level for one or more specialties."""

    id: Id
    level: int = Field(ge=1)
    specialties: tuple[Id, ...] = Field(min_length=1)
    source_label: str = ""
    dimensions: tuple[Dimension, ...] = Field(min_length=1)


class DimensionDef(Frozen):
    """A dimension of every indicator; ``skills`` names the common スキル項目 whose スキル熟達度
    a development plan lists when the dimension is unmet (an editorial reading)."""

    id: Id
    name: str
    skills: tuple[Id, ...] = ()


class Specialty(Frozen):
    id: Id
    name: str
    description: str
    aliases: tuple[str, ...] = ()


# --------------------------------------------------------------------------- skills


class SkillItem(Frozen):
    """A スキル項目: common to the job category, or specific to some specialties."""

    id: Id
    name: str
    topics: tuple[str, ...] = ()
    specialties: tuple[Id, ...] | None = None  # None: common to all specialties


class KnowledgeNode(Frozen):
    text: str
    children: tuple[KnowledgeNode, ...] = ()


class Proficiency(Frozen):
    """スキル熟達度: what a person at `level` can do in `skill` for `specialties`."""

    skill: Id
    specialties: tuple[Id, ...]
    level: int = Field(ge=1)
    text: str


class Knowledge(Frozen):
    """知識項目 of one skill item for some specialties, as a tree."""

    skill: Id
    specialties: tuple[Id, ...]
    levels: tuple[int, ...] = ()
    items: tuple[KnowledgeNode, ...]


# --------------------------------------------------------------------------- framework


class Source(Frozen):
    """Where the framework's texts come from. `version` states only what the source document
    itself says (its edition, or that it names none); `note` is an editorial note (what is
    known from elsewhere), printed marked as such."""

    publisher: str
    title: str
    version: str
    note: str = ""


class Settings(Frozen):
    """Pass rule and thresholds that an organisation may tune without touching code."""

    several_min: int = Field(default=2, ge=1)
    min_dimensions_met: int | None = Field(default=None, ge=1)  # None: every dimension
    cumulative: bool = True  # a level needs every lower level met too (docs/rules.md)


class JobCategory(Frozen):
    id: Id
    name: str
    description: str
    levels: tuple[int, ...] = Field(min_length=1)
    undefined_levels: tuple[int, ...] = ()
    undefined_levels_note: str = ""
    dimensions: tuple[DimensionDef, ...] = Field(min_length=1)
    specialties: tuple[Specialty, ...] = Field(min_length=1)
    indicators: tuple[AchievementIndicator, ...] = Field(min_length=1)
    skills: tuple[SkillItem, ...] = ()
    proficiencies: tuple[Proficiency, ...] = ()
    knowledge: tuple[Knowledge, ...] = ()


class Framework(Frozen):
    id: Id
    version: str
    source: Source
    settings: Settings = Settings()
    facts: tuple[FactDef, ...] = Field(min_length=1)
    job_category: JobCategory

    @property
    def max_level(self) -> int:
        return max(self.job_category.levels)

    def fact(self, fact_id: str) -> FactDef:
        for fact in self.facts:
            if fact.id == fact_id:
                return fact
        raise KeyError(fact_id)

    def specialty(self, specialty_id: str) -> Specialty:
        for specialty in self.job_category.specialties:
            if specialty.id == specialty_id:
                return specialty
        raise KeyError(specialty_id)

    def resolve_specialty(self, text: str) -> str | None:
        """The id of the specialty that `text` names by its id, name or an alias, compared
        after NFKC and casefold (「ＳＯ」, 「so」, 「カスタマサポート」); None when none does."""
        wanted = _fold(text).strip()
        if not wanted:
            return None
        for sp in self.job_category.specialties:
            if wanted in {_fold(n) for n in (sp.id, sp.name, *sp.aliases)}:
                return sp.id
        return None

    def indicator(self, specialty_id: str, level: int) -> AchievementIndicator | None:
        for indicator in self.job_category.indicators:
            if indicator.level == level and specialty_id in indicator.specialties:
                return indicator
        return None

    def facts_for(self, specialty_id: str) -> tuple[FactDef, ...]:
        return tuple(f for f in self.facts if f.applies_to(specialty_id))

    @model_validator(mode="after")
    def _references_resolve(self) -> Framework:
        from framework_data.integrity import check_references

        check_references(self)
        return self


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()
