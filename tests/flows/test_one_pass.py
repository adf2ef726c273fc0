"""One pass per event: `Interview.handle` plans once and returns what to show next
(issue 9, item 4). The views it returns are the ones a fresh computation gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from flows.facts import to_json_value
from flows.interview import Command, Interview, Outcome
from flows.personas import persona
from flows.session import InterviewSession, PersonKey, Phase
from flows.views import QuestionView, ReviewView
from framework_data.loader import load_default
from tests.counting import count_planning

FW = load_default()
ENGINE = Interview(FW)
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
KEY = PersonKey(team="T1", user="U1")


def send(session: InterviewSession, action: str, **kw: object) -> Outcome:
    cmd = Command.model_validate({"action": action, "step": session.step, **kw})
    outcome = ENGINE.handle(session, cmd, T0 + timedelta(minutes=session.step))
    assert outcome.status != "stale", outcome.message
    return outcome


def at_question(specialty: str, level: int, answered: int) -> InterviewSession:
    facts = persona(specialty, level)
    session = send(ENGINE.new_session(KEY, "i1", T0), "choose", specialty=specialty).session
    for _ in range(answered):
        assert session.current is not None
        value = to_json_value(facts[session.current])
        session = send(session, "answer", fact=session.current, value=value).session
    assert session.state is Phase.ASKING
    return session


def test_one_answer_plans_once_and_returns_the_next_question(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = at_question("system_operations", 5, 3)
    value = to_json_value(persona("system_operations", 5)[session.current or ""])
    calls = count_planning(monkeypatch)
    outcome = send(session, "answer", fact=session.current, value=value)
    assert outcome.applied
    assert calls["open_criteria"] <= 1, calls
    assert calls["remaining_facts"] <= 1, calls
    assert calls["show_value"] <= 1, "only the recorded answer is formatted"
    assert isinstance(outcome.view, QuestionView)
    assert outcome.view.number == 5
    assert outcome.recorded is not None
    assert outcome.recorded.number == 4


def test_the_answer_that_settles_plans_once_and_returns_the_review(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    facts = persona("system_operations", 1)
    session = at_question("system_operations", 1, 2)  # a level-1 person: three questions
    calls = count_planning(monkeypatch)
    outcome = send(session, "answer", fact=session.current, value=facts[session.current or ""])
    assert outcome.session.state is Phase.REVIEWING
    assert calls["open_criteria"] <= 1, calls
    assert calls["remaining_facts"] <= 1, calls
    assert isinstance(outcome.view, ReviewView)
    assert outcome.view.preview.level == 1


def walk(specialty: str, level: int) -> list[Outcome]:
    """A person who answers, goes back, skips what can be skipped, edits and pauses."""
    facts = persona(specialty, level)
    outcomes = [send(ENGINE.new_session(KEY, "i1", T0), "choose", specialty=specialty)]
    bad_number_given = False
    while (session := outcomes[-1].session).state is Phase.ASKING:
        fact = FW.fact(session.current or "")
        if len(session.asked) == 2 and not any(o.session.current == fact.id for o in outcomes[:-1]):
            outcomes.append(send(session, "back"))  # the earlier answer shown again
            continue
        if fact.kind == "int" and not bad_number_given:
            bad_number_given = True
            outcomes.append(send(session, "answer", fact=fact.id, value="たくさん"))
            assert outcomes[-1].status == "invalid"
        if fact.optional and len(session.skipped) < 1:
            outcomes.append(send(session, "skip", fact=fact.id))
            continue
        value = to_json_value(facts[fact.id])
        outcomes.append(send(session, "answer", fact=fact.id, value=value))
    first = outcomes[-1].session.asked[0]
    outcomes.append(send(outcomes[-1].session, "edit", fact=first))
    outcomes.append(send(outcomes[-1].session, "pause"))
    outcomes.append(send(outcomes[-1].session, "resume"))
    session = outcomes[-1].session
    value = to_json_value(facts[first])
    outcomes.append(send(session, "answer", fact=first, value=value))
    while (session := outcomes[-1].session).state is Phase.ASKING:
        value = to_json_value(facts[session.current or ""])
        outcomes.append(send(session, "answer", fact=session.current, value=value))
    outcomes.append(send(outcomes[-1].session, "note", dimension="complexity", text="基幹系"))
    outcomes.append(send(outcomes[-1].session, "back"))
    return outcomes


@pytest.mark.parametrize("specialty", [s.id for s in FW.job_category.specialties])
@pytest.mark.parametrize("level", [1, 3, 5])
def test_the_returned_view_is_what_the_session_shows(specialty: str, level: int) -> None:
    outcomes = walk(specialty, level)
    left = {o.previous.state for o in outcomes if o.previous is not None}
    assert Phase.PAUSED in left  # resumed
    assert Phase.REVIEWING in left  # edited, noted, went back
    for outcome in outcomes:
        assert outcome.view == ENGINE.view(outcome.session)
        before = outcome.previous
        if outcome.recorded is None or before is None:
            continue
        if before.state is Phase.CHOOSING_SPECIALTY:
            assert outcome.recorded.label == "専門分野"
            continue
        fact = FW.fact(before.current or "")
        assert outcome.recorded.label == fact.label
        assert outcome.recorded.number == len(before.asked) + 1
        lines = {line.fact.id: line.shown for line in ENGINE.answers(outcome.session)}
        shown = lines[fact.id] if fact.id in outcome.session.answers else "（省略）"
        assert outcome.recorded.shown == shown
