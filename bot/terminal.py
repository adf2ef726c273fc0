"""Rendering results and definitions for the terminal (rich). Shared by the CLI and console."""

from __future__ import annotations

from rich.cells import chop_cells
from rich.console import Console
from rich.table import Table

from flows.explain import not_asked_heading, top_level
from flows.inference import MissingEvidence, Result
from flows.plan import Plan, checklist
from flows.rules import Status

MARK = {Status.MET: "✅", Status.UNMET: "❌", Status.UNKNOWN: "❔", Status.NOT_ASKED: "➖"}
MARKS = {status.value: mark for status, mark in MARK.items()}


def _where(m: MissingEvidence, next_level: int | None) -> str:
    names = "・".join(m.names)
    return names if m.level == next_level else f"レベル {m.level} {names}"


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
        console.print(
            f"  未回答の項目次第でレベル {result.max_possible_level} まで上がる可能性があります"
            f"（未回答: {len(result.unknown_facts)} 項目）"
        )
    if result.level >= 1:
        _reasons(console, result, result.level, f"レベル {result.level} の判定理由")
    if result.next_level is None:
        console.print(f"  {top_level()}")
        return
    verdict = result.level_verdict(result.next_level)
    if verdict is not None:
        table = Table(title=f"レベル {result.next_level} の達成度指標", show_lines=True)
        table.add_column("観点", no_wrap=True)
        table.add_column("判定", no_wrap=True)
        table.add_column("基準", overflow="fold")
        for dim in verdict.dimensions:
            table.add_row(dim.name, MARK[dim.status], dim.text)
        console.print(table)
    _reasons(console, result, result.next_level, f"レベル {result.next_level} の判定理由")
    shown = result.missing_with(Status.UNMET, Status.UNKNOWN)
    if shown:
        console.print(f"[bold]レベル {result.next_level} に向けて不足している根拠[/bold]")
        for m in shown:
            where = _where(m, result.next_level)
            console.print(
                f"  {MARK[m.status]} {where}: {m.rule_text}", highlight=False, soft_wrap=True
            )
            console.print(f"      回答 → {m.answer}", style="dim", highlight=False, soft_wrap=True)
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
    title = "維持するスキル" if plan.sustain else f"レベル {plan.level} に向けた育成計画"
    console.rule(f"[bold]{title}[/bold]")
    _line(console, plan.summary)
    if plan.evidence:
        _line(console, "集める根拠", style="bold")
        for e in plan.evidence:
            mark = MARKS.get(e.status, "・")
            _line(console, f"{mark} {e.dimension_name}: {e.rule}", 2)
            _line(console, f"→ {e.evidence}", 6, style="dim")
    for item in plan.items:
        _line(console, f"{item.skill_name}（レベル {item.level} のスキル熟達度）", style="bold")
        _line(console, item.text, 2)
        if item.knowledge:
            _line(console, "知識項目:", 2)
        for text, sub in checklist(item.knowledge):
            _line(console, f"☐ {text}", 4)
            for child in sub:
                _line(console, f"☐ {child}", 8)
