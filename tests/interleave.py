"""Exact interleavings of two writers on the real store, for race tests that fail every run.

`LoadBarrierStore` is the real RedisStore; while its `barrier` is set, each `load` waits for
the other party's load before returning, so two handlers both read the same state before
either writes. A missing compare-and-set then lets both writes through, every time, instead
of in the few runs where threads happen to interleave that way (issue 14).
"""

from __future__ import annotations

import contextlib
import threading

from flows.session import InterviewSession, PersonKey
from flows.storage.redis_store import RedisStore


class LoadBarrierStore(RedisStore):
    """The real Redis store; while `barrier` is set, loads wait for each other."""

    barrier: threading.Barrier | None = None

    def load(self, key: PersonKey) -> InterviewSession | None:
        session = super().load(key)
        barrier = self.barrier
        if barrier is not None:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=5)
        return session


def barrier_store(url: str, prefix: str) -> LoadBarrierStore:
    """A LoadBarrierStore on the server at `url` (from_url is annotated as a RedisStore)."""
    store = LoadBarrierStore.from_url(url, prefix=prefix)
    assert isinstance(store, LoadBarrierStore)
    return store
