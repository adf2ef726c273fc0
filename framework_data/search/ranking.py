"""Ranking: candidates from a bigram index, scores, exact hits first, merged hits.

Every term of a query must occur in some field of a record (AND, substring); a term that was
split (see `split`) must have every part in the record. When nothing has every part, a
`partial` search lets a split term match with half of its parts (of two characters or more),
the rarer parts counting for more. Candidates come from the postings of characters and bigrams
and are confirmed by a substring test. Hits where the query equals an exact field (a curated
item, knowledge node or skill name) come first, then by score, then in definition order;
records of one group become one hit whose specialties are the union.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

from framework_data.search.query import Query, Term
from framework_data.search.records import KIND_RANK, Kind, Record, in_order

_SortKey = tuple[bool, float, int, int, int]
_COVERAGE = 10.0  # a split term: how much of it a record contains counts before where


@dataclass(frozen=True)
class Hit:
    kind: Kind
    specialty_ids: tuple[str, ...]
    level: int | None
    title: str
    text: str
    score: float
    exact: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "specialty_ids": list(self.specialty_ids),
            "level": self.level,
            "title": self.title,
            "text": self.text,
            "score": self.score,
            "exact": self.exact,
        }


def _grams(text: str) -> set[str]:
    grams = set(text)
    grams.update(text[i : i + 2] for i in range(len(text) - 1))
    return grams


class Ranker:
    """Ranks one framework's records (in ordinal order) for parsed queries."""

    def __init__(self, records: list[Record], specialty_order: tuple[str, ...]) -> None:
        self._records = records
        self._specialty_order = specialty_order
        self._listing = sorted((r for r in records if r.listed), key=Record.sort_key)
        self._tops = sorted((r for r in records if r.top), key=Record.sort_key)
        postings: dict[str, set[int]] = {}
        exact: dict[str, set[int]] = {}
        for record in records:
            grams: set[str] = set()
            for fld in record.fields:
                grams |= _grams(fld.text)
                if fld.exact:
                    exact.setdefault(fld.text, set()).add(record.ordinal)
            for gram in grams:
                postings.setdefault(gram, set()).add(record.ordinal)
        self._postings = {g: frozenset(ids) for g, ids in postings.items()}
        self._exact = {t: tuple(sorted(ids)) for t, ids in exact.items()}

    def listed(self, query: Query, limit: int) -> list[Hit]:
        """The definitions for a query's filters (it has no terms): items it names exactly, then
        the kinds asked for (or the indicator's dimensions, then スキル熟達度)."""
        pool = [r for r in self._tops if r.kind in query.kinds] if query.kinds else self._listing
        passes = _Filter(query).passes
        listed = [r for r in pool if passes(r)]
        if query.specialties:  # the specialty's own definitions before common ones
            wanted = set(query.specialties)
            listed.sort(key=lambda r: (KIND_RANK[r.kind], not wanted.issuperset(r.specialties)))
        # a group has a record per specialty at most: enough to fill `limit` hits once merged
        listed = listed[: limit * len(self._specialty_order)]
        named = self._named(query, None)
        scored = [((False, 0.0, n, 0, 0), self._records[i]) for n, i in enumerate(named)]
        scored += [((True, 0.0, n, 0, 0), r) for n, r in enumerate(listed)]
        return self._merge(scored, limit)

    def ranked(self, query: Query, limit: int, *, partial: bool = False) -> list[Hit]:
        """Hits containing every term of the query, best first (`partial`: see the module)."""
        candidates: set[int] | None = None
        for term in sorted(query.terms, key=lambda t: -len(t.text)):
            ids = self._term_matches(term, candidates, partial)
            candidates = ids if candidates is None else candidates & ids
            if not candidates:
                return []
        assert candidates is not None
        joined = "".join(t.text for t in query.terms)
        named = set(self._named(query, candidates))
        passes = _Filter(query).passes
        idf = {p: self._idf(p) for t in query.terms if t.split for p in t.parts}
        scored: list[tuple[_SortKey, Record]] = []
        for ordinal in candidates:
            record = self._records[ordinal]
            if not passes(record):
                continue
            score = sum(_score(record, term, idf) for term in query.terms)
            score += 10.0 / (20.0 + len(record.text))  # shorter definitions first
            exact = ordinal in named or any(f.exact and f.text == joined for f in record.fields)
            scored.append(((not exact, -round(score, 6), *record.sort_key()), record))
        scored.sort(key=lambda item: item[0])
        return self._merge(scored, limit)

    def occurs(self, text: str) -> bool:
        """Whether a compact text occurs in some field of some record."""
        if not text:
            return False
        grams = [text] if len(text) == 1 else [text[i : i + 2] for i in range(len(text) - 1)]
        postings = sorted((self._postings.get(g, frozenset()) for g in set(grams)), key=len)
        found = set(postings[0]).intersection(*postings[1:])
        if len(text) <= 2:
            return bool(found)
        return any(text in f.text for i in found for f in self._records[i].fields)

    def _named(self, query: Query, within: set[int] | None) -> list[int]:
        found = [
            i
            for name in query.named
            for i in self._exact.get(name, ())
            if within is None or i in within
        ]
        passes = _Filter(query).passes
        return [i for i in dict.fromkeys(found) if passes(self._records[i])]

    def _merge(self, scored: Iterable[tuple[_SortKey, Record]], limit: int) -> list[Hit]:
        hits: list[Hit] = []
        merged: dict[str, int] = {}
        specialties: list[set[str]] = []
        for key, record in scored:
            at = merged.get(record.group)
            if at is not None:
                specialties[at] |= set(record.specialties)
                continue
            if len(hits) >= limit:
                continue
            merged[record.group] = len(hits)
            specialties.append(set(record.specialties))
            hits.append(_hit(record, -key[1], exact=not key[0]))
        return [
            replace(hit, specialty_ids=in_order(self._specialty_order, sp))
            if len(sp) > len(hit.specialty_ids)
            else hit
            for hit, sp in zip(hits, specialties, strict=True)
        ]

    def _term_matches(self, term: Term, within: set[int] | None, partial: bool) -> set[int]:
        if not term.split:
            return self._matching(term.text, within)
        if not partial:
            found = within
            for part in sorted(term.parts, key=len, reverse=True):
                found = self._matching(part, found)
                if not found:
                    return set()
            return found or set()
        parts = [p for p in term.parts if len(p) >= 2]
        need = math.ceil(len(parts) / 2)
        counts: dict[int, int] = {}
        for part in parts:
            for i in self._matching(part, within):
                counts[i] = counts.get(i, 0) + 1
        if not counts:
            return set()
        # Only the records that contain the most parts: the closest to the word typed.
        need = max(need, *counts.values())
        return {i for i, n in counts.items() if n >= need}

    def _idf(self, part: str) -> float:
        if len(part) <= 2:
            df = len(self._postings.get(part, ()))
        else:
            df = len(self._matching(part, None))
        return math.log(1.0 + len(self._records) / (1.0 + df))

    def _matching(self, term: str, within: set[int] | None) -> set[int]:
        grams = [term] if len(term) == 1 else [term[i : i + 2] for i in range(len(term) - 1)]
        postings: list[frozenset[int]] = []
        for gram in set(grams):
            ids = self._postings.get(gram)
            if ids is None:
                return set()
            postings.append(ids)
        postings.sort(key=len)
        found = set(postings[0]) if within is None else within & postings[0]
        if len(term) <= 2:  # a gram's postings are the records with a field that contains it
            return found
        for ids in postings[1:]:
            found &= ids
            if not found:
                return found
        return {i for i in found if any(term in f.text for f in self._records[i].fields)}


class _Filter:
    """A query's filters, as sets built once per search."""

    def __init__(self, query: Query) -> None:
        self._kinds = frozenset(query.kinds)
        self._specialties = frozenset(query.specialties)
        self._levels = frozenset(query.levels)

    def passes(self, record: Record) -> bool:
        if self._kinds and record.kind not in self._kinds:
            return False
        if self._specialties and self._specialties.isdisjoint(record.specialties):
            return False
        return not (self._levels and record.levels and self._levels.isdisjoint(record.levels))


def _score(record: Record, term: Term, idf: dict[str, float]) -> float:
    """A term's score: a split term's parts weighted by rarity, so that it counts as one term."""
    if not term.split:
        return _term_score(record, term.text)
    total = sum(idf[p] for p in term.parts)
    scores = {p: _term_score(record, p) for p in term.parts}
    covered = sum(idf[p] for p, score in scores.items() if score) / total
    return _COVERAGE * covered + sum(idf[p] * scores[p] for p in term.parts) / total


def _term_score(record: Record, term: str) -> float:
    best = 0.0
    for fld in record.fields:
        if term in fld.text:
            best = max(best, fld.weight * (1.0 + len(term) / len(fld.text)))
    return best


def _hit(record: Record, score: float, *, exact: bool) -> Hit:
    return Hit(
        kind=record.kind,
        specialty_ids=record.specialties,
        level=record.level,
        title=record.title,
        text=record.text,
        score=round(score, 4),
        exact=exact,
    )
