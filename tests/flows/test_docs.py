"""The question counts in docs/interview.md are what the engine does."""

from __future__ import annotations

from pathlib import Path

from flows.personas import persona
from flows.planner import next_fact
from framework_data.loader import load_default

DOC = Path(__file__).resolve().parents[2] / "docs" / "interview.md"


def questions_asked(specialty: str, level: int) -> int:
    fw = load_default()
    facts = persona(specialty, level)
    known: dict[str, object] = {}
    while (fact := next_fact(fw, specialty, known)) is not None:  # type: ignore[arg-type]
        known[fact] = facts[fact]
    return len(known)


def test_question_counts_table_matches_engine() -> None:
    text = DOC.read_text(encoding="utf-8")
    fw = load_default()
    for sp in fw.job_category.specialties:
        counts = [questions_asked(sp.id, level) for level in range(6)]
        row = f"| {sp.name} (`{sp.id}`) | " + " | ".join(map(str, counts))
        assert row in text, f"docs/interview.md is out of date: expected row {row!r}"
