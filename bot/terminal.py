"""Rendering results and definitions for the terminal (rich). Shared by the CLI and console."""

from __future__ import annotations

from rich.cells import chop_cells
from rich.console import Console
from rich.table import Table

from flows.explain import not_asked_heading, top_level
from flows.i18n import t, tn
from flows.inference import MissingEvidence, Result
from flows.plan import Plan, checklist
from flows.rules import Status

MARK = {Status.MET: "✅", Status.UNMET: "❌", Status.UNKNOWN: "❔", Status.NOT_ASKED: "➖"}
MARKS = {status.value: mark for status, mark in MARK.items()}


def _where(m: MissingEvidence, next_level: int | None) -> str:
    names = t("console.joiner").join(m.names)
    return names if m.level == next_level else t("terminal.at_level", level=m.level, names=names)


def _reasons(console: Console, result: Result, level: int, title: str) -> None:
    reasons = result.reasons_for(level)
    if not reasons:
        return
    console.print(f"[bold]{title}[/bold]")
    for r in reasons:
        console.print(f"  {MARK[r.status]} {r.name}: {r.reason}", highlight=False, soft_wrap=True)


def print_result(console: Console, result: Result, person: str | None = None) -> None:
    who = f"{person} — " if person else ""
    console.print(f"[bold]{who}{result.specialty_name}: {result.level_name}[/bold]")
    if not result.decided:
        undecided = tn(
            "terminal.undecided", len(result.unknown_facts), level=result.max_possible_level
        )
        console.print(f"  {undecided}")
    if result.level >= 1:
        _reasons(console, result, result.level, t("terminal.reasons", level=result.level))
    if result.next_level is None:
        console.print(f"  {top_level()}")
        return
    verdict = result.level_verdict(result.next_level)
    if verdict is not None:
        title = t("terminal.indicators", level=result.next_level)
        table = Table(title=title, show_lines=True)
        table.add_column(t("terminal.column.dimension"), no_wrap=True)
        table.add_column(t("terminal.column.verdict"), no_wrap=True)
        table.add_column(t("terminal.column.indicator"), overflow="fold")
        for dim in verdict.dimensions:
            table.add_row(dim.name, MARK[dim.status], dim.text)
        console.print(table)
    _reasons(console, result, result.next_level, t("terminal.reasons", level=result.next_level))
    shown = result.missing_with(Status.UNMET, Status.UNKNOWN)
    if shown:
        console.print(f"[bold]{t('terminal.missing', level=result.next_level)}[/bold]")
        for m in shown:
            where = _where(m, result.next_level)
            console.print(
                f"  {MARK[m.status]} {where}: {m.rule_text}", highlight=False, soft_wrap=True
            )
            answer = t("terminal.answer", answer=m.answer)
            console.print(f"      {answer}", style="dim", highlight=False, soft_wrap=True)
    unasked = result.missing_with(Status.NOT_ASKED)
    if unasked:
        console.print(f"[bold]{not_asked_heading()}[/bold]")
        for m in unasked:
            where = _where(m, result.next_level)
            console.print(
                f"  {MARK[m.status]} {where}: {m.rule_text}", highlight=False, soft_wrap=True
            )


def _line(console: Console, text: str, indent: int = 0, style: str = "") -> None:
    # Folded by display cells, not at spaces: rich's word wrap moves a long run of Japanese
    # after a short word to the next line whole ("レベル 4" / "に向けて…").
    for part in chop_cells(text, max(console.width - indent, 20)):
        console.print(" " * indent + part, style=style, markup=False, highlight=False)


def print_plan(console: Console, plan: Plan) -> None:
    """The development plan (flows.plan): evidence to gather, then each スキル熟達度 and its
    知識項目 as a checklist."""
    title = t("terminal.sustain") if plan.sustain else t("terminal.plan", level=plan.level)
    console.rule(f"[bold]{title}[/bold]")
    _line(console, plan.summary)
    if plan.evidence:
        _line(console, t("terminal.evidence"), style="bold")
        for e in plan.evidence:
            mark = MARKS.get(e.status, t("terminal.bullet"))
            _line(console, f"{mark} {e.dimension_name}: {e.rule}", 2)
            _line(console, f"→ {e.evidence}", 6, style="dim")
    for item in plan.items:
        skill = t("terminal.proficiency", skill=item.skill_name, level=item.level)
        _line(console, skill, style="bold")
        _line(console, item.text, 2)
        if item.knowledge:
            _line(console, t("terminal.knowledge"), 2)
        for text, sub in checklist(item.knowledge):
            _line(console, f"☐ {text}", 4)
            for child in sub:
                _line(console, f"☐ {child}", 8)
