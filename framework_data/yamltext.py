"""Edit YAML text in place: find the lines of a key path, replace a value, keep the rest.

The framework file carries comments and a hand-chosen layout that a YAML round trip would lose,
so the converter rewrites only the lines of the keys it regenerates: `locate` maps every
block-mapping key path to its lines, `rewrite` replaces values there, `scalar` and the block
emitter write values in the file's style (one-line scalars, indentless sequences, flow lists).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import yaml

FieldPath = tuple[str, ...]
Entry = dict[str, Any]


def scalar(value: object) -> str:
    """One YAML scalar on one line (quoted only when YAML needs it)."""
    text = yaml.safe_dump(value, allow_unicode=True, width=2**31)
    return text.removesuffix("\n").removesuffix("\n...").removesuffix("\n")


def _emit(entries: list[Entry], indent: int) -> list[str]:
    """Block-style lines for a list of entries: indentless sequences, flow lists of scalars."""
    pad, lines = " " * indent, []
    for entry in entries:
        for n, (name, item) in enumerate(entry.items()):
            lead = f"{pad}- {name}:" if n == 0 else f"{pad}  {name}:"
            if isinstance(item, list) and item and isinstance(item[0], dict):
                lines += [lead, *_emit(item, indent + 2)]
            elif isinstance(item, list):
                lines.append(f"{lead} [{', '.join(scalar(v) for v in item)}]")
            else:
                lines.append(f"{lead} {scalar(item)}")
    return lines


_KEY = re.compile(r"^(- )?([A-Za-z_]\w*):(?: +(.*))?$")


def locate(lines: list[str]) -> dict[FieldPath, tuple[int, int, int]]:
    """Key path -> (first line, end line, indent) of every block-mapping key in the YAML text.

    Sequence items are named by their `id` when they start with one, else by `#index`.
    """
    found: dict[FieldPath, tuple[int, int, int]] = {}
    stack: list[tuple[int, str, bool]] = []  # (indent, segment, is sequence item)
    counts: dict[FieldPath, int] = {}
    for no, line in enumerate(lines):
        content = line.lstrip(" ")
        if not content or content.startswith("#"):
            continue
        indent = len(line) - len(content)
        item = content.startswith("- ") or content == "-"
        while stack and (
            stack[-1][0] > indent or (stack[-1][0] == indent and (stack[-1][2] or not item))
        ):
            stack.pop()
        match = _KEY.match(content)
        if item:
            parent = tuple(s for _, s, _ in stack)
            counts[parent] = counts.get(parent, -1) + 1
            name = f"#{counts[parent]}"
            if match and match.group(1) and match.group(2) == "id" and match.group(3):
                name = match.group(3)
            stack.append((indent, name, True))
            indent += 2
        if match is None:
            continue
        stack.append((indent, match.group(2), False))
        empty = not match.group(3)
        end = no + 1
        for later in range(no + 1, len(lines)):
            rest = lines[later].lstrip(" ")
            if not rest or rest.startswith("#"):
                continue
            depth = len(lines[later]) - len(rest)
            if depth < indent or (depth == indent and not (empty and rest.startswith("- "))):
                break
            end = later + 1
        found[tuple(s for _, s, _ in stack)] = (no, end, indent)
    return found


def rewrite(
    text: str, values: Iterable[tuple[FieldPath, str | list[Entry]]]
) -> tuple[str, list[FieldPath], list[str]]:
    """The YAML text with the value of every key path replaced in place (a string as one
    scalar, a list of entries as a block), the paths whose text changed, and problems (a key
    path the file lacks)."""
    lines = text.splitlines()
    where = locate(lines)
    edits: list[tuple[int, int, list[str], FieldPath]] = []
    problems: list[str] = []
    for path, value in values:
        if path not in where:
            problems.append(f"data file has no key {'.'.join(path)}; add it (e.g. with '')")
            continue
        start, end, indent = where[path]
        name = f"{' ' * indent}{path[-1]}:"
        if isinstance(value, str):
            new = [f"{name} {scalar(value)}"]
        else:
            new = [name, *_emit(value, indent)] if value else [f"{name} []"]
        edits.append((start, end, new, path))
    changed: list[FieldPath] = []
    for start, end, new, path in sorted(edits, reverse=True):
        if lines[start:end] != new:
            changed.insert(0, path)
            lines[start:end] = new
    return "\n".join(lines) + "\n", changed, problems
