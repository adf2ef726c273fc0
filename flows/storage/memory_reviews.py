"""Reviews in process (flows.storage.base.ReviewStore), mixed into MemoryStore: the same lock
as the interviews and the outbox, so a completion and a decision are each one atomic step."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from flows.outbox import Delivery
from flows.review import Review, ReviewSummary
from flows.session import PersonKey
from flows.storage.base import StaleWriteError
from flows.storage.memory_outbox import MemoryOutbox
from flows.storage.reviews import check_decision

_Person = tuple[str, str]


class MemoryReviews:
    """The review methods of MemoryStore, which sets the attributes below."""

    _lock: threading.Lock
    outbox: MemoryOutbox
    _reviews: dict[_Person, dict[str, Review]]  # person → interview id → review
    _latest_review: dict[_Person, str]  # person → interview id of their latest result

    def _init_reviews(self) -> None:
        self._reviews = {}
        self._latest_review = {}

    def review_locked(self, person: _Person, review: Review | None) -> None:
        """What a completion writes for its review (the lock held)."""
        if review is None:
            self._latest_review.pop(person, None)
            return
        self._reviews.setdefault(person, {})[review.interview_id] = review
        self._latest_review[person] = review.interview_id

    def review_summary_locked(self, person: _Person) -> ReviewSummary | None:
        latest = self._latest_review.get(person)
        review = None if latest is None else self._reviews.get(person, {}).get(latest)
        return None if review is None else review.summary()

    def forget_reviews_locked(self, person: _Person) -> None:
        self._reviews.pop(person, None)
        self._latest_review.pop(person, None)

    def reviews(self, key: PersonKey) -> dict[str, Review]:
        with self._lock:
            return dict(self._reviews.get((key.team, key.user), {}))  # frozen models

    def latest_review(self, key: PersonKey) -> Review | None:
        person = (key.team, key.user)
        with self._lock:
            latest = self._latest_review.get(person)
            return None if latest is None else self._reviews.get(person, {}).get(latest)

    def decide(
        self,
        review: Review,
        *,
        expected: Review,
        deliveries: Sequence[Delivery] = (),
        lease_until: float = 0.0,
    ) -> None:
        key = check_decision(review, expected)
        person = (key.team, key.user)
        with self._lock:
            stored = self._reviews.get(person, {}).get(review.interview_id)
            if stored == review:
                return  # this very decision was already stored (as Redis's retry)
            if stored != expected or self._latest_review.get(person) != review.interview_id:
                raise StaleWriteError(
                    f"review {review.interview_id} of {person[0]}/{person[1]} changed or is "
                    "not the latest"
                )
            self._reviews[person][review.interview_id] = review
            at = (review.decided_at or expected.submitted_at).timestamp()
            self.outbox.enqueue_locked(
                person, deliveries, lease_until, claimed=True, announce_at=at
            )
