"""Interviews over a SessionStore: load after nothing else, apply one command, compare-and-set.

Used alike by the Slack adapter and the terminal console. One command costs one load and one
atomic write; a write that lost a race reports `stale` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from flows.audit import AuditAction, append_or_log, event
from flows.campaign import submissions
from flows.i18n import t
from flows.interview import Command, Interview, Outcome, not_this_interview
from flows.outbox import result_deliveries
from flows.review import Review, previous_level
from flows.session import InterviewSession, PersonKey, Phase, ResultRecord
from flows.storage.base import SessionStore, StaleWriteError


def race() -> str:
    """Why a command that lost a race with another changed nothing."""
    return t("interview.race")


@dataclass(frozen=True)
class Notify:
    """Whom a completed interview notifies: its managers from the roster, or the admins
    when it has none. The deliveries are claimed by the completing process for
    `lease_seconds`, so it sends them at once; after that any drain may."""

    admins: Sequence[str] = ()
    lease_seconds: float = 120.0


@dataclass(frozen=True)
class Started:
    outcome: Outcome
    resumed: bool  # an interview in progress was picked up rather than a new one begun


class InterviewService:
    def __init__(
        self,
        interview: Interview,
        store: SessionStore,
        clock: Callable[[], datetime],
        new_id: Callable[[], str],
        notify: Notify | None = None,
    ) -> None:
        self.interview = interview
        self.store = store
        self.clock = clock
        self.new_id = new_id
        self.notify = notify  # None: nobody is notified (the terminal console)

    def current(self, key: PersonKey) -> InterviewSession | None:
        return self.store.load(key)

    def start(self, key: PersonKey, specialty: str | None = None) -> Started:
        """Continue the interview in progress (resuming it if paused), or begin a new one."""
        session = self.store.load(key)
        now = self.clock()
        if session is not None:
            outcome = Outcome("applied", session)
            if session.state is Phase.PAUSED:
                outcome = self._apply(session, Command(action="resume"), now)
                session = outcome.session
            if specialty and session.state is Phase.CHOOSING_SPECIALTY and outcome.applied:
                outcome = self._apply(session, Command(action="choose", specialty=specialty), now)
            return Started(outcome, resumed=True)
        fresh = self.interview.new_session(key, self.new_id(), now)
        outcome = Outcome("applied", fresh)
        if specialty:
            outcome = self.interview.handle(
                fresh, Command(action="choose", specialty=specialty), now
            )
            if not outcome.applied:
                return Started(outcome, resumed=False)
        try:
            self.store.save(outcome.session, expected_step=None)
        except StaleWriteError:
            return Started(Outcome("stale", fresh, race()), resumed=False)
        return Started(outcome, resumed=False)

    def act(self, key: PersonKey, cmd: Command) -> Outcome:
        """Apply one command to the person's interview in progress."""
        session = self.store.load(key)
        if session is None:
            empty = self.interview.new_session(key, "none", self.clock())
            empty.state = Phase.ABANDONED
            # A button of a finished (or expired) interview, or a command with nothing to act on.
            message = not_this_interview() if cmd.interview else t("interview.nothing_in_progress")
            return Outcome("stale", empty, message)
        return self._apply(session, cmd, self.clock())

    def _apply(self, session: InterviewSession, cmd: Command, now: datetime) -> Outcome:
        outcome = self.interview.handle(session, cmd, now)
        if not outcome.applied:
            return outcome
        try:
            if (record := outcome.record) is not None:
                # the open campaigns covering the person: linked, and their reminders removed;
                # a resubmission after 差し戻し stays in the returned submission's campaign
                reviews = self.store.reviews(session.key)
                latest = self.store.latest_review(session.key)
                returned = latest.campaign if latest and latest.status == "returned" else None
                linked, subs = submissions(
                    record, self.store.open_memberships(session.key), returned
                )
                if linked is not None:
                    record = record.model_copy(update={"campaign": linked})
                    outcome = replace(outcome, record=record)
                managers = self.store.managers_of(session.team, session.user)
                deliveries = []
                if self.notify is not None:
                    deliveries = result_deliveries(record, managers, self.notify.admins)
                # the previous campaign's level of record, for the trend (↑ ↓ →): final by
                # now, since only the latest submission can be decided
                previous = previous_level(self.store.history(session.key), reviews, linked)
                self.store.complete(
                    outcome.session,
                    record,
                    expected_step=session.step,
                    deliveries=deliveries,
                    # sent one after another by this process: leased for all of them
                    lease_until=now.timestamp()
                    + (self.notify.lease_seconds * len(deliveries) if self.notify else 0),
                    submissions=subs,
                    review=Review.pending(record, managers, previous),
                )
                outcome = replace(outcome, deliveries=tuple(deliveries))
                self._audit_submitted(record)
            elif outcome.session.state is Phase.ABANDONED:
                self.store.delete_session(session.key, expected_step=session.step)
            else:
                self.store.save(outcome.session, expected_step=session.step)
        except StaleWriteError:
            return Outcome("stale", session, race())
        return outcome

    def _audit_submitted(self, record: ResultRecord) -> None:
        """The submission, after it is stored: who, when, which specialty and interview —
        not the level or the answers, which `forget` erases (flows/audit.py)."""
        submitted = event(
            record.completed_at,
            PersonKey(team=record.team, user=record.user),
            AuditAction.RESULT_SUBMITTED,
            subject=record.user,
            campaign=record.campaign,
            specialty=record.specialty,
            interview=record.interview_id,
        )
        append_or_log(self.store.audit, submitted)

    def history(self, key: PersonKey) -> list[ResultRecord]:
        return self.store.history(key)

    def forget(self, key: PersonKey) -> None:
        """Erase everything stored about the person, then audit that it happened (who,
        when) — nothing of what was erased."""
        self.store.forget(key)
        erased = event(self.clock(), key, AuditAction.DATA_ERASED, subject=key.user)
        append_or_log(self.store.audit, erased)
