"""Splitters compared with the bundled `BigramSplitter` (docs/benchmarks.md, "Skill lookup").

A morphological analyser splits a word into morphemes; the content ones (nouns, verb and
adjective stems, prefixes and suffixes) become the parts a definition must contain. These are
not dependencies of the project: `benchmarks/bench_lookup.py --candidates` measures the ones
that are installed (`uv pip install sudachipy sudachidict-core janome` into a scratch venv).
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Callable
from typing import Any

from framework_data.search.split import BigramSplitter, Splitter, unique

_CONTENT = ("名詞", "動詞", "形容詞", "形状詞", "接頭辞", "接頭詞", "接尾辞")
_LIGHT = frozenset({"する", "いる", "ある", "なる", "れる", "られる", "こと", "もの", "ため"})
_OKURIGANA = re.compile(r"(?<=[^\u3041-\u309f])[\u3041-\u309f]+$")


def _part(surface: str, pos: tuple[str, ...], base: str) -> str | None:
    if pos[0] not in _CONTENT or base in _LIGHT or surface in _LIGHT:
        return None
    if pos[0] in ("動詞", "形容詞"):  # match a stem: 切り分ける → 切り分 (the data has 切り分け)
        return _OKURIGANA.sub("", surface) or surface
    return surface


class SudachiSplitter:
    """SudachiPy with sudachidict-core, split mode A (the shortest units) or C."""

    def __init__(self, mode: str = "A") -> None:
        sudachipy = importlib.import_module("sudachipy")  # not a dependency: no stubs needed
        self.name = f"sudachi-{mode.lower()}"
        dictionary = sudachipy.Dictionary(dict="core")
        self._tokenizer: Any = dictionary.create(getattr(sudachipy.SplitMode, mode))

    def split(self, word: str) -> tuple[str, ...]:
        parts = []
        for m in self._tokenizer.tokenize(word):
            part = _part(m.surface(), tuple(m.part_of_speech()), m.dictionary_form())
            if part:
                parts.append(part)
        return unique(parts)


class JanomeSplitter:
    """Janome (IPADIC), pure Python."""

    name = "janome"

    def __init__(self) -> None:
        tokenizer = importlib.import_module("janome.tokenizer")  # not a dependency
        self._tokenizer: Any = tokenizer.Tokenizer()

    def split(self, word: str) -> tuple[str, ...]:
        parts = []
        for token in self._tokenizer.tokenize(word):
            pos = tuple(token.part_of_speech.split(","))
            if pos[1] in ("非自立", "代名詞", "数"):
                continue
            part = _part(token.surface, pos, token.base_form)
            if part:
                parts.append(part)
        return unique(parts)


CANDIDATES: dict[str, tuple[str | None, Callable[[], Splitter]]] = {
    "bigram": (None, BigramSplitter),
    "sudachi-a": ("sudachipy", lambda: SudachiSplitter("A")),
    "sudachi-c": ("sudachipy", lambda: SudachiSplitter("C")),
    "janome": ("janome", JanomeSplitter),
}


def installed(name: str) -> bool:
    module = CANDIDATES[name][0]
    return module is None or importlib.util.find_spec(module) is not None
