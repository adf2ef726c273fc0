"""Sign-off over a SessionStore: read the person's latest review after nothing else, decide
(flows.review), compare-and-set, audit. Used by the Slack adapter (bot/signoff.py).

Every entry point authorizes first: a denied actor learns nothing of the person, and
nothing is written (not even an audit event: a denial is not an access).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from flows.audit import AuditAction, append_or_log, event
from flows.i18n import t
from flows.interview import Interview
from flows.review import (
    Decided,
    Decision,
    Denied,
    Review,
    authorize,
    decide,
    denied,
    not_latest,
)
from flows.review_facts import manager_changes
from flows.session import InterviewSession, PersonKey, Phase, ResultRecord
from flows.storage.base import InterviewStore, SessionStore, StaleWriteError

ACTION_EVENT = {
    "approved": AuditAction.RESULT_APPROVED,
    "returned": AuditAction.RESULT_RETURNED,
    "modified": AuditAction.RESULT_MODIFIED,
}


def record_of(
    store: InterviewStore, key: PersonKey, specialty: str, interview_id: str
) -> ResultRecord | None:
    """The person's result of `interview_id` (their latest of `specialty` first, then their
    history); None when it is gone (erased)."""
    latest = store.latest(key).get(specialty)
    if latest is not None and latest.interview_id == interview_id:
        return latest
    return next((r for r in store.history(key) if r.interview_id == interview_id), None)


@dataclass(frozen=True)
class Target:
    """The review an actor may act on now, its result and the person's managers now."""

    review: Review
    record: ResultRecord
    managers: list[str]
    as_admin: bool


class SignOff:
    def __init__(
        self,
        interview: Interview,
        store: SessionStore,
        clock: Callable[[], datetime],
        new_id: Callable[[], str],
        lease_seconds: float = 120.0,
    ) -> None:
        self.interview = interview
        self.store = store
        self.clock = clock
        self.new_id = new_id
        self.lease_seconds = lease_seconds

    def target(
        self, person: PersonKey, interview_id: str, actor: str, is_admin: Callable[[], bool]
    ) -> Target:
        """What `actor` may decide about `person`'s submission `interview_id`: Denied (with
        the reason) unless they may decide it and it is the latest, still pending."""
        managers = self.store.managers_of(person.team, person.user)
        as_admin = authorize(person.user, actor, managers, is_admin)
        review = self.store.latest_review(person)
        if review is None or review.interview_id != interview_id:
            raise Denied(not_latest())
        return Target(review, self.target_record(person, review), managers, as_admin)

    def target_record(self, person: PersonKey, review: Review) -> ResultRecord:
        """The result `review` is of (Denied when it is gone: erased)."""
        record = record_of(self.store, person, review.specialty, review.interview_id)
        if record is None:
            raise Denied(not_latest())
        return record

    def decide(
        self,
        person: PersonKey,
        interview_id: str,
        decision: Decision,
        is_admin: Callable[[], bool],
    ) -> Decided:
        """Decide, store and audit; Denied for whatever stands in the way (a lost race
        reads the winner: 「<@X> さんが既に承認しました」)."""
        target = self.target(person, interview_id, decision.actor, is_admin)
        if decision.action == "modify":  # checked here too: a modal's metadata can be forged
            changes, problems = manager_changes(
                self.interview.framework, target.record, dict(decision.changes or {})
            )
            if problems:
                raise Denied(t("review.bad_changes"))
            decision = replace(decision, changes=changes)
        now = self.clock()
        decided = self._decided(target, decision, now)
        lease = now.timestamp() + self.lease_seconds * len(decided.deliveries)
        try:
            self.store.decide(
                decided.review,
                expected=target.review,
                deliveries=decided.deliveries,
                lease_until=lease,
            )
        except StaleWriteError:
            again = self.target(person, interview_id, decision.actor, is_admin)
            self._decided(again, decision, now)  # raises what the winner left: 「既に承認しました」
            raise Denied(not_latest()) from None
        self._audit(decided.review)
        return decided

    def _decided(self, target: Target, decision: Decision, now: datetime) -> Decided:
        return decide(
            target.review,
            target.record,
            decision,
            latest=target.review.interview_id,
            managers_now=target.managers,
            is_admin=lambda: target.as_admin,
            framework=self.interview.framework,
            now=now,
        )

    def _audit(self, review: Review) -> None:
        """Who decided what about whom: ids and codes, never the comment or the facts'
        values (forget erases those with the review; flows/audit.py)."""
        assert review.decided_by is not None
        assert review.decided_at is not None
        actor = PersonKey(team=review.team, user=review.decided_by)
        detail: dict[str, str] = {"interview": review.interview_id, "specialty": review.specialty}
        if review.status == "modified":
            detail |= {"facts": ",".join(sorted(review.changes)), "reason": "given"}
        if review.status == "returned":
            detail["comment"] = "given"
        events = [
            event(
                review.decided_at,
                actor,
                ACTION_EVENT[review.status],
                subject=review.user,
                campaign=review.campaign,
                **detail,
            )
        ]
        if review.acted_as_admin:
            events.append(
                event(
                    review.decided_at,
                    actor,
                    AuditAction.ADMIN_ACTED_FOR,
                    subject=review.user,
                    campaign=review.campaign,
                    interview=review.interview_id,
                    managers=" ".join(review.managers),
                    decision=review.status,
                )
            )
        append_or_log(self.store.audit, *events)

    # ---------------------------------------------------------------- returned: edit again

    def reopen(self, person: PersonKey, interview_id: str) -> InterviewSession:
        """A new interview at the review screen with the answers of the returned submission
        `interview_id`; Denied when it is not the person's latest returned one or another
        interview is in progress."""
        review = self.store.latest_review(person)
        if review is None or review.interview_id != interview_id or review.status != "returned":
            raise Denied(t("review.not_returned"))
        record = record_of(self.store, person, review.specialty, interview_id)
        if record is None:
            raise Denied(t("review.not_returned"))
        if self.store.load(person) is not None:
            raise Denied(t("review.in_progress"))
        now = self.clock()
        session = self.interview.new_session(person, self.new_id(), now)
        asked = list(record.asked) if record.asked is not None else list(record.answers)
        session = session.model_copy(
            update={
                "state": Phase.REVIEWING,
                "specialty": record.specialty,
                "answers": dict(record.answers),
                "skipped": list(record.skipped or []),
                "asked": asked,
                "notes": dict(record.notes),
            }
        )
        try:
            self.store.save(session, expected_step=None)
        except StaleWriteError:
            raise Denied(t("review.in_progress")) from None
        return session


def may_see_history(
    person: PersonKey, actor: PersonKey, managers: list[str], admin: Callable[[], bool]
) -> bool:
    """The person themself, one of their managers (roster) and admins of the same
    workspace see their history."""
    if person.team != actor.team:
        return False
    return actor.user == person.user or actor.user in managers or admin()


__all__ = ["Denied", "SignOff", "Target", "denied", "may_see_history", "record_of"]
