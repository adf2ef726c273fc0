"""Reviews on Redis (flows.storage.base.ReviewStore), mixed into RedisStore.

    P:{T:U}:reviews   HASH  interview id → Review JSON (COMPLETE writes the pending one)
    P:{T:U}:summary   … d → ReviewSummary JSON of the latest result's review

A decision is one script (DECIDE): a compare-and-set on the stored review (still the one
read, pending) and on the summary's `d` (still naming that interview: the latest result),
which writes the decided review, the summary's `d` and the notices in the person's outbox,
after the outbox index was written in the same pipeline (as COMPLETE does).
"""

from __future__ import annotations

from collections.abc import Sequence

from redis.cluster import RedisCluster
from redis.commands.core import Script
from redis.exceptions import NoScriptError

from flows.outbox import Delivery
from flows.review import REVIEW_VERSION, Review, ReviewSummary
from flows.session import PersonKey
from flows.storage.base import StaleWriteError
from flows.storage.redis_outbox import RedisOutbox, enqueue_args
from flows.storage.redis_roster import RedisRoster
from flows.storage.redis_scripts import DECIDE, text
from flows.storage.reviews import check_decision
from flows.storage.values import read_or_skip

_REVIEW = Review.model_validate_json
_REVIEW_SUMMARY = ReviewSummary.model_validate_json


class RedisReviews(RedisRoster):
    """The review methods of RedisStore, and the outbox-announced script run it shares
    with COMPLETE."""

    outbox: RedisOutbox
    _decide: Script

    def _register_review_scripts(self) -> None:
        self._decide = self.client.register_script(DECIDE)

    def reviews(self, key: PersonKey) -> dict[str, Review]:
        name = self.reviews_key(key)
        with self._reachable():
            raws = self.client.hgetall(name)
        out = {}
        for field, raw in raws.items():
            where = f"{name} ({text(field)})"
            review = read_or_skip(_REVIEW, raw, where, "Review", REVIEW_VERSION)
            if review is not None:
                out[text(field)] = review
        return out

    def latest_review(self, key: PersonKey) -> Review | None:
        """Two round trips: the summary's `d` names the interview, then its review."""
        where = f"{self.summary_key(key)} (d)"
        with self._reachable():
            raw = self.client.hget(self.summary_key(key), "d")
        brief = None if raw is None else read_or_skip(_REVIEW_SUMMARY, raw, where, "ReviewSummary")
        if brief is None:
            return None
        name = self.reviews_key(key)
        with self._reachable():
            stored = self.client.hget(name, brief.interview_id)
        if stored is None:
            return None
        return read_or_skip(_REVIEW, stored, f"{name} ({brief.interview_id})", "Review")

    def decide(
        self,
        review: Review,
        *,
        expected: Review,
        deliveries: Sequence[Delivery] = (),
        lease_until: float = 0.0,
    ) -> None:
        key = check_decision(review, expected)
        keys = [
            self.reviews_key(key),
            self.summary_key(key),
            *self.outbox.keys(key),
            self.history_key(key),
        ]
        args = [
            review.interview_id,
            expected.model_dump_json(),
            review.model_dump_json(),
            review.summary().model_dump_json(),
            str(len(deliveries)),
            *enqueue_args(deliveries, lease_until),
        ]
        at = (review.decided_at or expected.submitted_at).timestamp()
        status = self._announced(
            self._decide, key, keys, args, queues=bool(deliveries), before=at, after=lease_until
        )
        if status == 0:
            raise StaleWriteError(
                f"review {review.interview_id} of {key.team}/{key.user} changed or is not "
                "the latest"
            )

    def _announced(  # noqa: PLR0913 - one script run and its index writes, by name
        self,
        script: Script,
        key: PersonKey,
        keys: list[str],
        args: list[str],
        *,
        queues: bool,
        before: float,
        after: float,
    ) -> int:
        """Run `script`; when it `queues` deliveries, write the outbox index before it (a
        crash then leaves the index pointing at nothing) and again after it, at `after`: a
        drain that took the person in between, found nothing yet and released them must not
        be the index's last word. The second write is a plain ZADD: it changes the score, so
        such a drain's release (a compare-and-set on the score it took) cannot remove the
        person any more. On a cluster the index lives on another node: three round trips;
        one pipeline otherwise."""
        with self._reachable():
            if not queues:
                return int(script(keys=keys, args=args))
            if isinstance(self.client, RedisCluster):
                self.outbox.announce(key, before)
                status = script(keys=keys, args=args)
                self.outbox.announce(key, after, only_lower=False)
                return int(status)
            # EVALSHA by hand: a Script object in a pipeline costs a SCRIPT EXISTS first.
            pipe = self.client.pipeline(transaction=False)
            self.outbox.announce_command(pipe, key, before)
            pipe.evalsha(script.sha, len(keys), *keys, *args)
            self.outbox.announce_command(pipe, key, after, only_lower=False)
            try:
                return int(pipe.execute()[1])
            except NoScriptError:  # a restarted server: the index writes are done
                return int(script(keys=keys, args=args))
