"""A completed interview's verdict in full, recomputed from what its record keeps.

A ResultRecord keeps the answers, what was asked, the framework id and version they were
judged by and the verdict shown then (`Verdict`: level, next level, missing count), not the
verdict tree: the tree is recomputed here when a result is shown, from the same answers and
the framework. When the rules or the framework changed since, the recomputed level may differ
from the one shown then; `rejudged` says so, and the surfaces show both (the shown level is
what the person and their manager were told).
"""

from __future__ import annotations

from datetime import datetime

from flows.inference import Result, evaluate
from flows.session import InterviewSession, ResultRecord
from framework_data.models import Framework


def result_of(record: ResultRecord, framework: Framework) -> Result:
    """The verdict tree of `record` under `framework` (KeyError for a specialty it lacks)."""
    facts = {k: frozenset(v) if isinstance(v, list) else v for k, v in record.answers.items()}
    return evaluate(framework, record.specialty, facts, asked=record.asked)


def rejudged(record: ResultRecord, result: Result) -> bool:
    """Whether `result` (recomputed) tells another level than the one shown at completion."""
    return record.verdict.level != result.level


def record_of(session: InterviewSession, result: Result, completed_at: datetime) -> ResultRecord:
    """The record a confirmed interview leaves: its answers, what was asked, the verdict."""
    return ResultRecord.judged(
        result,
        interview_id=session.id,
        team=session.team,
        user=session.user,
        completed_at=completed_at,
        answers=dict(session.answers),
        asked=list(session.asked),
        skipped=list(session.skipped),
        notes=dict(session.notes),
    )
