"""Rendering results and definitions for the terminal (rich). Shared by the CLI and console."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from flows.inference import Result
from flows.rules import Status

MARK = {Status.MET: "✅", Status.UNMET: "❌", Status.UNKNOWN: "❔"}


def print_result(console: Console, result: Result, person: str | None = None) -> None:
    who = f"{person} — " if person else ""
    console.print(f"[bold]{who}{result.specialty_name}: レベル {result.level}[/bold]")
    if not result.decided:
        console.print(
            f"  未回答の項目次第でレベル {result.max_possible_level} まで上がる可能性があります"
            f"（未回答: {len(result.unknown_facts)} 項目）"
        )
    if result.next_level is None:
        console.print("  最高レベルに到達しています。")
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
    if result.missing:
        console.print(f"[bold]レベル {result.next_level} に向けて不足している根拠[/bold]")
        for m in result.missing:
            console.print(f"  {MARK[m.status]} {m.dimension_name}: {m.rule}", highlight=False)
            console.print(f"      回答 → {m.answer}", style="dim", highlight=False)
