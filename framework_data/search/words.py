"""Filter words found in a query: specialty aliases and the names of the framework's parts.

A filter word is taken out of the query wherever it stands (カスタマサポートレベル5, 知識項目バックアップ)
unless the word it stands in occurs in the data as a whole: システム運用要件 and スキル管理 stay
keywords, they are not SO + 要件 or スキル + 管理.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from framework_data.search.records import Kind
from framework_data.textnorm import LONG_VOWELS, compact, is_katakana, normalize

_WORD_RE = re.compile(r"[^\s,、。;:!?！？]+")
_DASHES = f"[{LONG_VOWELS}]*"

# Words that name a part of the framework: they choose the kind of definition shown.
KIND_WORDS: dict[str, Kind] = {
    "スキル熟達度": "proficiency",
    "熟達度": "proficiency",
    "達成度指標": "dimension",
    "達成度": "dimension",
    "知識項目": "knowledge",
    "知識": "knowledge",
    "スキル項目": "skill",
    "スキル": "skill",
}

KIND_NAMES: dict[Kind, str] = {
    "dimension": "達成度指標",
    "proficiency": "スキル熟達度",
    "knowledge": "知識項目",
    "skill": "スキル項目",
}


@dataclass(frozen=True, slots=True)
class FilterWord:
    """One alias or kind word: what it selects and how to find it in a query."""

    value: str  # a specialty id or a Kind
    pattern: re.Pattern[str]
    ascii_only: bool
    first: str  # its first character, casefolded: a query without it cannot contain the word


def word_pattern(alias: str) -> re.Pattern[str] | None:
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


def filter_words(words: list[tuple[str, str]]) -> list[FilterWord]:
    """(word, value) pairs as patterns, longest word first so that it wins over its parts."""
    ordered = sorted(words, key=lambda w: (-len(compact(w[0])), w[0], w[1]))
    found: list[FilterWord] = []
    for word, value in ordered:
        pattern = word_pattern(word)
        if pattern is not None:
            found.append(FilterWord(value, pattern, word.isascii(), normalize(word)[0]))
    return found


@dataclass(frozen=True, slots=True)
class Taken:
    """What `take` removed: the values it selected and the whole words that were only filters."""

    text: str
    values: frozenset[str]
    whole_words: tuple[str, ...]


def take(s: str, word: FilterWord, occurs: Callable[[str], bool]) -> Taken:
    """Remove matches of `word` from `s`, unless the match is part of a longer word that occurs
    in the data (`occurs`: whether a compact text is in some indexed field)."""
    if word.first not in s.casefold():
        return Taken(s, frozenset(), ())
    matches = list(word.pattern.finditer(s))
    if not matches:
        return Taken(s, frozenset(), ())
    spans = [m.span() for m in _WORD_RE.finditer(s)]
    starts = [w[0] for w in spans]
    out: list[str] = []
    whole: list[str] = []
    pos = 0
    for m in matches:
        start, end = m.span()
        word_start = spans[bisect_right(starts, start) - 1][0]
        word_end = spans[bisect_right(starts, end - 1) - 1][1]
        if (word_start, word_end) == (start, end):
            whole.append(s[start:end])
        elif not word.ascii_only:
            longer = compact(s[word_start:word_end])
            if longer and occurs(longer):
                continue
        out.append(s[pos:start])
        out.append(" ")
        pos = end
    if not out:
        return Taken(s, frozenset(), ())
    out.append(s[pos:])
    return Taken("".join(out), frozenset({word.value}), tuple(whole))
