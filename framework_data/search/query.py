"""Query parsing: free Japanese text → filters (specialty, level, kind), skills and terms.

`QueryParser` is built once per framework from its specialty names and aliases, levels, skill
names and indexed texts; `parse` then reads a query (see the package docstring for what it
understands). A word that does not occur in the data is split into parts by a `Splitter`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from framework_data.models import Framework
from framework_data.search.records import Kind, core_name, in_order
from framework_data.search.split import Splitter
from framework_data.search.words import KIND_WORDS, FilterWord, filter_words, take
from framework_data.textnorm import clean, compact

MAX_QUERY_CHARS = 1000  # longer queries are read up to this many characters

_KANJI_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_LEVEL_RE = re.compile(
    r"(?:レベル|(?<![a-z0-9])(?:level|lvl|lv|l))[\s.:：]*([0-9]{1,2}|[一二三四五六七八九])(?![0-9])",
    re.IGNORECASE,
)
_SPLIT_RE = re.compile(r"[\s,、。;:!?！？]+")
_BARE_DIGIT_RE = re.compile(r"[0-9]{1,2}")
_QUOTES = "「」『』\"'`“”‘’【】"
_PREFIX_PARTICLES = ("の", "で", "は", "と", "も", "を")
_SUFFIX_PARTICLES = ("について", "に関する", "とは", "の", "で", "に", "は", "を", "が", "と", "も")
_KIND_ORDER: tuple[Kind, ...] = ("dimension", "proficiency", "knowledge", "skill")


@dataclass(frozen=True, slots=True)
class Term:
    """One keyword: `text` compact; `parts` what a definition must contain — (text,) when the
    word occurs in the data as it is, else the parts a `Splitter` made of it."""

    word: str
    text: str
    parts: tuple[str, ...]

    @property
    def split(self) -> bool:
        return self.parts != (self.text,)


@dataclass(frozen=True)
class Query:
    """What was understood from the query text.

    `specialties` and `skills` are ids (in framework order), `levels` ascending, `kinds` the kinds
    of definition asked for, `keywords` the remaining words as typed (NFKC). `terms` are what
    every hit must contain: the keywords and the words that named skills. `named` are the
    compact names of items that a word read as a filter also names exactly (the skill item
    システムオペレーション). `alias_words` are the whole words that were read as specialty
    aliases (ヘルプデスク); `bare_levels` whether a number on its own (4, 四) was read as a level.
    """

    specialties: tuple[str, ...] = ()
    levels: tuple[int, ...] = ()
    kinds: tuple[Kind, ...] = ()
    skills: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    terms: tuple[Term, ...] = field(default=(), repr=False)
    named: tuple[str, ...] = field(default=(), repr=False)
    alias_words: tuple[str, ...] = field(default=(), repr=False)
    bare_levels: bool = field(default=False, repr=False)

    @property
    def empty(self) -> bool:
        return not (self.specialties or self.levels or self.kinds or self.terms)


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


class QueryParser:
    """Reads queries against one framework. `occurs` (is this compact text in some indexed
    field?) tells a filter word apart from a longer word of the data that contains it, and a
    word to match as it is from one to split; `exact` are the compact names of items,
    knowledge nodes and skills."""

    def __init__(
        self,
        framework: Framework,
        occurs: Callable[[str], bool],
        exact: frozenset[str],
        splitter: Splitter,
    ) -> None:
        jc = framework.job_category
        self._specialty_order = tuple(s.id for s in jc.specialties)
        self._skill_ids = tuple(dict.fromkeys(s.id for s in jc.skills))
        self._known_levels = frozenset(jc.levels) | frozenset(jc.undefined_levels)
        self._occurs = occurs
        self._exact = exact
        self._splitter = splitter
        self._aliases = filter_words(
            [
                (alias, sp.id)
                for sp in jc.specialties
                for alias in {sp.name, sp.id.replace("_", " "), *sp.aliases}
            ]
        )
        self._kind_words: list[FilterWord] = filter_words(list(KIND_WORDS.items()))
        self._skill_names: list[tuple[str, str, int]] = []  # (skill id, compact name, min len)
        for skill in jc.skills:
            core = compact(core_name(skill.name))
            self._skill_names.append(
                (skill.id, compact(skill.name), min(len(core), max(3, math.ceil(len(core) / 2))))
            )

    def parse(
        self,
        text: str,
        *,
        aliases_as_words: bool = False,
        numbers_as_words: bool = False,
        also_words: bool = False,
    ) -> Query:
        """Read filters, skills and keywords from a query (its first `MAX_QUERY_CHARS`
        characters). `aliases_as_words`, `numbers_as_words`: specialty aliases, bare numbers
        (4, 四) stay keywords; `also_words`: a whole word read as an alias is a keyword too."""
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
        kinds: set[str] = set()
        for word in self._kind_words:
            taken = take(s, word, self._occurs)
            s, kinds = taken.text, kinds | taken.values
        specialties: set[str] = set()
        named: list[str] = []
        alias_words: list[str] = []
        for alias in () if aliases_as_words else self._aliases:
            taken = take(s, alias, self._occurs)
            s, specialties = taken.text, specialties | taken.values
            alias_words += taken.whole_words
            named += [w for w in map(compact, taken.whole_words) if w in self._exact]
        if also_words:
            s = " ".join([s, *alias_words])
        bare = False

        keywords: list[str] = []
        terms: list[Term] = []
        skills: list[str] = []
        for raw in _SPLIT_RE.split(s):
            token = _strip_particles(raw)
            if not token:
                continue
            level = None if numbers_as_words else self._bare_level(token)
            if level is not None:
                levels.add(level)
                bare = True
                continue
            term = compact(token)
            if not term or any(t.text == term for t in terms):
                continue
            terms.append(self._term(token, term))
            named_skills = self._skills_named(term)
            if named_skills:
                skills += [s for s in named_skills if s not in skills]
            else:
                keywords.append(token)
        return Query(
            specialties=in_order(self._specialty_order, specialties),
            levels=tuple(sorted(levels)),
            kinds=tuple(k for k in _KIND_ORDER if k in kinds),
            skills=tuple(sid for sid in self._skill_ids if sid in skills),
            keywords=tuple(keywords),
            terms=tuple(terms),
            named=tuple(dict.fromkeys(named)),
            alias_words=tuple(alias_words),
            bare_levels=bare,
        )

    def _bare_level(self, token: str) -> int | None:
        if _BARE_DIGIT_RE.fullmatch(token) and int(token) in self._known_levels:
            return int(token)
        if token in _KANJI_DIGITS and _KANJI_DIGITS[token] in self._known_levels:
            return _KANJI_DIGITS[token]
        return None

    def _term(self, token: str, term: str) -> Term:
        if self._occurs(term):
            return Term(token, term, (term,))
        parts = self._splitter.split(token)
        return Term(token, term, parts if parts else (term,))

    def _skills_named(self, term: str) -> list[str]:
        return [
            sid for sid, name, min_len in self._skill_names if len(term) >= min_len and term in name
        ]
