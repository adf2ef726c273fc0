"""Splitting a word that does not occur in the data into the parts it is written from.

Japanese is written without spaces, so 障害対応 or ネットワーク監視 are one "word" to the parser
although the data only has 障害 and 対応 apart. A `Splitter` turns such a word into parts; a
definition matches the word when it contains every part (see `ranking`).

The bundled choice is `BigramSplitter`: overlapping character bigrams, the classic n-gram index
for Japanese. It was chosen by measurement against a morphological analyser (SudachiPy with
sudachidict-core, and Janome) on the query table in tests/framework_data/search_queries.py:
see docs/benchmarks.md, "Skill lookup", for the pass rates, latency, start-up and size figures.
`benchmarks/lookup_candidates.py` holds the analyser splitters used for that comparison.
"""

from __future__ import annotations

from typing import Protocol

from framework_data.textnorm import compact


class Splitter(Protocol):
    """Turns one word (NFKC, no spaces) into the compact parts it is written from."""

    name: str

    def split(self, word: str) -> tuple[str, ...]:
        """The parts, compact (see `textnorm.compact`), in order, without repeats; () if none."""
        ...


def unique(parts: list[str]) -> tuple[str, ...]:
    """Compact, non-empty parts, first occurrence kept."""
    return tuple(dict.fromkeys(p for p in (compact(x) for x in parts) if p))


class BigramSplitter:
    """Overlapping character bigrams of the compact word: 障害対応 → 障害 害対 対応."""

    name = "bigram"

    def split(self, word: str) -> tuple[str, ...]:
        text = compact(word)
        if len(text) <= 2:
            return (text,) if text else ()
        return unique([text[i : i + 2] for i in range(len(text) - 1)])
