"""`advance` applies events exactly as the python-statemachine machine it is compiled from."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import product

import pytest
from statemachine.exceptions import TransitionNotAllowed

from flows.machine import EventNotAllowedError, InterviewMachine, advance
from flows.session import InterviewSession, Phase

EVENTS = sorted({str(e) for s in InterviewMachine.states for t in s.transitions for e in t.events})
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def session(state: Phase, paused_from: Phase | None) -> InterviewSession:
    return InterviewSession(
        id="i1", team="T1", user="U1", framework_id="f", framework_version="1",
        started_at=T0, updated_at=T0, state=state, paused_from=paused_from,
    )  # fmt: skip


def by_library(s: InterviewSession, event: str, settled: bool, at_start: bool) -> object:
    try:
        InterviewMachine(s).send(event, settled=settled, at_start=at_start)
    except TransitionNotAllowed:
        return "not allowed"
    return s.state, s.paused_from


def by_table(s: InterviewSession, event: str, settled: bool, at_start: bool) -> object:
    try:
        advance(s, event, settled=settled, at_start=at_start)
    except EventNotAllowedError:
        return "not allowed"
    return s.state, s.paused_from


@pytest.mark.parametrize("state", list(Phase))
@pytest.mark.parametrize("event", EVENTS)
def test_advance_agrees_with_the_library(state: Phase, event: str) -> None:
    for paused_from, settled, at_start in product(
        [None, Phase.CHOOSING_SPECIALTY, Phase.ASKING, Phase.REVIEWING],
        [False, True],
        [False, True],
    ):
        expected = by_library(session(state, paused_from), event, settled, at_start)
        got = by_table(session(state, paused_from), event, settled, at_start)
        assert got == expected, (state, event, paused_from, settled, at_start)


def test_every_event_of_the_declaration_is_known() -> None:
    assert set(EVENTS) == {
        "choose", "answer", "skip", "back", "edit", "note",
        "pause", "resume", "restart", "confirm", "abandon",
    }  # fmt: skip
