"""The message catalogs against the code (flows/i18n.py, docs/i18n.md).

Fails when a key is used in code but missing from a catalog, when a catalog has a key that
nothing uses, when the two languages disagree on a key's placeholders or plural forms, when a
call fills in other placeholders than its message names, and when a Japanese string literal
in the code bypasses the catalogs (words people type are marked ``# i18n: input``).
"""

from __future__ import annotations

import ast
import io
import itertools
import re
import string
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from flows.i18n import DEFAULT, LOCALES, catalog, t, using

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "flows", "framework_data")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]")
PRAGMA = re.compile(r"#\s*i18n:\s*(input|seed)\b")
# Modules that read the standard's own text (the seed) or what people type, never UI words.
READERS = {
    "framework_data/convert.py": "converts the seed into YAML",
    "framework_data/seed.py": "parses the seed's headings and lists",
    "framework_data/textnorm.py": "folds typed and seed text for search",
    "framework_data/search/words.py": "search vocabulary: words people type",
    "framework_data/search/split.py": "splits Japanese words for search",
    "framework_data/search/records.py": "search records of the seed's texts",
    "framework_data/search/index.py": "search index over the seed's texts",
    "framework_data/search/query.py": "parses what people type into a search",
    "framework_data/search/ranking.py": "ranks seed texts",
    "framework_data/search/__init__.py": "search over the seed's texts",
    "framework_data/search/suggest.py": "suggests seed words for a typo",
}


def sources() -> Iterator[tuple[str, str]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Use:
    where: str
    key: str
    family: bool
    params: frozenset[str] | None  # None: filled in by **kwargs, not checked


def uses() -> list[Use]:
    found: list[Use] = []
    for where, text in sources():
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            name = node.func.id
            if name not in {"t", "tn", "t_of"} or not node.args:
                continue
            first = node.args[0]
            at = f"{where}:{node.lineno}"
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                if where == "flows/i18n.py":  # t_of, which the checks read as a family
                    continue
                raise AssertionError(f"{at}: {name}() needs a literal key (use t_of for families)")
            given = frozenset(k.arg for k in node.keywords if k.arg is not None)
            params: frozenset[str] | None = given | {"n"} if name == "tn" else given
            if any(k.arg is None for k in node.keywords) or name == "t_of":
                params = None
            found.append(Use(at, first.value, name == "t_of", params))
    return found


def placeholders(text: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


def test_both_languages_have_the_same_keys_areas_and_plural_forms() -> None:
    ja, en = catalog("ja"), catalog("en")
    assert set(ja.entries) == set(en.entries), (
        f"only in ja: {sorted(set(ja.entries) - set(en.entries))}; "
        f"only in en: {sorted(set(en.entries) - set(ja.entries))}"
    )
    for key, entry in ja.entries.items():
        other = en.entries[key]
        assert entry.source == other.source, f"{key}: {entry.source} vs {other.source}"
        assert all(entry.forms), f"{key}: an empty Japanese message"
        assert all(other.forms), f"{key}: an empty English message"
        assert entry.plural == other.plural, f"{key}: plural in one language only"
        assert len(entry.forms) == 1, f"{key}: Japanese has one plural form"
        assert len(other.forms) == (2 if other.plural else 1), f"{key}: English has two"


def test_every_message_names_the_same_placeholders_in_both_languages() -> None:
    for key in catalog(DEFAULT).entries:
        names = {placeholders(f) for locale in LOCALES for f in catalog(locale).entries[key].forms}
        assert len(names) == 1, f"{key}: placeholders differ between languages: {names}"


def test_every_key_used_in_code_is_in_the_catalogs() -> None:
    keys = set(catalog(DEFAULT).entries)
    missing = [
        f"{u.where}: {u.key}"
        for u in uses()
        if (not any(k.startswith(u.key + ".") for k in keys) if u.family else u.key not in keys)
    ]
    assert not missing, "keys missing from the catalogs:\n" + "\n".join(missing)


def test_every_key_in_the_catalogs_is_used() -> None:
    used = uses()
    plain = {u.key for u in used if not u.family}
    families = {u.key for u in used if u.family}
    unused = [
        key
        for key in catalog(DEFAULT).entries
        if key not in plain and not any(key.startswith(f + ".") for f in families)
    ]
    assert not unused, f"catalog keys nothing uses: {unused}"


def test_each_call_fills_in_what_its_message_names() -> None:
    wrong = []
    for u in uses():
        entry = catalog(DEFAULT).entries.get(u.key)
        if u.params is None or entry is None:
            continue
        named = placeholders(entry.forms[0])
        if named != u.params:
            wrong.append(f"{u.where}: {u.key} names {sorted(named)}, given {sorted(u.params)}")
    assert not wrong, "\n".join(wrong)


def japanese_literals(where: str, text: str) -> Iterator[str]:
    tree = ast.parse(text)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    # attribute docstrings: a bare string right after an annotated field
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list):
            for before, stmt in itertools.pairwise(body):
                if isinstance(before, ast.AnnAssign | ast.Assign) and (
                    isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
                ):
                    docstrings.add(id(stmt.value))
    marked = {
        tok.start[0]
        for tok in tokenize.generate_tokens(io.StringIO(text).readline)
        if tok.type == tokenize.COMMENT and PRAGMA.search(tok.string)
    }
    # a pragma marks the whole simple statement it is in (ruff may spread one over lines)
    statements = [
        (stmt.lineno, stmt.end_lineno or stmt.lineno)
        for stmt in ast.walk(tree)
        if isinstance(stmt, ast.stmt) and not hasattr(stmt, "body")
    ]
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if id(node) in docstrings or not CJK.search(node.value):
            continue
        start, end = node.lineno, node.end_lineno or node.lineno
        around = [(a, b) for a, b in statements if a <= start and end <= b]
        if around:
            start, end = min(around, key=lambda r: r[1] - r[0])
        if marked.isdisjoint(range(start, end + 1)):
            yield f"{where}:{node.lineno}: {node.value[:40]!r}"


def test_no_japanese_words_in_code_bypass_the_catalogs() -> None:
    found = [
        hit
        for where, text in sources()
        if where not in READERS
        for hit in japanese_literals(where, text)
    ]
    assert not found, "UI text outside the catalogs (flows/locale):\n" + "\n".join(found)


def test_the_scan_sees_a_japanese_literal_and_honours_the_pragma() -> None:
    code = (
        'x = "はい"\ny = f"{x}件"\nz = "いいえ"  # i18n: input\n\ndef f():\n    """説明"""\n'
        'w = (\n    "約",\n    "超",\n)  # i18n: input\nv = ("約",\n)\n'
    )
    hits = list(japanese_literals("m.py", code))
    assert [h.split(":")[1] for h in hits] == ["1", "2", "11"]


@pytest.mark.parametrize("locale", LOCALES)
def test_a_message_renders_in_each_language(locale: str) -> None:
    with using(locale):  # type: ignore[arg-type]
        assert t("help.title")
