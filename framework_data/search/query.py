"""Query parsing: free Japanese text → specialty and level filters, skills and keywords.

`QueryParser` is built once per framework from its specialty names and aliases, levels and
skill names; `parse` then reads a query (see the package docstring for what it understands).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from framework_data.models import Framework
from framework_data.search.records import core_name, in_order
from framework_data.textnorm import LONG_VOWELS, clean, compact, is_katakana, normalize

MAX_QUERY_CHARS = 1000  # longer queries are read up to this many characters

_KANJI_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_LEVEL_RE = re.compile(
    r"(?:レベル|(?<![a-z0-9])(?:level|lvl|lv|l))[\s.:：]*([0-9]{1,2}|[一二三四五六七八九])(?![0-9])",
    re.IGNORECASE,
)
_SPLIT_RE = re.compile(r"[\s,、。;:!?！？]+")
_WORD_RE = re.compile(r"[^\s,、。;:!?！？]+")
_BARE_DIGIT_RE = re.compile(r"[0-9]{1,2}")
_QUOTES = "「」『』\"'`“”‘’【】"
_PREFIX_PARTICLES = ("の", "で", "は", "と", "も", "を")
_SUFFIX_PARTICLES = ("について", "に関する", "とは", "の", "で", "に", "は", "を", "が", "と", "も")
_DASHES = f"[{LONG_VOWELS}]*"


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
class _Alias:
    specialty: str
    pattern: re.Pattern[str]
    ascii_only: bool


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
    """Reads queries against one framework; `corpus` (all indexed texts, compact) tells a
    specialty alias apart from a longer word of the data that contains it."""

    def __init__(self, framework: Framework, corpus: str) -> None:
        jc = framework.job_category
        self._specialty_order = tuple(s.id for s in jc.specialties)
        self._skill_ids = tuple(dict.fromkeys(s.id for s in jc.skills))
        self._known_levels = frozenset(jc.levels) | frozenset(jc.undefined_levels)
        self._corpus = corpus

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
            core = compact(core_name(skill.name))
            self._skill_names.append(
                (skill.id, compact(skill.name), min(len(core), max(3, math.ceil(len(core) / 2))))
            )

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
            specialties=in_order(self._specialty_order, specialties),
            levels=tuple(sorted(levels)),
            skills=tuple(sid for sid in self._skill_ids if sid in skills),
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
