"""What an English reader would still see in Japanese (docs/i18n.md): shared by the English
screen tests. Japanese may remain only where it is the standard's own words or typed by a
person; anything else is a string that bypassed the catalogs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from framework_data.models import Framework
from framework_data.translate import kept_japanese

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]+")


def strings_of(value: Any) -> Iterable[str]:
    """Every string in a model, a Block Kit payload, or JSON-like data."""
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings_of(v)
    elif isinstance(value, list | tuple | set | frozenset):
        for v in value:
            yield from strings_of(v)


def framework_texts(framework: Framework) -> set[str]:
    """Every text of the framework, curated or the seed's (for tests of UI words alone)."""
    return {s for s in strings_of(framework) if JAPANESE.search(s)}


def japanese_left(shown: Any, allowed: Iterable[str] = ()) -> list[str]:
    """The runs of Japanese in `shown` (text, blocks or a payload) once every `allowed`
    text is taken out, longest first."""
    text = shown if isinstance(shown, str) else json.dumps(shown, ensure_ascii=False)
    if not isinstance(shown, str):
        text = "\n".join(strings_of(shown))
    for piece in sorted({a for a in allowed if a}, key=len, reverse=True):
        text = text.replace(piece, " ")
    return JAPANESE.findall(text)


def seed_texts(framework: Framework) -> set[str]:
    """The texts an English reader sees in Japanese: the standard's own words."""
    return kept_japanese(framework)
