"""Ranking: candidates from a bigram index, scores, exact hits first, merged hits.

Every term of a query must occur in some field of a record (AND, substring). Candidates come
from the postings of the term's characters and bigrams and are confirmed by a substring test.
Hits where the query equals an exact field (a curated item, knowledge node or skill name) come
first, then by score, then in definition order; records of one group become one hit whose
specialties are the union.
"""

from __future__ import annotations

from dataclasses import dataclass

from framework_data.search.query import Query
from framework_data.search.records import KIND_RANK, Kind, Record, in_order


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
        postings: dict[str, set[int]] = {}
        for record in records:
            grams: set[str] = set()
            for fld in record.fields:
                grams |= _grams(fld.text)
            for gram in grams:
                postings.setdefault(gram, set()).add(record.ordinal)
        self._postings = {g: frozenset(ids) for g, ids in postings.items()}

    def listed(self, query: Query, limit: int) -> list[Hit]:
        """The definitions for a query's filters (it has no terms): dimensions, then スキル熟達度."""
        listed = [r for r in self._listing if _passes(r, query)]
        if query.specialties:  # the specialty's own definitions before common ones
            wanted = set(query.specialties)
            listed.sort(key=lambda r: (KIND_RANK[r.kind], not wanted >= set(r.specialties)))
        return [_hit(r, r.specialties, 0.0, exact=False) for r in listed[:limit]]

    def ranked(self, query: Query, limit: int) -> list[Hit]:
        """Hits containing every term of the query, best first."""
        candidates: set[int] | None = None
        for term in sorted(query.terms, key=lambda t: -len(t)):
            ids = self._matching(term, candidates)
            candidates = ids if candidates is None else candidates & ids
            if not candidates:
                return []
        assert candidates is not None

        joined = "".join(query.terms)
        scored: list[tuple[tuple[bool, float, int, int, int], Record]] = []
        for ordinal in candidates:
            record = self._records[ordinal]
            if not _passes(record, query):
                continue
            score = sum(_term_score(record, term) for term in query.terms)
            score += 10.0 / (20.0 + len(record.text))  # shorter definitions first
            exact = any(f.exact and f.text == joined for f in record.fields)
            key = (not exact, -round(score, 6), *record.sort_key())
            scored.append((key, record))
        scored.sort(key=lambda item: item[0])

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
            hits.append(_hit(record, record.specialties, -key[1], exact=not key[0]))
        return [
            _merged(hit, in_order(self._specialty_order, sp))
            if len(sp) > len(hit.specialty_ids)
            else hit
            for hit, sp in zip(hits, specialties, strict=True)
        ]

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
        for ids in postings[1:]:
            found &= ids
            if not found:
                return found
        return {i for i in found if any(term in f.text for f in self._records[i].fields)}


def _passes(record: Record, query: Query) -> bool:
    if query.specialties and not set(record.specialties) & set(query.specialties):
        return False
    return not (query.levels and record.levels and not record.levels & set(query.levels))


def _term_score(record: Record, term: str) -> float:
    best = 0.0
    for fld in record.fields:
        if term in fld.text:
            best = max(best, fld.weight * (1.0 + len(term) / len(fld.text)))
    return best


def _hit(record: Record, specialties: tuple[str, ...], score: float, *, exact: bool) -> Hit:
    return Hit(
        kind=record.kind,
        specialty_ids=specialties,
        level=record.level,
        title=record.title,
        text=record.text,
        score=round(score, 4),
        exact=exact,
    )


def _merged(hit: Hit, specialties: tuple[str, ...]) -> Hit:
    return Hit(
        kind=hit.kind,
        specialty_ids=specialties,
        level=hit.level,
        title=hit.title,
        text=hit.text,
        score=hit.score,
        exact=hit.exact,
    )
