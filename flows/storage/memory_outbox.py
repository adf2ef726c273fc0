"""The outbox in process (flows.outbox.OutboxStore), sharing MemoryStore's lock so that a
completion and the deliveries it queues are one atomic step, as on Redis."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from flows.outbox import Claimed, Delivery, Settled
from flows.session import PersonKey

_Person = tuple[str, str]


def _ms(seconds: float) -> int:
    return int(seconds * 1000)


@dataclass
class _Entry:
    delivery: Delivery
    due: float
    attempts: int = 0
    unsure: bool = False


@dataclass
class _Box:
    pending: dict[str, _Entry] = field(default_factory=dict)
    sent: dict[str, float] = field(default_factory=dict)
    failed: dict[str, tuple[Delivery, str]] = field(default_factory=dict)


class MemoryOutbox:
    """OutboxStore in dicts; `lock` is the owning MemoryStore's."""

    def __init__(self, lock: threading.Lock) -> None:
        self._lock = lock
        self._boxes: dict[_Person, _Box] = {}
        self._index: dict[_Person, int] = {}  # epoch ms, as on Redis: tokens compare exactly

    # ---------------------------------------------------------------- with the lock held

    def enqueue_locked(
        self,
        person: _Person,
        deliveries: Sequence[Delivery],
        due: float,
        *,
        claimed: bool,
        announce_at: float,
    ) -> None:
        """Queue what is not queued, sent or failed yet; `claimed`: by the writer (attempt 1,
        in flight). The person is put in the index at `announce_at` at the latest."""
        if not deliveries:
            return
        if claimed:  # the writer sends them: look when its lease ends (as Redis's second ZADD)
            self._index[person] = _ms(due)
        else:
            at = _ms(announce_at)
            self._index[person] = min(self._index.get(person, at), at)
        box = self._boxes.setdefault(person, _Box())
        for d in deliveries:
            if d.id in box.sent or d.id in box.pending or d.id in box.failed:
                continue
            box.pending[d.id] = _Entry(d, due, 1 if claimed else 0, claimed)

    def cancel_locked(self, person: _Person, ids: Sequence[str]) -> None:
        """Remove pending deliveries (a campaign's reminders, once the person submitted)."""
        box = self._boxes.get(person)
        if box is not None:
            for delivery_id in ids:
                box.pending.pop(delivery_id, None)

    def forget_locked(self, person: _Person) -> None:
        self._boxes.pop(person, None)

    # ---------------------------------------------------------------- OutboxStore

    def claim(self, key: PersonKey, now: float, lease_seconds: float) -> list[Claimed]:
        with self._lock:
            box = self._boxes.get((key.team, key.user))
            due = [e for e in ([] if box is None else box.pending.values()) if e.due <= now]
            out = []
            for entry in due:
                entry.attempts += 1
                out.append(Claimed(entry.delivery, entry.attempts, entry.unsure))
                entry.due, entry.unsure = now + lease_seconds * len(due), True
        return out

    def settle(self, key: PersonKey, settled: Settled, now: float) -> float | None:
        person = (key.team, key.user)
        with self._lock:
            box = self._boxes.setdefault(person, _Box())
            for mark in settled.marks:
                entry = box.pending.get(mark.delivery_id)
                if entry is None:
                    continue
                if mark.outcome == "sent":
                    del box.pending[mark.delivery_id]
                    box.sent[mark.delivery_id] = now
                elif mark.outcome == "retry":
                    entry.due, entry.unsure = mark.due, mark.unsure
                else:
                    del box.pending[mark.delivery_id]
                    box.failed[mark.delivery_id] = (entry.delivery, mark.error)
            self.enqueue_locked(person, settled.notices, 0.0, claimed=False, announce_at=now)
            dues = [e.due for e in box.pending.values()]
            nxt = min(dues) if dues else None
            if nxt is not None and any(m.outcome == "retry" for m in settled.marks):
                at = _ms(nxt)  # a retry sooner than the index says, as on Redis
                self._index[person] = min(self._index.get(person, at), at)
        return nxt

    def due_people(self, now: float, lease_until: float, limit: int) -> list[tuple[PersonKey, int]]:
        token = _ms(lease_until)
        with self._lock:
            due = sorted((t, p) for p, t in self._index.items() if t <= _ms(now))[:limit]
            for _, person in due:
                self._index[person] = token
        return [(PersonKey(team=p[0], user=p[1]), token) for _, p in due]

    def release(self, key: PersonKey, token: int, next_due: float | None) -> None:
        person = (key.team, key.user)
        with self._lock:
            if self._index.get(person) != token:
                return
            if next_due is None:
                del self._index[person]
            else:
                self._index[person] = _ms(next_due)

    def failed(self, key: PersonKey) -> list[tuple[Delivery, str]]:
        with self._lock:
            box = self._boxes.get((key.team, key.user))
            return [] if box is None else [box.failed[k] for k in sorted(box.failed)]

    def pending(self, key: PersonKey) -> list[Delivery]:
        with self._lock:
            box = self._boxes.get((key.team, key.user))
            return [] if box is None else [box.pending[k].delivery for k in sorted(box.pending)]
