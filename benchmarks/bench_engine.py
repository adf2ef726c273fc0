"""What one interview click costs in the engine, and what part of it the state machine is.

    python benchmarks/bench_engine.py [--rounds N]

Times, in CPU time of the thread over N interleaved rounds (after a warm-up), on the persona of a
システムオペレーション head at question 4 of 11 (the interview asked most):

- `handle` of an answer: the whole engine step (copy, machine, checks, one plan, the view);
- `handle` + `screen`: the same and the Block Kit of the next question (the click's CPU
  without I/O), and `screen` without the view (the engine asked again, as before issue 9);
- the machine rebuild alone: `InterviewMachine(session)`, and with the `answer` event sent
  (what `handle` did before issue 9), beside `flows.machine.advance` (what it does now);
- the planning alone: `flows.planner.plan` over the session's facts.

Prints the median and p95 of each in microseconds, and the machine's share of a `handle`.
The figures and the decision they led to are in docs/interview.md ("Cost of one click").
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.blocks.interview import screen
from flows.facts import to_json_value
from flows.interview import Command, Interview
from flows.machine import InterviewMachine, advance
from flows.personas import persona
from flows.planner import plan
from flows.session import InterviewSession, PersonKey
from framework_data.loader import load_default

SPECIALTY, LEVEL, ANSWERED = "system_operations", 5, 3
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _at_question(engine: Interview) -> tuple[InterviewSession, Command]:
    facts = persona(SPECIALTY, LEVEL)
    session = engine.new_session(PersonKey(team="T1", user="U1"), "bench", T0)
    session = engine.handle(session, Command(action="choose", specialty=SPECIALTY), T0).session
    for _ in range(ANSWERED + 1):
        assert session.current is not None
        value = to_json_value(facts[session.current])
        cmd = Command(action="answer", step=session.step, fact=session.current, value=value)
        if len(session.asked) == ANSWERED:
            return session, cmd
        session = engine.handle(session, cmd, T0).session
    raise AssertionError("the persona settled early")


def _time(rounds: int, runs: dict[str, Callable[[int], object]]) -> dict[str, list[float]]:
    """Each run once per round, interleaved (so a busy neighbour slows all alike), in CPU time
    of this thread (time waiting for the CPU on a shared machine is not counted)."""
    for i in range(min(rounds, 200)):
        for run in runs.values():
            run(i)
    out: dict[str, list[float]] = {name: [] for name in runs}
    for i in range(rounds):
        for name, run in runs.items():
            start = time.thread_time_ns()
            run(200 + i)
            out[name].append((time.thread_time_ns() - start) / 1000)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=5000)
    args = parser.parse_args(argv)
    rounds: int = args.rounds
    framework = load_default()
    engine = Interview(framework)
    session, cmd = _at_question(engine)
    facts, skipped = session.facts(), list(session.skipped)
    copies = [session.model_copy(deep=True) for _ in range(rounds + 200)]
    copies2 = [session.model_copy(deep=True) for _ in range(rounds + 200)]
    copies3 = [session.model_copy(deep=True) for _ in range(rounds + 200)]

    def handle_and_render(_: int) -> object:
        outcome = engine.handle(session, cmd, T0)
        return screen(engine, outcome.session, view=outcome.view)

    def render_asking_again(_: int) -> object:
        return screen(engine, engine.handle(session, cmd, T0).session)

    def machine_and_event(i: int) -> object:
        return InterviewMachine(copies2[i]).send("answer", settled=False)

    def table_event(i: int) -> object:
        advance(copies3[i], "answer", settled=False)
        return None

    results = _time(
        rounds,
        {
            "handle (an answer)": lambda _: engine.handle(session, cmd, T0),
            "handle + screen (the view given)": handle_and_render,
            "handle + screen (engine asked again)": render_asking_again,
            "machine rebuild": lambda i: InterviewMachine(copies[i]),
            "machine rebuild + answer event": machine_and_event,
            "answer event from the table (advance)": table_event,
            "planning (plan)": lambda _: plan(framework, SPECIALTY, facts, skipped),
            "session deep copy": lambda _: session.model_copy(deep=True),
        },
    )
    print(f"{rounds} rounds; Python {platform.python_version()} on {platform.machine()}")
    print(f"{'what':40} {'median µs':>10} {'p95 µs':>10}")
    medians = {}
    for name, samples in results.items():
        medians[name] = statistics.median(samples)
        p95 = statistics.quantiles(samples, n=20)[-1]
        print(f"{name:40} {medians[name]:10.0f} {p95:10.0f}")
    machine = medians["machine rebuild + answer event"]
    click = medians["handle + screen (the view given)"]
    print(
        f"a rebuilt machine per event would be {machine / (click + machine):.0%} of a click"
        f" (handle + screen + the rebuild); advance is {medians['answer event from the table (advance)'] / click:.1%}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
