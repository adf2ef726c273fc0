"""`/itss skill` and `/itss level`: skill definitions found by a query, a level's indicators."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.blocks.common import (
    Block,
    context,
    echo,
    escape,
    header,
    paginate,
    section,
    split_sections,
)
from flows.i18n import t, t_of, tn
from framework_data.models import Framework

if TYPE_CHECKING:
    from framework_data.search import Lookup, Suggestion

_SHELL_SPECIAL = frozenset("()[]{}<>|&;$`\"'*?!#~\\")


def lookup_note(found: Lookup) -> str | None:
    """Why the hits are not a plain match of every word, or None when they are."""
    if found.partial:
        words = t("lookup.word_separator").join(w.word for w in found.query.terms if w.split)
        return t("lookup.partial", words=words)
    if found.literal:
        return t("lookup.literal")
    return None


def suggestion_line(suggestion: Suggestion, command: str, *, for_shell: bool = False) -> str:
    """「`/itss skill バックアップ`（キーワード: バックアップ）」: a query to copy and why;
    `for_shell` quotes each word that a shell would not take as it is."""
    label = t_of("lookup.kind", suggestion.kind)
    why = label if suggestion.label == suggestion.query else f"{label}: {suggestion.label}"
    query = suggestion.query
    if for_shell:
        query = " ".join(
            shlex.quote(word) if _SHELL_SPECIAL & set(word) else word for word in query.split()
        )
    return t("lookup.suggestion", command=command, query=query, why=why)


def not_found_lines(
    query: str,
    found: Lookup,
    command: str,
    *,
    for_shell: bool = False,
    render: Callable[[str], str] = str,
) -> list[str]:
    """The not-found message, then 「もしかして」 with a query to copy for each suggestion;
    `render` prepares each suggestion line (Slack: escape what the person typed)."""
    lines = [t("lookup.not_found", query=query)]
    if found.suggestions:
        lines.append(t("lookup.did_you_mean"))
        lines += [
            "• " + render(suggestion_line(s, command, for_shell=for_shell))
            for s in found.suggestions
        ]
    return lines


def lookup_blocks(query: str, found: Lookup) -> list[list[Block]]:
    shown = echo(query)
    if not found.hits:
        lines = not_found_lines(shown, found, "/itss skill", render=escape)
        return [[section("\n".join(lines))]]
    blocks: list[Block] = [context(tn("lookup.results", len(found.hits), query=shown))]
    note = lookup_note(found)
    if note:
        blocks.append(context(note))
    for hit in found.hits:
        blocks += split_sections([f"*{hit.title}*", hit.text])
    return paginate(blocks)


def level_blocks(framework: Framework, specialty: str, level: int) -> list[Block]:
    sp = framework.specialty(specialty)
    indicator = framework.indicator(specialty, level)
    if indicator is None:
        note = framework.job_category.undefined_levels_note
        return [section(t("level.undefined", specialty=sp.name, level=level, note=note))]
    blocks: list[Block] = [header(t("level.header", specialty=sp.name, level=level))]
    for dim in indicator.dimensions:
        items = "\n".join(f"• {item}" for item in dim.items)
        blocks += split_sections(
            [f"*{dim.name}*", dim.lead or dim.text, *([items] if items else [])]
        )
    source = framework.source
    cited = t("level.source", title=source.title, version=source.version)
    blocks.append(context(f"{cited}\n{source.note}".strip()))
    return blocks
