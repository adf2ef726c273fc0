"""`SkillIndex`: the records, query parser, ranker and suggester of one framework, built once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from flows.i18n import t, t_of
from framework_data.models import Framework
from framework_data.search.query import Query, QueryParser
from framework_data.search.ranking import Hit, Ranker
from framework_data.search.records import build_records, exact_names
from framework_data.search.split import BigramSplitter, Splitter
from framework_data.search.suggest import Suggester, Suggestion


@dataclass(frozen=True)
class Lookup:
    """The answer to one query: hits, how they were found, and suggestions when there are none.

    `literal`: some of the query's specialty aliases or bare numbers were read as words,
    because as filters they left nothing. `partial`: a word of the query that is not in the data matched
    with only some of its parts. `suggestions` is empty exactly when `hits` is not.
    """

    query: Query
    hits: tuple[Hit, ...]
    literal: bool = False
    partial: bool = False
    suggestions: tuple[Suggestion, ...] = ()


class SkillIndex:
    """An inverted index over one framework's definitions; build once, search many times."""

    def __init__(self, framework: Framework, splitter: Splitter | None = None) -> None:
        jc = framework.job_category
        self._framework = framework
        self._specialty_names = {s.id: s.name for s in jc.specialties}
        self._skills = {s.id: s for s in jc.skills}
        records = build_records(framework)
        self._ranker = Ranker(records, tuple(s.id for s in jc.specialties))
        self._parser = QueryParser(
            framework, self._ranker.occurs, exact_names(records), splitter or BigramSplitter()
        )
        self._suggester = Suggester(framework, self._finds_as_typed)

    def parse(self, text: str) -> Query:
        """Read specialties, levels, kinds, skills and keywords from a query (its first
        `MAX_QUERY_CHARS` characters)."""
        return self._parser.parse(text)

    def describe(self, query: Query) -> str:
        """解釈: 専門分野=… レベル=… 種類=… スキル=… キーワード=…"""
        sep = t("search.names_sep")
        parts: list[str] = []
        if query.specialties:
            names = sep.join(self._specialty_names[s] for s in query.specialties)
            parts.append(t("search.describe.specialties", names=names))
        if query.levels:
            levels = sep.join(str(level) for level in query.levels)
            parts.append(t("search.describe.levels", levels=levels))
        if query.kinds:
            kinds = sep.join(t_of("search.kind", k) for k in query.kinds)
            parts.append(t("search.describe.kinds", kinds=kinds))
        if query.skills:
            skills = sep.join(self._skill_name(s) for s in query.skills)
            parts.append(t("search.describe.skills", skills=skills))
        if query.keywords:
            parts.append(t("search.describe.keywords", keywords=" ".join(query.keywords)))
        if not parts:
            return t("search.describe_none")
        return t("search.describe", parts=" ".join(parts))

    def _skill_name(self, skill_id: str) -> str:
        skill = self._skills.get(skill_id)
        return skill.name if skill is not None else skill_id

    def search(self, text: str, limit: int = 10) -> list[Hit]:
        """Hits for a query, best first; [] when nothing matches."""
        return list(self._find(text, limit).hits)

    def lookup(self, text: str, limit: int = 10) -> Lookup:
        """Hits for a query, or suggestions (「もしかして」) when nothing matches."""
        found = self._find(text, limit)
        if found.hits or limit <= 0:
            return found
        return Lookup(found.query, (), suggestions=self._suggester.suggest(found.query))

    def _finds_as_typed(self, text: str) -> bool:
        """Whether a query finds something read as it is: a suggestion must not need a second
        reading or a partial match to find anything."""
        query = self.parse(text)
        if query.empty:
            return False
        if not query.terms:
            return bool(self._ranker.listed(query, 1))
        return bool(self._ranker.ranked(query, 1))

    def _find(self, text: str, limit: int) -> Lookup:
        query = self.parse(text)
        if limit <= 0 or query.empty:
            return Lookup(query, ())
        if not query.terms:
            # 知識 ヘルプデスク: カスタマサポート's 知識項目 that mention ヘルプデスク
            if query.kinds and query.alias_words:
                both = self._parser.parse(text, also_words=True)
                hits = self._ranker.ranked(both, limit) if both.terms else []
                if hits:
                    return Lookup(both, tuple(hits))
            return Lookup(query, tuple(self._ranker.listed(query, limit)))
        readings = [query]  # an alias or a number may be part of what the person typed
        if query.bare_levels:
            readings.append(self._parser.parse(text, numbers_as_words=True))
        if query.specialties:
            readings.append(self._parser.parse(text, aliases_as_words=True))
        if query.bare_levels and query.specialties:
            readings.append(self._parser.parse(text, aliases_as_words=True, numbers_as_words=True))
        for partial in (False, True):
            if partial and not any(t.split for q in readings for t in q.terms):
                break
            for n, reading in enumerate(readings):
                hits = self._ranker.ranked(reading, limit, partial=partial) if reading.terms else []
                if hits:
                    return Lookup(reading, tuple(hits), literal=n > 0, partial=partial)
        return Lookup(query, ())


@cache
def default_index() -> SkillIndex:
    """The index over the bundled framework, built on first use."""
    from framework_data.loader import load_default

    return SkillIndex(load_default())
