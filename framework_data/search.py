"""Skill lookup: find indicators, スキル熟達度, 知識項目 and スキル項目 from free Japanese text.

A query is read into filters and keywords (`SkillIndex.parse`):

* specialty names and aliases from the data (SO / NO / CS, ヘルプデスク, English names, any
  case, with or without long vowels or spaces) restrict hits to that specialty; entries common
  to several specialties stay visible;
* level tokens (レベル4, Lv4, Lv.4, L4, lv 4, レベル四, or 4 / ４ / 四 on their own) restrict hits
  to that level; entries without a single level (スキル項目, 知識項目 of several levels) stay;
* everything else is a keyword. Keywords that name a スキル項目 (リーダーシップ, 顧客リレーション)
  are reported as skills and also match every definition of that skill.

Every keyword must match (AND), as a substring of the normalised text (see `textnorm`), because
Japanese has no spaces between words. Hits where the query equals a curated item, knowledge
node or skill name come first, then by score: a match in a short curated field beats one in a
long text. With filters but no keywords, the definitions for the filters are listed: the
indicator's dimensions, then the スキル熟達度.

The index is built once per framework; a search touches only precomputed, normalised strings.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from framework_data.models import Framework, KnowledgeNode, SkillItem
from framework_data.textnorm import LONG_VOWELS, clean, compact, is_katakana, normalize

Kind = Literal["dimension", "proficiency", "knowledge", "skill"]

_KIND_RANK: dict[str, int] = {"dimension": 0, "proficiency": 1, "knowledge": 2, "skill": 3}
_KANJI_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

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

_LEVEL_RE = re.compile(
    r"(?:レベル|(?<![a-z0-9])(?:level|lvl|lv|l))[\s.:：]*([0-9]{1,2}|[一二三四五六七八九])(?![0-9])",
    re.IGNORECASE,
)
_SPLIT_RE = re.compile(r"[\s,、。;:!?！？]+")
_WORD_RE = re.compile(r"[^\s,、。;:!?！？]+")
MAX_QUERY_CHARS = 1000  # longer queries are read up to this many characters
_BARE_DIGIT_RE = re.compile(r"[0-9]{1,2}")
_QUOTES = "「」『』\"'`“”‘’【】"
_PREFIX_PARTICLES = ("の", "で", "は", "と", "も", "を")
_SUFFIX_PARTICLES = ("について", "に関する", "とは", "の", "で", "に", "は", "を", "が", "と", "も")
_DASHES = f"[{LONG_VOWELS}]*"


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


@dataclass(frozen=True)
class Query:
    """What was understood from the query text.

    `specialties` and `skills` are ids (in framework order), `levels` ascending, `keywords` the
    remaining words as typed (NFKC). `terms` are the normalised strings every hit must contain:
    the keywords and the words that named skills.
    """

    specialties: tuple[str, ...] = ()
    levels: tuple[int, ...] = ()
    skills: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    terms: tuple[str, ...] = field(default=(), repr=False)

    @property
    def empty(self) -> bool:
        return not (self.specialties or self.levels or self.terms)


@dataclass(frozen=True, slots=True)
class _Field:
    text: str  # compact form
    weight: float
    exact: bool  # equality with the query is an exact item hit


@dataclass(frozen=True, slots=True)
class _Record:
    ordinal: int
    kind: Kind
    specialties: tuple[str, ...]  # framework order
    level: int | None
    levels: frozenset[int]  # for filtering; empty: level-agnostic
    title: str
    text: str
    fields: tuple[_Field, ...]
    group: str  # records with the same group are merged into one hit
    listed: bool  # shown when a query has filters but no keywords

    def sort_key(self) -> tuple[int, int, int]:
        return (_KIND_RANK[self.kind], self.level or 0, self.ordinal)


@dataclass(frozen=True, slots=True)
class _Alias:
    specialty: str
    pattern: re.Pattern[str]
    ascii_only: bool


def _core_name(name: str) -> str:
    """顧客リレーションの確立(ヘルプデスク) → 顧客リレーション."""
    core = re.sub(r"[(（][^)）]*[)）]", "", name).strip()
    return core.removesuffix("の確立") or name


def _alias_pattern(alias: str) -> re.Pattern[str] | None:
    """A pattern for an alias that tolerates case, long vowels and spaces between Japanese chars."""
    norm = normalize(alias)
    chars: list[str] = []
    spaced: list[bool] = []  # a space in the alias before this char
    pending_space = False
    for char in norm:
        if char.isspace():
            pending_space = True
            continue
        chars.append(char)
        spaced.append(pending_space)
        pending_space = False
    if not chars:
        return None
    parts: list[str] = []
    for i, char in enumerate(chars):
        if i:
            prev = chars[i - 1]
            if spaced[i] or not (prev.isascii() and char.isascii()):
                parts.append(r"[\s・]*")
        parts.append(re.escape(char))
        if is_katakana(char):
            parts.append(_DASHES)
    body = "".join(parts)
    if chars[0].isascii() and chars[0].isalnum():
        body = r"(?<![a-z0-9])" + body
    if chars[-1].isascii() and chars[-1].isalnum():
        body += r"(?![a-z])"
    return re.compile(body, re.IGNORECASE)


def _grams(text: str) -> set[str]:
    grams = set(text)
    grams.update(text[i : i + 2] for i in range(len(text) - 1))
    return grams


def _strip_particles(token: str) -> str:
    token = token.strip(_QUOTES)
    changed = True
    while changed and token:
        changed = False
        for suffix in _SUFFIX_PARTICLES:
            if len(token) > len(suffix) and token.endswith(suffix):
                token = token[: -len(suffix)]
                changed = True
                break
        for prefix in _PREFIX_PARTICLES:
            if len(token) > len(prefix) and token.startswith(prefix):
                token = token[len(prefix) :]
                changed = True
                break
    return token if token not in _SUFFIX_PARTICLES else ""


class SkillIndex:
    """An inverted index over one framework's definitions; build once, search many times."""

    def __init__(self, framework: Framework) -> None:
        jc = framework.job_category
        self._framework = framework
        self._specialty_order = tuple(s.id for s in jc.specialties)
        self._specialty_names = {s.id: s.name for s in jc.specialties}
        self._skills = {s.id: s for s in jc.skills}
        self._known_levels = frozenset(jc.levels) | frozenset(jc.undefined_levels)
        self._common_label = f"{jc.name}共通"
        self._records: list[_Record] = []
        self._build_dimensions(framework)
        self._build_proficiencies(framework)
        self._build_knowledge(framework)
        self._build_skills(framework)
        self._listing = sorted((r for r in self._records if r.listed), key=_Record.sort_key)

        self._postings: dict[str, frozenset[int]] = {}
        postings: dict[str, set[int]] = {}
        for record in self._records:
            grams: set[str] = set()
            for fld in record.fields:
                grams |= _grams(fld.text)
            for gram in grams:
                postings.setdefault(gram, set()).add(record.ordinal)
        self._postings = {g: frozenset(ids) for g, ids in postings.items()}
        self._corpus = "\n".join(f.text for r in self._records for f in r.fields)

        aliases: list[tuple[int, str, str]] = []
        for sp in jc.specialties:
            for alias in {sp.name, sp.id.replace("_", " "), *sp.aliases}:
                aliases.append((len(compact(alias)), alias, sp.id))
        self._aliases: list[_Alias] = []
        for _, alias, sp_id in sorted(aliases, key=lambda a: (-a[0], a[1], a[2])):
            pattern = _alias_pattern(alias)
            if pattern is not None:
                self._aliases.append(_Alias(sp_id, pattern, alias.isascii()))

        self._skill_names: list[tuple[str, str, int]] = []  # (skill id, compact name, min len)
        for skill in jc.skills:
            core = compact(_core_name(skill.name))
            self._skill_names.append(
                (skill.id, compact(skill.name), min(len(core), max(3, math.ceil(len(core) / 2))))
            )

    # ------------------------------------------------------------------ index build

    def _label(self, specialties: Iterable[str]) -> str:
        wanted = set(specialties)
        if wanted >= set(self._specialty_order) and len(self._specialty_order) > 1:
            return self._common_label
        return "・".join(self._specialty_names[s] for s in self._specialty_order if s in wanted)

    def _ordered(self, specialties: Iterable[str]) -> tuple[str, ...]:
        wanted = set(specialties)
        return tuple(s for s in self._specialty_order if s in wanted)

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
        fields: Iterable[_Field],
        group: str,
        listed: bool,
    ) -> None:
        kept = tuple(f for f in fields if f.text)
        self._records.append(
            _Record(
                len(self._records),
                kind,
                specialties,
                level,
                levels,
                title,
                text,
                kept,
                group,
                listed,
            )
        )

    def _build_dimensions(self, framework: Framework) -> None:
        for indicator in framework.job_category.indicators:
            specialties = self._ordered(indicator.specialties)
            label = self._label(specialties)
            for dim in indicator.dimensions:
                fields = [_Field(compact(item), _W_ITEM, True) for item in dim.items]
                fields.append(_Field(compact(dim.name), _W_DIMENSION_NAME, False))
                if dim.lead:
                    fields.append(_Field(compact(dim.lead), _W_CONTEXT, False))
                fields.append(_Field(compact(dim.text), _W_TEXT, False))
                self._add(
                    kind="dimension",
                    specialties=specialties,
                    level=indicator.level,
                    levels=frozenset({indicator.level}),
                    title=f"{label} レベル{indicator.level} {dim.name}",
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
                _Field(compact(prof.text), _W_TEXT, False),
                _Field(compact(name), _W_SKILL_OF_PROFICIENCY, False),
                _Field(compact(_core_name(name)), _W_SKILL_OF_PROFICIENCY, False),
            ]
            self._add(
                kind="proficiency",
                specialties=specialties,
                level=prof.level,
                levels=frozenset({prof.level}),
                title=f"{self._label(specialties)} / {name} / レベル{prof.level} スキル熟達度",
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
                fields = [_Field(compact(node.text), _W_NODE, True)]
                fields += [_Field(compact(t), _W_CONTEXT, False) for t in texts[:-1]]
                fields.append(_Field(compact(name), _W_SKILL_OF_KNOWLEDGE, False))
                children = [c.text for c in node.children]
                self._add(
                    kind="knowledge",
                    specialties=specialties,
                    level=None,
                    levels=frozenset(knowledge.levels),
                    title=f"知識項目: {name} > " + " > ".join(texts),
                    text=" ／ ".join(children) if children else node.text,
                    fields=fields,
                    group="knowledge:" + "\n".join(compact(t) for t in [name, *texts]),
                    listed=False,
                )

    def _build_skills(self, framework: Framework) -> None:
        for skill in framework.job_category.skills:
            specialties = self._ordered(
                skill.specialties if skill.specialties is not None else self._specialty_order
            )
            fields = [
                _Field(compact(skill.name), _W_SKILL_NAME, True),
                _Field(compact(_core_name(skill.name)), _W_SKILL_NAME, True),
            ]
            fields += [_Field(compact(t), _W_TOPIC, True) for t in skill.topics]
            self._add(
                kind="skill",
                specialties=specialties,
                level=None,
                levels=frozenset(),
                title=f"スキル項目: {skill.name}",
                text=_skill_text(skill),
                fields=fields,
                group=f"skill:{skill.id}",
                listed=False,
            )

    # ------------------------------------------------------------------ parsing

    def parse(self, text: str) -> Query:
        """Read specialties, levels, skills and keywords from a query (its first
        `MAX_QUERY_CHARS` characters)."""
        s = clean(text[: MAX_QUERY_CHARS * 2])
        if len(s) > MAX_QUERY_CHARS:  # cut at a space so no half word becomes a keyword
            s = s[:MAX_QUERY_CHARS]
            s = s[: s.rfind(" ")] if " " in s else s
        levels: set[int] = set()

        def take_level(m: re.Match[str]) -> str:
            token = m.group(1)
            levels.add(_KANJI_DIGITS[token] if token in _KANJI_DIGITS else int(token))
            return " "

        s = _LEVEL_RE.sub(take_level, s)

        specialties: set[str] = set()
        for alias in self._aliases:
            s = self._take_alias(s, alias, specialties)

        keywords: list[str] = []
        terms: list[str] = []
        skills: list[str] = []
        for raw in _SPLIT_RE.split(s):
            token = _strip_particles(raw)
            if not token:
                continue
            if _BARE_DIGIT_RE.fullmatch(token) and int(token) in self._known_levels:
                levels.add(int(token))
                continue
            if token in _KANJI_DIGITS and _KANJI_DIGITS[token] in self._known_levels:
                levels.add(_KANJI_DIGITS[token])
                continue
            term = compact(token)
            if not term or term in terms:
                continue
            terms.append(term)
            named = self._skills_named(term)
            if named:
                skills += [s for s in named if s not in skills]
            else:
                keywords.append(token)
        return Query(
            specialties=self._ordered(specialties),
            levels=tuple(sorted(levels)),
            skills=tuple(sid for sid in self._skills if sid in skills),
            keywords=tuple(keywords),
            terms=tuple(terms),
        )

    def _take_alias(self, s: str, alias: _Alias, specialties: set[str]) -> str:
        """Remove matches of `alias` from `s`, unless the match is part of a longer word that
        occurs in the data (システム運用要件 is a keyword, not SO + 要件)."""
        matches = list(alias.pattern.finditer(s))
        if not matches:
            return s
        words = [m.span() for m in _WORD_RE.finditer(s)]
        starts = [w[0] for w in words]
        in_corpus: dict[tuple[int, int], bool] = {}
        out: list[str] = []
        pos = 0
        for m in matches:
            start, end = m.span()
            if not alias.ascii_only:
                word_start = words[bisect_right(starts, start) - 1][0]
                word_end = words[bisect_right(starts, end - 1) - 1][1]
                if (word_start, word_end) != (start, end):
                    span = (word_start, word_end)
                    if span not in in_corpus:
                        word = compact(s[word_start:word_end])
                        in_corpus[span] = bool(word) and word in self._corpus
                    if in_corpus[span]:
                        continue
            specialties.add(alias.specialty)
            out.append(s[pos:start])
            out.append(" ")
            pos = end
        if not out:
            return s
        out.append(s[pos:])
        return "".join(out)

    def _skills_named(self, term: str) -> list[str]:
        return [
            sid for sid, name, min_len in self._skill_names if len(term) >= min_len and term in name
        ]

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

    # ------------------------------------------------------------------ search

    def search(self, text: str, limit: int = 10) -> list[Hit]:
        """Hits for a query, best first; [] when nothing matches."""
        if limit <= 0:
            return []
        query = self.parse(text)
        if query.empty:
            return []
        if not query.terms:
            listed = [r for r in self._listing if self._passes(r, query)]
            if query.specialties:  # the specialty's own definitions before common ones
                wanted = set(query.specialties)
                listed.sort(key=lambda r: (_KIND_RANK[r.kind], not wanted >= set(r.specialties)))
            return [self._hit(r, r.specialties, 0.0, exact=False) for r in listed[:limit]]

        candidates: set[int] | None = None
        for term in sorted(query.terms, key=lambda t: -len(t)):
            ids = self._matching(term, candidates)
            candidates = ids if candidates is None else candidates & ids
            if not candidates:
                return []
        assert candidates is not None

        joined = "".join(query.terms)
        scored: list[tuple[tuple[bool, float, int, int, int], _Record]] = []
        for ordinal in candidates:
            record = self._records[ordinal]
            if not self._passes(record, query):
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
            hits.append(self._hit(record, record.specialties, -key[1], exact=not key[0]))
        return [
            self._merged(hit, self._ordered(sp)) if len(sp) > len(hit.specialty_ids) else hit
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

    @staticmethod
    def _passes(record: _Record, query: Query) -> bool:
        if query.specialties and not set(record.specialties) & set(query.specialties):
            return False
        return not (query.levels and record.levels and not record.levels & set(query.levels))

    @staticmethod
    def _hit(record: _Record, specialties: tuple[str, ...], score: float, *, exact: bool) -> Hit:
        return Hit(
            kind=record.kind,
            specialty_ids=specialties,
            level=record.level,
            title=record.title,
            text=record.text,
            score=round(score, 4),
            exact=exact,
        )

    @staticmethod
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


def _term_score(record: _Record, term: str) -> float:
    best = 0.0
    for fld in record.fields:
        if term in fld.text:
            best = max(best, fld.weight * (1.0 + len(term) / len(fld.text)))
    return best


def _walk(
    nodes: tuple[KnowledgeNode, ...], parents: tuple[KnowledgeNode, ...]
) -> Iterator[tuple[KnowledgeNode, ...]]:
    for node in nodes:
        path = (*parents, node)
        yield path
        yield from _walk(node.children, path)


def _skill_text(skill: SkillItem) -> str:
    return " ／ ".join(skill.topics) if skill.topics else skill.name


@cache
def default_index() -> SkillIndex:
    """The index over the bundled framework, built on first use."""
    from framework_data.loader import load_default

    return SkillIndex(load_default())


__all__ = ["MAX_QUERY_CHARS", "Hit", "Query", "SkillIndex", "default_index"]
