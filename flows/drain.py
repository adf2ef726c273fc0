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


def _ignore_error(delivery: Delivery, error: Exception) -> None:
    return None


@dataclass(frozen=True)
class Drain:
    """The outbox of one store, sent through `sender`. `record_of` finds the result a
    delivery is about (None when the person erased it: the delivery is dropped); `clock`
    (epoch seconds) is read before every claim and after every send, so no lease or retry
    time is computed from a moment that has passed; `on_failed` hears of every delivery
    that finally failed, `on_error` of every exception a send raised (to log them)."""

    store: OutboxStore
    sender: Sender
    record_of: RecordLookup
    clock: Callable[[], float]
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    admins: Sequence[str] = ()
    on_failed: Callable[[Delivery, str], None] = _ignore
    on_error: Callable[[Delivery, Exception], None] = _ignore_error

    def _attempt(self, item: Claimed, lookup: RecordLookup) -> SendResult | None:
        """Send one claimed delivery: its result, or None when there is nothing to send
        (Slack already shows it, or the person erased the result it is about)."""
        delivery = item.delivery
        try:
            if item.unsure and self.sender.already_sent(delivery):
                return None
            needs_record = delivery.kind in ("result", "result_manager")
            record = lookup(delivery) if needs_record else None
            if needs_record and record is None:
                return None
            return self.sender.send(delivery, record)
        except Exception as exc:  # a bug or an unexpected error: retried, never stalls a round
            self.on_error(delivery, exc)
            return SendResult("unsure", type(exc).__name__)

    def send_claimed(
        self, claimed: Sequence[Claimed], record_of: RecordLookup | None = None
    ) -> Settled:
        """Send each claimed delivery once and say what became of it (the caller settles)."""
        lookup = record_of or self.record_of
        settled = Settled()
        for item in claimed:
            delivery = item.delivery
            result = self._attempt(item, lookup)
            if result is None or result.status == "sent":
                settled.marks.append(Mark(delivery.id, "sent"))
            elif result.status == "permanent" or item.attempt >= self.policy.max_attempts:
                reason = result.error or result.status
                settled.marks.append(Mark(delivery.id, "failed", error=reason))
                settled.notices += failure_notices(delivery, reason, self.admins)
                self.on_failed(delivery, reason)
            else:
                due = self.clock() + self.policy.delay(item.attempt, result.retry_after)
                # still unsure when an earlier attempt was and the lookup could not tell
                unsure = item.unsure or result.status == "unsure"
                settled.marks.append(Mark(delivery.id, "retry", due, result.error, unsure))
        return settled

    def settle(self, key: PersonKey, settled: Settled) -> float | None:
        return self.store.settle(key, settled, self.clock())

    def person(self, key: PersonKey) -> float | None:
        """Claim, send and settle what is due for one person (and the failure notices that
        causes, at once); when the next one is due."""
        next_due: float | None = None
        for _ in range(3):  # deliveries, then notices of their failure, then those of notices
            claimed = self.store.claim(key, self.clock(), self.policy.lease_seconds)
            next_due = self.settle(key, self.send_claimed(claimed))
            if next_due is None or next_due > self.clock():
                break
        return next_due

    def due(self, limit: int = 100) -> int:
        """One round over the index: every person with something due; how many were looked
        at. The clock is read again for each person: a long round must not claim with a
        lease that already ran out while earlier people were being sent to."""
        now = self.clock()
        people = self.store.due_people(now, now + self.policy.lease_seconds, limit)
        for key, token in people:
            self.store.release(key, token, self.person(key))
        return len(people)
