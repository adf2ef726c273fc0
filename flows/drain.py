"""Draining the outbox (flows.outbox): claim what is due, send it once, settle. Pure: the
clock, the sender and the store are given.

`Drain` is what a process runs: `send_claimed` for the deliveries a completion just queued
(the writer holds their lease), `person` for one person's due deliveries, `due` for one round
over everyone the index says has something due. docs/deploy.md has the policy in prose.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from flows.outbox import (
    Claimed,
    Delivery,
    Mark,
    OutboxStore,
    RetryPolicy,
    SendResult,
    Settled,
    failure_notices,
)
from flows.session import PersonKey, ResultRecord


class Sender(Protocol):
    """How a delivery reaches Slack (bot/delivery.py). `record` is the result it is about,
    None for a notice."""

    def send(self, delivery: Delivery, record: ResultRecord | None) -> SendResult: ...

    def already_sent(self, delivery: Delivery) -> bool:
        """Whether Slack already shows this delivery (a send whose outcome was unknown)."""
        ...


RecordLookup = Callable[[Delivery], ResultRecord | None]


def _ignore(delivery: Delivery, error: str) -> None:
    return None


@dataclass(frozen=True)
class Drain:
    """The outbox of one store, sent through `sender`. `record_of` finds the result a
    delivery is about (None when the person erased it: the delivery is dropped);
    `on_failed` hears of every delivery that finally failed (to log it)."""

    store: OutboxStore
    sender: Sender
    record_of: RecordLookup
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    admins: Sequence[str] = ()
    on_failed: Callable[[Delivery, str], None] = _ignore

    def send_claimed(
        self, claimed: Sequence[Claimed], now: float, record_of: RecordLookup | None = None
    ) -> Settled:
        """Send each claimed delivery once and say what became of it (the caller settles)."""
        lookup = record_of or self.record_of
        settled = Settled()
        for item in claimed:
            delivery = item.delivery
            if item.unsure and self.sender.already_sent(delivery):
                settled.marks.append(Mark(delivery.id, "sent"))
                continue
            needs_record = delivery.kind in ("result", "result_manager")
            record = lookup(delivery) if needs_record else None
            if needs_record and record is None:
                settled.marks.append(Mark(delivery.id, "sent", error="gone"))  # erased: drop
                continue
            result = self.sender.send(delivery, record)
            if result.status == "sent":
                settled.marks.append(Mark(delivery.id, "sent"))
            elif result.status == "permanent" or item.attempt >= self.policy.max_attempts:
                reason = result.error or result.status
                settled.marks.append(Mark(delivery.id, "failed", error=reason))
                settled.notices += failure_notices(delivery, reason, self.admins)
                self.on_failed(delivery, reason)
            else:
                due = now + self.policy.delay(item.attempt, result.retry_after)
                unsure = result.status == "unsure"
                settled.marks.append(Mark(delivery.id, "retry", due, result.error, unsure))
        return settled

    def person(self, key: PersonKey, now: float) -> float | None:
        """Claim, send and settle what is due for one person (and the failure notices that
        causes, at once); when the next one is due."""
        next_due: float | None = None
        for _ in range(3):  # deliveries, then notices of their failure, then those of notices
            claimed = self.store.claim(key, now, self.policy.lease_seconds)
            next_due = self.store.settle(key, self.send_claimed(claimed, now), now)
            if next_due is None or next_due > now:
                break
        return next_due

    def due(self, clock: Callable[[], float], limit: int = 100) -> int:
        """One round over the index: every person with something due; how many were looked
        at. The clock is read again for each person: a long round must not claim with a
        lease that already ran out while earlier people were being sent to."""
        now = clock()
        people = self.store.due_people(now, now + self.policy.lease_seconds, limit)
        for key, token in people:
            self.store.release(key, token, self.person(key, clock()))
        return len(people)
