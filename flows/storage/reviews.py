"""The sign-off part of the storage contract (`ReviewStore`, composed into
`flows.storage.base.SessionStore`) and the check both backends apply before a decision."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from flows.outbox import Delivery
from flows.review import Review
from flows.session import PersonKey


def check_decision(review: Review, expected: Review) -> PersonKey:
    """A decision replaces the review of its own person and interview (else ValueError)."""
    if (review.team, review.user, review.interview_id) != (
        expected.team,
        expected.user,
        expected.interview_id,
    ):
        raise ValueError("a decision must be of the review it replaces")
    return PersonKey(team=review.team, user=review.user)


class ReviewStore(Protocol):
    """The sign-off of each submitted result (flows.review), stored under the person and
    erased by `forget`. StoreUnavailableError when the backend cannot be reached; a stored
    review that cannot be read is left out (and logged). Results written before sign-off
    existed have none: they read as not reviewed."""

    def reviews(self, key: PersonKey) -> dict[str, Review]:
        """Every review of the person, by interview id."""
        ...

    def latest_review(self, key: PersonKey) -> Review | None:
        """The review of the person's latest result (None: it has none)."""
        ...

    def decide(
        self,
        review: Review,
        *,
        expected: Review,
        deliveries: Sequence[Delivery] = (),
        lease_until: float = 0.0,
    ) -> None:
        """Atomically, only when the stored review of `review.interview_id` is `expected`
        and it is still the person's latest: store `review` (decided), make it the summary's
        `review` and queue `deliveries` (claimed by the caller until `lease_until`, as
        `complete` does). StaleWriteError otherwise, writing nothing — unless this very
        decision is already stored (a retry), which returns without writing again."""
        ...
