"""Completion is a compare-and-set on the session's step, on both backends: each way a
completion can be late — the answer it saw was overtaken, it claims a step not reached yet,
a second completion of the same interview — is refused and writes nothing: no result, no
delivery, the session as it was. Written for issue 14's deliberate bug "no step check in
compare-and-set" (MemoryStore.complete and the Lua COMPLETE, docs/testing.md)."""

from __future__ import annotations

from flows.outbox import result_deliveries
from flows.storage.base import SessionStore
from tests.flows.storage.test_contract import ALICE, record, session, stale


def at_step_two(store: SessionStore) -> None:
    store.save(session(step=0), expected_step=None)
    store.save(session(step=1), expected_step=0)
    store.save(session(step=2), expected_step=1)


def nothing_written(store: SessionStore) -> None:
    assert store.load(ALICE) == session(step=2)
    assert store.history(ALICE) == []
    assert store.latest(ALICE) == {}
    assert store.outbox.pending(ALICE) == []


def test_a_completion_overtaken_by_an_answer_is_refused(store: SessionStore) -> None:
    at_step_two(store)
    rec = record(n=1)
    deliveries = result_deliveries(rec, ("carol",), ())
    stale(lambda: store.complete(session(step=2), rec, expected_step=1, deliveries=deliveries))
    nothing_written(store)


def test_a_completion_from_a_step_not_reached_is_refused(store: SessionStore) -> None:
    at_step_two(store)
    stale(lambda: store.complete(session(step=4), record(n=1), expected_step=3))
    nothing_written(store)


def test_a_completion_at_the_first_step_after_three_answers_is_refused(
    store: SessionStore,
) -> None:
    at_step_two(store)
    stale(lambda: store.complete(session(step=1), record(n=1), expected_step=0))
    nothing_written(store)
    # the completion at the step the session is at goes through
    store.complete(session(step=3), record(n=1), expected_step=2)
    assert store.history(ALICE) == [record(n=1)]
    assert store.load(ALICE) is None
