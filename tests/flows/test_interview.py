"""The interview engine, driven command by command as a person would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from flows.facts import FactValue, to_json_value
from flows.interview import Command, Interview, Outcome
from flows.personas import persona
from flows.results import result_of
from flows.session import InterviewSession, PersonKey, Phase
from framework_data.loader import load_default

FW = load_default()
ENGINE = Interview(FW)
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
KEY = PersonKey(team="T1", user="U1")
SPECIALTIES = [s.id for s in FW.job_category.specialties]


def send(session: InterviewSession, action: str, **kw: object) -> Outcome:
    cmd = Command.model_validate({"action": action, "step": session.step, **kw})
    return ENGINE.handle(session, cmd, T0 + timedelta(minutes=session.step))


def applied(session: InterviewSession, action: str, **kw: object) -> InterviewSession:
    outcome = send(session, action, **kw)
    assert outcome.status == "applied", outcome.message
    return outcome.session


def started(specialty: str) -> InterviewSession:
    return applied(ENGINE.new_session(KEY, "i1", T0), "choose", specialty=specialty)


def run_persona(specialty: str, facts: dict[str, FactValue]) -> tuple[InterviewSession, list[str]]:
    session = started(specialty)
    asked = []
    while session.state is Phase.ASKING:
        q = ENGINE.question(session)
        assert q is not None
        asked.append(q.fact.id)
        assert q.number == len(asked)
        assert q.number <= q.upper_bound
        value = facts[q.fact.id]
        session = applied(session, "answer", fact=q.fact.id, value=to_json_value(value))
    assert session.state is Phase.REVIEWING
    return session, asked


@pytest.mark.parametrize("specialty", SPECIALTIES)
@pytest.mark.parametrize("level", range(6))
def test_persona_interview_reaches_the_rules_level(specialty: str, level: int) -> None:
    facts = persona(specialty, level)
    session, asked = run_persona(specialty, facts)
    assert len(asked) == len(set(asked)), "a fact is asked once and serves every level"
    outcome = send(session, "confirm")
    assert outcome.status == "applied"
    assert outcome.session.state is Phase.COMPLETED
    assert outcome.record is not None
    result = result_of(outcome.record, FW)
    assert outcome.record.verdict.level == result.level == level
    assert result.decided
    # The interview stopped only when the next level's dimensions were all decided
    nxt = result.next_level
    if nxt is not None:
        verdict = result.level_verdict(nxt)
        assert verdict is not None
        assert all(d.status.value in ("met", "unmet") for d in verdict.dimensions)


def test_operator_is_not_asked_about_budgets_or_sites() -> None:
    facts = persona("network_operations", 2)
    _, asked = run_persona("network_operations", facts)
    assert asked[0] == "role"
    assert not {"annual_contract_yen", "sites", "peak_staff", "responsibilities"} & set(asked)


def test_question_shows_what_it_evidences() -> None:
    session = started("system_operations")
    q = ENGINE.question(session)
    assert q is not None
    assert q.fact.id == "role"
    assert {e.dimension for e in q.evidence} >= {"責任性"}
    assert all(e.text for e in q.evidence)
    assert q.number == 1
    assert q.upper_bound > 5


def test_rejected_answer_keeps_the_question_and_the_session() -> None:
    session = started("system_operations")
    session = applied(session, "answer", fact="role", value="member")
    q = ENGINE.question(session)
    assert q is not None
    assert q.fact.id == "operations_count"
    for bad in ["たくさん", "-3", "10〜20", "", "x" * 10_000]:
        outcome = send(session, "answer", fact="operations_count", value=bad)
        assert outcome.status == "invalid"
        assert outcome.message
        assert outcome.session == session
    outcome = send(session, "answer", fact="role", value="経営者")
    assert outcome.status == "stale"  # not the current question


def test_unknown_choice_is_explained() -> None:
    session = started("system_operations")
    outcome = send(session, "answer", fact="role", value="社長")
    assert outcome.status == "invalid"
    assert "担当者" in outcome.message


def test_double_answer_is_stale_and_applied_once() -> None:
    session = started("system_operations")
    first = send(session, "answer", fact="role", value="member")
    again = ENGINE.handle(
        first.session, Command(action="answer", step=session.step, fact="role", value="head"), T0
    )
    assert again.status == "stale"
    assert again.session.answers["role"] == "member"
    assert again.session.step == session.step + 1


def test_back_shows_old_answer_and_changed_answer_replans() -> None:
    session = started("system_operations")
    session = applied(session, "answer", fact="role", value="head")
    session = applied(session, "answer", fact=session.current, value=3)
    session = applied(session, "back")
    q = ENGINE.question(session)
    assert q is not None
    assert q.fact.id == "operations_count"
    assert q.previous == "3件"  # engagements per system or contract (issue 10)
    session = applied(session, "back")
    q = ENGINE.question(session)
    assert q is not None
    assert q.fact.id == "role"
    assert q.previous == "責任者"
    # a 担当者 has far fewer questions left than a 責任者
    before = q.upper_bound
    session = applied(session, "answer", fact="role", value="operator")
    q = ENGINE.question(session)
    assert q is not None
    assert q.upper_bound < before
    assert q.fact.id != "operations_count", "already answered facts are not asked again"


def test_back_at_first_question_returns_to_specialty_choice() -> None:
    session = applied(started("customer_support"), "back")
    assert session.state is Phase.CHOOSING_SPECIALTY


def test_skip_only_optional_facts() -> None:
    session = started("system_operations")
    outcome = send(session, "skip", fact="role")
    assert outcome.status == "invalid"
    facts = persona("system_operations", 5)
    while session.state is Phase.ASKING:
        fact = session.current
        assert fact is not None
        if FW.fact(fact).optional:
            session = applied(session, "skip", fact=fact)
        else:
            session = applied(session, "answer", fact=fact, value=to_json_value(facts[fact]))
    assert set(session.skipped) >= {"peak_staff"}
    result = ENGINE.result(session)
    assert result.level == 4  # the size evidence for 5 was skipped: not decided, conservative
    assert not result.decided


def test_review_edit_and_notes() -> None:
    session, _ = run_persona("system_operations", persona("system_operations", 3))
    lines = ENGINE.answers(session)
    assert any(line.fact.id == "role" and line.shown == "メンバー" for line in lines)
    session = applied(
        session, "note", dimension="complexity", text="基幹システム運用（2024-2025、メンバー）"
    )
    session = applied(session, "edit", fact="mastery")
    assert session.state is Phase.ASKING
    assert session.current == "mastery"
    session = applied(session, "answer", fact="mastery", value="いいえ")
    assert session.state is Phase.REVIEWING
    outcome = send(session, "confirm")
    assert outcome.record is not None
    assert outcome.record.verdict.level == 2
    assert outcome.record.notes == {"complexity": "基幹システム運用（2024-2025、メンバー）"}


def test_too_long_note_is_rejected() -> None:
    session, _ = run_persona("system_operations", persona("system_operations", 1))
    outcome = send(session, "note", dimension="task", text="あ" * 1001)
    assert outcome.status == "invalid"
    assert "1000" in outcome.message


def test_pause_resume_restart() -> None:
    session = applied(started("system_operations"), "answer", fact="role", value="leader")
    paused = applied(session, "pause")
    assert paused.state is Phase.PAUSED
    assert send(paused, "answer", fact=paused.current, value=1).status == "stale"
    resumed = applied(paused, "resume")
    assert resumed.state is Phase.ASKING
    assert resumed.current == session.current
    restarted = applied(resumed, "restart")
    assert restarted.state is Phase.CHOOSING_SPECIALTY
    assert not restarted.answers


def test_completed_interview_rejects_everything() -> None:
    session, _ = run_persona("system_operations", persona("system_operations", 2))
    done = applied(session, "confirm")
    for action in ["answer", "back", "restart", "confirm"]:
        assert send(done, action).status == "stale"


def test_unknown_specialty() -> None:
    outcome = send(ENGINE.new_session(KEY, "i", T0), "choose", specialty="devops")
    assert outcome.status == "invalid"
    assert "システムオペレーション" in outcome.message
