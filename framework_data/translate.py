"""The framework as a reader of another language sees it. Pure.

Work in progress: every locale sees the Japanese framework until the English catalog of the
curated texts lands."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from framework_data.models import Framework

_cache: dict[tuple[int, str], tuple[Framework, Framework]] = {}
_lock = threading.Lock()


def localized(framework: Framework, locale: str) -> Framework:
    """`framework` with its curated texts in `locale`; the seed's own texts stay Japanese.
    Built once per framework and locale."""
    key = (id(framework), locale)
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] is framework:
            return hit[1]
    shown = _translate(framework, locale)
    with _lock:
        _cache[key] = (framework, shown)
    return shown


def _translate(framework: Framework, locale: str) -> Framework:
    return framework


def kept_japanese(framework: Framework) -> set[str]:
    """The texts every reader sees in Japanese, the standard's own words: everything but the
    curated facts (questions, options) and criteria (statements, evidence)."""

    def walk(value: object) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for k, v in value.items():
                if k not in ("facts", "criteria"):
                    yield from walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                yield from walk(v)

    return {text for text in walk(framework.model_dump()) if text}
