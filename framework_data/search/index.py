"""`SkillIndex`: the records, query parser and ranker of one framework, built once."""

from __future__ import annotations

from functools import cache

from framework_data.models import Framework
from framework_data.search.query import Query, QueryParser
from framework_data.search.ranking import Hit, Ranker
from framework_data.search.records import build_records, corpus


class SkillIndex:
    """An inverted index over one framework's definitions; build once, search many times."""

    def __init__(self, framework: Framework) -> None:
        jc = framework.job_category
        self._framework = framework
        self._specialty_names = {s.id: s.name for s in jc.specialties}
        self._skills = {s.id: s for s in jc.skills}
        records = build_records(framework)
        self._ranker = Ranker(records, tuple(s.id for s in jc.specialties))
        self._parser = QueryParser(framework, corpus(records))

    def parse(self, text: str) -> Query:
        """Read specialties, levels, skills and keywords from a query (its first
        `MAX_QUERY_CHARS` characters)."""
        return self._parser.parse(text)

    def describe(self, query: Query) -> str:
        """解釈: 専門分野=… レベル=… スキル=… キーワード=…"""
        parts: list[str] = []
        if query.specialties:
            names = "・".join(self._specialty_names[s] for s in query.specialties)
            parts.append(f"専門分野={names}")
        if query.levels:
            parts.append("レベル=" + "・".join(str(level) for level in query.levels))
        if query.skills:
            parts.append("スキル=" + "・".join(self._skill_name(s) for s in query.skills))
        if query.keywords:
            parts.append("キーワード=" + " ".join(query.keywords))
        return "解釈: " + (" ".join(parts) if parts else "（なし）")

    def _skill_name(self, skill_id: str) -> str:
        skill = self._skills.get(skill_id)
        return skill.name if skill is not None else skill_id

    def search(self, text: str, limit: int = 10) -> list[Hit]:
        """Hits for a query, best first; [] when nothing matches."""
        if limit <= 0:
            return []
        query = self.parse(text)
        if query.empty:
            return []
        if not query.terms:
            return self._ranker.listed(query, limit)
        return self._ranker.ranked(query, limit)


@cache
def default_index() -> SkillIndex:
    """The index over the bundled framework, built on first use."""
    from framework_data.loader import load_default

    return SkillIndex(load_default())
