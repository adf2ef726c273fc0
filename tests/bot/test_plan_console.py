"""The development plan on the console's result screen: the same items as flows.plan."""

from __future__ import annotations

import pytest

from flows.inference import evaluate
from flows.personas import persona
from flows.plan import checklist, development_plan
from tests.bot.test_console import FW, run, script, without_redis


@pytest.mark.slow
@pytest.mark.parametrize(
    ("specialty", "level"), [("system_operations", 3), ("customer_support", 5)]
)
def test_console_result_screen_shows_the_plan(specialty: str, level: int) -> None:
    proc = run(
        ["--specialty", specialty],
        [*script(specialty, level), ""],
        {**without_redis(), "COLUMNS": "2000"},  # wide enough that no line is folded
    )
    assert proc.returncode == 0, proc.stderr
    plan = development_plan(FW, evaluate(FW, specialty, persona(specialty, level)))
    lines = [line.rstrip() for line in proc.stdout.splitlines()]
    title = "維持するスキル" if plan.sustain else f"レベル {plan.level} に向けた育成計画"
    assert any(title in line for line in lines)
    assert plan.summary in lines
    for e in plan.evidence:
        assert f"      → {e.evidence}" in lines
    assert plan.items
    for item in plan.items:
        assert f"  {item.text}" in lines
        for text, sub in checklist(item.knowledge):
            assert f"    ☐ {text}" in lines
            for child in sub:
                assert f"        ☐ {child}" in lines
