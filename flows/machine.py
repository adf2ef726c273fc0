"""The interview's state machine: declared with python-statemachine, applied from a table.

The machine holds no data of its own: its state is `InterviewSession.state`, and the
conditions it checks arrive as event arguments computed by the engine (flows.interview).
`InterviewMachine` is the declaration (the library checks the graph when the class is made);
`advance` applies an event from a table compiled from it once at import, because building the
library's machine for every event cost more than planning the next question (docs/interview.md,
"Cost of one click"). tests/flows/test_machine.py holds `advance` to the library's own answer
for every state, event and condition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from statemachine import State, StateMachine

from flows.session import InterviewSession, Phase


class InterviewMachine(StateMachine):
    choosing_specialty = State(initial=True, value=Phase.CHOOSING_SPECIALTY)
    asking = State(value=Phase.ASKING)
    reviewing = State(value=Phase.REVIEWING)
    paused = State(value=Phase.PAUSED)
    completed = State(final=True, value=Phase.COMPLETED)
    abandoned = State(final=True, value=Phase.ABANDONED)

    choose = choosing_specialty.to(reviewing, cond="settled") | choosing_specialty.to(asking)
    answer = asking.to(reviewing, cond="settled") | asking.to.itself(internal=True)
    skip = asking.to(reviewing, cond="settled") | asking.to.itself(internal=True)
    back = (
        asking.to(choosing_specialty, cond="at_start")
        | asking.to.itself(internal=True)
        | reviewing.to(asking)
    )
    edit = reviewing.to(asking)
    note = reviewing.to.itself(internal=True)
    pause = choosing_specialty.to(paused) | asking.to(paused) | reviewing.to(paused)
    resume = (
        paused.to(asking, cond="was_asking")
        | paused.to(reviewing, cond="was_reviewing")
        | paused.to(choosing_specialty)
    )
    restart = (
        choosing_specialty.to.itself(internal=True)
        | asking.to(choosing_specialty)
        | reviewing.to(choosing_specialty)
        | paused.to(choosing_specialty)
    )
    confirm = reviewing.to(completed)
    abandon = (
        choosing_specialty.to(abandoned)
        | asking.to(abandoned)
        | reviewing.to(abandoned)
        | paused.to(abandoned)
    )

    def __init__(self, session: InterviewSession) -> None:
        super().__init__(model=session, state_field="state")

    @property
    def session(self) -> InterviewSession:
        model: InterviewSession = self.model
        return model

    # conditions: the engine passes what it has computed
    def settled(self, settled: bool = False, **_: Any) -> bool:
        return settled

    def at_start(self, at_start: bool = False, **_: Any) -> bool:
        return at_start

    def was_asking(self) -> bool:
        return self.session.paused_from is Phase.ASKING

    def was_reviewing(self) -> bool:
        return self.session.paused_from is Phase.REVIEWING

    def on_enter_paused(self, source: State) -> None:
        self.session.paused_from = Phase(source.value)

    def on_exit_paused(self) -> None:
        self.session.paused_from = None


class EventNotAllowedError(Exception):
    """The event has no transition from the session's state (an old button, say)."""


@dataclass(frozen=True)
class _Edge:
    target: Phase
    cond: str | None  # the name of the condition that must hold, or None
    internal: bool  # a self-transition without exit and entry


def _compile() -> dict[tuple[Phase, str], tuple[_Edge, ...]]:
    table: dict[tuple[Phase, str], list[_Edge]] = {}
    for state in InterviewMachine.states:
        for t in state.transitions:
            conds = [str(c) for c in t.cond]
            if len(conds) > 1 or list(t.validators):
                raise TypeError(f"advance knows one condition or none: {state.id} {t.event}")
            edge = _Edge(Phase(t.target.value), conds[0] if conds else None, t.internal)
            for event in t.events:
                table.setdefault((Phase(state.value), str(event)), []).append(edge)
    return {k: tuple(v) for k, v in table.items()}


_TABLE = _compile()


def advance(
    session: InterviewSession, event: str, *, settled: bool = False, at_start: bool = False
) -> None:
    """Apply `event` to the session's state: the first transition whose condition holds."""
    source = session.state
    holds = {
        "settled": settled,
        "at_start": at_start,
        "was_asking": session.paused_from is Phase.ASKING,
        "was_reviewing": session.paused_from is Phase.REVIEWING,
    }
    edge = next(
        (e for e in _TABLE.get((source, event), ()) if e.cond is None or holds[e.cond]), None
    )
    if edge is None:
        raise EventNotAllowedError(f"{event} from {source.value}")
    if edge.internal:
        return
    if source is Phase.PAUSED:
        session.paused_from = None  # on_exit_paused
    session.state = edge.target
    if edge.target is Phase.PAUSED:
        session.paused_from = source  # on_enter_paused
