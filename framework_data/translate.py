"""The framework as a reader of another language sees it. Pure.

Only the texts we wrote are translated: the facts' questions, help, examples, units, options
and statements, the criteria's plain statements and evidence, and the editorial notes. Each has
an entry in ``framework_data/locale/<lang>/LC_MESSAGES/framework.po`` whose msgctxt is its path
(``facts.role.question``) and whose msgid is its Japanese as in the YAML: an entry whose
Japanese has changed since it was translated is not used (the Japanese is shown) until it is
translated again (``scripts/framework-po`` marks it fuzzy; docs/i18n.md, "Framework").

The seed's own texts (indicator texts, descriptions, skills, knowledge) stay Japanese for every
reader. The names of the job category, its dimensions and specialties, and the source's title,
keep their Japanese beside the English (``Responsibility (責任性)``) so that a reader can match
them to the seed; a specialty also answers to its English and Japanese names when typed.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Protocol

from babel.messages.pofile import read_po

from framework_data.models import (
    AchievementIndicator,
    Criterion,
    DimensionDef,
    FactDef,
    Framework,
    Option,
    Specialty,
)

SOURCE = "ja"  # the language of the YAML
CATALOGS = Path(__file__).parent / "locale"
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]")

log = logging.getLogger("itss.i18n")
_cache: dict[tuple[int, str], tuple[Framework, Framework]] = {}
_lock = threading.Lock()


def localized(framework: Framework, locale: str) -> Framework:
    """`framework` with its curated texts in `locale`; the seed's own texts stay Japanese.
    Built once per framework and locale."""
    key = (id(framework), locale)
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] is framework:
            return hit[1]
    shown = _translate(framework, locale)
    with _lock:
        _cache[key] = (framework, shown)
    return shown


@dataclass(frozen=True)
class Curated:
    """One text we wrote, by its path (the catalog's msgctxt) and its Japanese. A `name` is
    shown with its Japanese beside the translation."""

    path: str
    japanese: str
    name: bool = False


def curated(framework: Framework) -> list[Curated]:
    """Every curated text of `framework`, in the order of the YAML file."""
    words = _Recorder()
    _rebuild(framework, words)
    return words.found


def translation(path: str, japanese: str, locale: str) -> str | None:
    """The translation of the curated text at `path` when it was made from `japanese`."""
    entry = _catalog(locale).get(path)
    if entry is None or entry.fuzzy or entry.japanese != japanese or not entry.text:
        return None
    return entry.text


def beside(translated: str, japanese: str) -> str:
    """A name as a reader of another language sees it: ``Responsibility (責任性)``."""
    return f"{translated} ({japanese})"


def kept_japanese(framework: Framework) -> set[str]:
    """The Japanese an English reader sees in the framework: the seed's own texts, the
    Japanese beside the English names, and any curated text that has no current English."""
    names = {
        beside(english, c.japanese): c.japanese
        for c in curated(framework)
        if c.name and (english := translation(c.path, c.japanese, "en")) is not None
    }
    shown = localized(framework, "en")
    return {names.get(text, text) for text in _strings(shown.model_dump()) if JAPANESE.search(text)}


# --------------------------------------------------------------------------- catalogs


@dataclass(frozen=True)
class _Entry:
    japanese: str
    text: str
    fuzzy: bool


@cache
def _catalog(locale: str) -> dict[str, _Entry]:
    path = CATALOGS / locale / "LC_MESSAGES" / "framework.po"
    if locale == SOURCE or not path.exists():
        return {}
    with path.open("rb") as f:
        po = read_po(f, locale=locale)
    return {
        str(m.context): _Entry(str(m.id), str(m.string or ""), m.fuzzy)
        for m in po
        if m.id and m.context
    }


def _translate(framework: Framework, locale: str) -> Framework:
    if locale == SOURCE or not _catalog(locale):
        return framework
    words = _Translator(locale)
    shown = _rebuild(framework, words)
    if words.untranslated:
        log.warning(
            "%d curated texts have no current %s translation and are shown in Japanese: %s",
            len(words.untranslated),
            locale,
            ", ".join(words.untranslated[:5]),
        )
    return shown


class _Words(Protocol):
    def text(self, path: str, japanese: str) -> str:
        """What to show for a curated text."""

    def name(self, path: str, japanese: str) -> str | None:
        """The translation to show beside a name, or None to show the name alone."""


@dataclass
class _Recorder:
    found: list[Curated] = field(default_factory=list)

    def text(self, path: str, japanese: str) -> str:
        self.found.append(Curated(path, japanese))
        return japanese

    def name(self, path: str, japanese: str) -> str | None:
        self.found.append(Curated(path, japanese, name=True))
        return None


@dataclass
class _Translator:
    locale: str
    untranslated: list[str] = field(default_factory=list)

    def text(self, path: str, japanese: str) -> str:
        return self._lookup(path, japanese) or japanese

    def name(self, path: str, japanese: str) -> str | None:
        return self._lookup(path, japanese)

    def _lookup(self, path: str, japanese: str) -> str | None:
        found = translation(path, japanese, self.locale)
        if found is None:
            self.untranslated.append(path)
        return found


# --------------------------------------------------------------------------- the copy


def _rebuild(fw: Framework, words: _Words) -> Framework:
    """`fw` with each curated text replaced by what `words` shows for it (paths in one place,
    so that the catalog, the copy and the checks always agree on what is curated)."""

    def text(path: str, japanese: str) -> str:
        return words.text(path, japanese) if japanese else japanese

    def name(path: str, japanese: str) -> str:
        translated = words.name(path, japanese)
        return japanese if translated is None else beside(translated, japanese)

    # In the order of the YAML file, which is the order of the catalog.
    source = fw.source.model_copy(
        update={
            "publisher": text("source.publisher", fw.source.publisher),
            "title": name("source.title", fw.source.title),
            "version": text("source.version", fw.source.version),
            "note": text("source.note", fw.source.note),
        }
    )
    facts = tuple(_fact(f, text) for f in fw.facts)
    jc = fw.job_category
    jc_name = name("job_category.name", jc.name)
    note = text("job_category.undefined_levels_note", jc.undefined_levels_note)
    dimensions = tuple(
        d.model_copy(update={"name": name(f"dimensions.{d.id}.name", d.name)})
        for d in jc.dimensions
    )
    specialties = tuple(_specialty(s, words) for s in jc.specialties)
    shown = {d.id: d.name for d in dimensions}
    indicators = tuple(_indicator(i, text, jc.dimensions, shown) for i in jc.indicators)
    job_category = jc.model_copy(
        update={
            "name": jc_name,
            "undefined_levels_note": note,
            "dimensions": dimensions,
            "specialties": specialties,
            "indicators": indicators,
        }
    )
    return fw.model_copy(update={"source": source, "facts": facts, "job_category": job_category})


class _Text(Protocol):
    def __call__(self, path: str, japanese: str, /) -> str: ...


def _fact(f: FactDef, text: _Text) -> FactDef:
    p = f"facts.{f.id}"

    def options(path: str, options: tuple[Option, ...]) -> tuple[Option, ...]:
        return tuple(
            o.model_copy(
                update={
                    "label": text(f"{path}.{o.id}.label", o.label),
                    "detail": text(f"{path}.{o.id}.detail", o.detail),
                }
            )
            for o in options
        )

    # An inflected unit is written "singular|plural" in the catalog ("site|sites").
    unit_one, _, unit = text(f"{p}.unit", f.unit).rpartition("|")
    return f.model_copy(
        update={
            "label": text(f"{p}.label", f.label),
            "question": text(f"{p}.question", f.question),
            "question_by_specialty": {
                k: text(f"{p}.question_by_specialty.{k}", v)
                for k, v in f.question_by_specialty.items()
            },
            "help": text(f"{p}.help", f.help),
            "help_by_specialty": {
                k: text(f"{p}.help_by_specialty.{k}", v) for k, v in f.help_by_specialty.items()
            },
            "statements": tuple(
                s.model_copy(update={"label": text(f"{p}.statements.{s.id}.label", s.label)})
                for s in f.statements
            ),
            "placeholder": text(f"{p}.placeholder", f.placeholder),
            "unit": unit,
            "unit_one": unit_one,
            "options": options(f"{p}.options", f.options),
            "options_by_specialty": {
                k: options(f"{p}.options_by_specialty.{k}", v)
                for k, v in f.options_by_specialty.items()
            },
        }
    )


def _specialty(s: Specialty, words: _Words) -> Specialty:
    """The specialty under its shown name, still found by every name a person may type."""
    translated = words.name(f"specialties.{s.id}.name", s.name)
    if translated is None:
        return s
    aliases = tuple(dict.fromkeys((*s.aliases, s.name, translated)))
    return s.model_copy(update={"name": beside(translated, s.name), "aliases": aliases})


def _indicator(
    ind: AchievementIndicator,
    text: _Text,
    japanese: tuple[DimensionDef, ...],
    shown: dict[str, str],
) -> AchievementIndicator:
    """The indicator with its criteria's texts shown and each dimension under the name its
    definition shows (`shown` by id; a dimension named otherwise than its definition keeps its
    own name)."""
    named = {d.id: d.name for d in japanese}
    p = f"indicators.{ind.id}.dimensions"

    def criterion(path: str, c: Criterion) -> Criterion:
        return c.model_copy(
            update={
                "label": text(f"{path}.{c.id}.label", c.label),
                "evidence": text(f"{path}.{c.id}.evidence", c.evidence),
            }
        )

    return ind.model_copy(
        update={
            "dimensions": tuple(
                d.model_copy(
                    update={
                        "name": shown[d.id] if named.get(d.id) == d.name else d.name,
                        "criteria": tuple(criterion(f"{p}.{d.id}.criteria", c) for c in d.criteria),
                    }
                )
                for d in ind.dimensions
            )
        }
    )


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)
