"""The interview's state machine (python-statemachine), rebuilt around the session on every event.

The machine holds no data of its own: its state is `InterviewSession.state`, and the
conditions it checks arrive as event arguments computed by the engine (flows.interview).
"""

from __future__ import annotations

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
