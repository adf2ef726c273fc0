"""「もしかして」: queries that do find definitions, for a query that found none.

Tried in this order, each kept only if it finds something: the query without one of its
filters (another specialty, any level, any kind), each of its words alone, the names of the
framework closest to its words (items, knowledge nodes, topics: Dice similarity of character
bigrams), the closest skill items, and the specialties a word resembles. When none of these
finds anything, a few example queries, so that a lookup never ends in a bare "not found".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from flows.i18n import t
from framework_data.models import Framework, KnowledgeNode
from framework_data.search.query import Query
from framework_data.search.words import KIND_NAMES
from framework_data.textnorm import compact

SuggestionKind = Literal["keyword", "specialty", "level", "kind", "skill", "example"]

EXAMPLES = ("バックアップ", "SO レベル4", "リーダーシップ")  # i18n: input (queries to type)
_MIN_SIMILARITY = 0.3
_MIN_SKILL_SIMILARITY = 0.2
_MAX_TRIED = 10


@dataclass(frozen=True)
class Suggestion:
    """A query that finds definitions (`query`) and what it changes (`label`)."""

    kind: SuggestionKind
    label: str
    query: str


def _grams(text: str) -> frozenset[str]:
    if len(text) < 2:
        return frozenset({text}) if text else frozenset()
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _nodes(nodes: Iterable[KnowledgeNode]) -> Iterable[str]:
    for node in nodes:
        yield node.text
        yield from _nodes(node.children)


class Suggester:
    """Built once per framework; `found(query)` tells whether a query text finds anything."""

    def __init__(self, framework: Framework, found: Callable[[str], bool]) -> None:
        jc = framework.job_category
        self._found = found
        self._specialties = {
            sp.id: (sp.name, min((a for a in sp.aliases if a.isascii()), key=len, default=sp.name))
            for sp in jc.specialties
        }
        self._specialty_grams = {
            sp.id: [_grams(compact(a)) for a in (sp.name, *sp.aliases)] for sp in jc.specialties
        }
        self._levels = tuple(sorted(jc.levels))
        texts = [item for i in jc.indicators for d in i.dimensions for item in (*d.items, d.name)]
        texts += [t for s in jc.skills for t in s.topics]
        texts += [t for k in jc.knowledge for t in _nodes(k.items)]
        self._vocab: dict[str, tuple[str, frozenset[str]]] = {}
        by_gram: dict[str, set[str]] = {}
        for text in texts:
            key = compact(text)
            if key and key not in self._vocab:
                self._vocab[key] = (text, _grams(key))
                for gram in self._vocab[key][1]:
                    by_gram.setdefault(gram, set()).add(key)
        self._by_gram = {g: tuple(sorted(keys)) for g, keys in by_gram.items()}
        self._skills = [
            (s.name, [_grams(compact(t)) for t in (s.name, *s.topics)]) for s in jc.skills
        ]

    def suggest(self, query: Query, limit: int = 4) -> tuple[Suggestion, ...]:
        """Up to `limit` suggestions for a query that found nothing; never empty."""
        found: dict[str, Suggestion] = {}
        tried: set[str] = set()
        for candidate in self._candidates(query):
            if candidate.query in tried:
                continue
            if len(tried) >= _MAX_TRIED:  # each try is a search: keep a miss fast
                break
            tried.add(candidate.query)
            if self._found(candidate.query):
                found[candidate.query] = candidate
                if len(found) >= limit:
                    break
        if not found:
            return tuple(Suggestion("example", e, e) for e in EXAMPLES)
        return tuple(found.values())

    def _format(
        self,
        query: Query,
        words: Iterable[str],
        *,
        specialties: Iterable[str] | None = None,
        levels: Iterable[int] | None = None,
        kinds: bool = True,
    ) -> str:
        parts = [
            self._specialties[s][1]
            for s in (query.specialties if specialties is None else specialties)
        ]
        parts += [f"レベル{n}" for n in (query.levels if levels is None else levels)]  # i18n: input
        parts += [KIND_NAMES[k] for k in query.kinds] if kinds else []
        return " ".join([*parts, *words])

    def _candidates(self, query: Query) -> Iterable[Suggestion]:
        words = [t.word for t in query.terms]
        if not words:  # filters only: the defined levels nearest to the one asked for
            asked = max(query.levels, default=max(self._levels))
            for level in sorted(self._levels, key=lambda n: (abs(n - asked), -n))[:3]:
                label = t("search.suggest.level", level=level)
                yield Suggestion("level", label, self._format(query, [], levels=[level]))
            return
        if query.levels:
            label = t("search.suggest.any_level")
            yield Suggestion("level", label, self._format(query, words, levels=[]))
        if query.kinds:
            label = t("search.suggest.any_kind")
            yield Suggestion("kind", label, self._format(query, words, kinds=False))
        for sp in self._specialties if query.specialties else ():
            if sp not in query.specialties:
                label = self._specialties[sp][0]
                yield Suggestion("specialty", label, self._format(query, words, specialties=[sp]))
        if len(words) > 1:
            for word in words:
                yield Suggestion("keyword", word, self._format(query, [word]))
        for term in query.terms:
            for text in self._closest(compact(term.word)):
                yield Suggestion("keyword", text, self._format(query, [text]))
                yield Suggestion("keyword", text, text)
        yield from self._closest_skills(query)
        if not query.specialties:
            yield from self._resembled_specialties(query)

    def _closest(self, term: str, limit: int = 3) -> list[str]:
        grams = _grams(term)
        keys = {k for g in grams for k in self._by_gram.get(g, ())}
        scored = []
        for key in keys:
            text, key_grams = self._vocab[key]
            score = _dice(grams, key_grams)
            if score >= _MIN_SIMILARITY or (len(term) >= 2 and term in key):
                scored.append((-score, len(key), key, text))
        return [text for *_, text in sorted(scored)[:limit]]

    def _closest_skills(self, query: Query) -> Iterable[Suggestion]:
        grams = _grams("".join(t.text for t in query.terms))
        scored = sorted(
            (-max(_dice(grams, g) for g in names), n, name)
            for n, (name, names) in enumerate(self._skills)
        )
        for score, _, name in scored[:2]:
            if -score >= _MIN_SKILL_SIMILARITY:
                yield Suggestion("skill", name, name)

    def _resembled_specialties(self, query: Query) -> Iterable[Suggestion]:
        for term in query.terms:
            grams = _grams(term.text)
            for sp, alias_grams in self._specialty_grams.items():
                if max(_dice(grams, g) for g in alias_grams) >= _MIN_SIMILARITY:
                    name, short = self._specialties[sp]
                    yield Suggestion("specialty", name, short)
