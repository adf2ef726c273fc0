"""An in-process SessionStore: one lock, deep copies in and out, the same semantics as Redis.

Used by the terminal console without REDIS_URL and by tests. Sessions expire
`session_ttl_seconds` after their last save (measured with the injected `clock`, seconds as a
float, `time.monotonic` by default); results and rosters never expire; event ids expire after
the ttl given to `claim_event`; audit events are trimmed after `audit_retention_seconds` (by the
wall clock). Nothing survives the process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence

from flows.audit import DEFAULT_RETENTION_DAYS
from flows.campaign import Submission
from flows.outbox import Delivery
from flows.review import Review
from flows.roster import check_presets
from flows.session import InterviewSession, PersonKey, ResultRecord
from flows.storage.base import (
    DEFAULT_SESSION_TTL,
    MemberSummary,
    StaleWriteError,
    check_assignments,
    check_completion,
    check_team,
    latest_summary,
    same_result,
)
from flows.storage.memory_audit import MemoryAudit
from flows.storage.memory_campaigns import MemoryCampaigns
from flows.storage.memory_outbox import MemoryOutbox
from flows.storage.memory_reviews import MemoryReviews

_SWEEP_EVERY = 256  # writes between sweeps of expired sessions and event ids

_Person = tuple[str, str]  # (team, user)


def _person(key: PersonKey) -> _Person:
    return (key.team, key.user)


class MemoryStore(MemoryCampaigns, MemoryReviews):
    """SessionStore in a dict. Thread-safe; callers never share objects with the store."""

    def __init__(
        self,
        *,
        session_ttl_seconds: int = DEFAULT_SESSION_TTL,
        clock: Callable[[], float] = time.monotonic,
        audit_retention_seconds: int = DEFAULT_RETENTION_DAYS * 86400,
    ) -> None:
        if session_ttl_seconds < 1:
            raise ValueError("session_ttl_seconds must be at least 1")
        self.session_ttl_seconds = session_ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[_Person, tuple[InterviewSession, float]] = {}  # → (session, expiry)
        self._history: dict[_Person, list[ResultRecord]] = {}
        self._latest: dict[_Person, dict[str, ResultRecord]] = {}
        self._rosters: dict[str, dict[str, list[str]]] = {}
        self._presets: dict[str, dict[str, str]] = {}  # team → member → specialty id
        self._events: dict[str, float] = {}  # event id → expiry
        self._languages: dict[_Person, str] = {}
        self._writes = 0
        self.outbox = MemoryOutbox(self._lock)
        self.audit = MemoryAudit(self._lock, retention_seconds=audit_retention_seconds)
        self._init_campaigns()
        self._init_reviews()

    # ----------------------------------------------------------------- preferences

    def language(self, key: PersonKey) -> str | None:
        with self._lock:
            return self._languages.get(_person(key))

    def set_language(self, key: PersonKey, language: str | None) -> None:
        with self._lock:
            if language is None:
                self._languages.pop(_person(key), None)
            else:
                self._languages[_person(key)] = language

    # ----------------------------------------------------------------- helpers (lock held)

    def _current(self, person: _Person, now: float) -> InterviewSession | None:
        entry = self._sessions.get(person)
        if entry is None:
            return None
        if now >= entry[1]:
            del self._sessions[person]
            return None
        return entry[0]

    def _wrote(self, now: float) -> None:
        self._writes += 1
        if self._writes % _SWEEP_EVERY:
            return
        for person in [p for p, (_, exp) in self._sessions.items() if now >= exp]:
            del self._sessions[person]
        for event in [e for e, exp in self._events.items() if now >= exp]:
            del self._events[event]

    # ----------------------------------------------------------------- sessions

    def load(self, key: PersonKey) -> InterviewSession | None:
        with self._lock:
            session = self._current(_person(key), self._clock())
            return None if session is None else session.model_copy(deep=True)

    def save(self, session: InterviewSession, *, expected_step: int | None) -> None:
        copy = session.model_copy(deep=True)
        person = (session.team, session.user)
        with self._lock:
            now = self._clock()
            stored = self._current(person, now)
            stored_step = None if stored is None else stored.step
            if stored_step != expected_step:
                raise StaleWriteError(
                    f"session of {session.team}/{session.user} is at step {stored_step}, "
                    f"not {expected_step}"
                )
            self._sessions[person] = (copy, now + self.session_ttl_seconds)
            self._wrote(now)

    def delete_session(self, key: PersonKey, *, expected_step: int) -> None:
        person = _person(key)
        with self._lock:
            stored = self._current(person, self._clock())
            if stored is None or stored.step != expected_step:
                raise StaleWriteError(
                    f"session of {key.team}/{key.user} is not at step {expected_step}"
                )
            del self._sessions[person]

    def complete(  # noqa: PLR0913 - the completion and what it writes with it, by name
        self,
        session: InterviewSession,
        record: ResultRecord,
        *,
        expected_step: int,
        deliveries: Sequence[Delivery] = (),
        lease_until: float = 0.0,
        submissions: Sequence[Submission] = (),
        review: Review | None = None,
    ) -> None:
        check_completion(session, record)
        copy = record.model_copy(deep=True)
        person = (session.team, session.user)
        with self._lock:
            stored = self._current(person, self._clock())
            if stored is None or stored.step != expected_step:
                latest = self._latest.get(person, {}).get(record.specialty)
                if stored is None and latest == record:
                    return  # this very completion was already stored (same as Redis's retry)
                raise StaleWriteError(
                    f"session of {session.team}/{session.user} is not at step {expected_step}"
                )
            del self._sessions[person]
            self._history.setdefault(person, []).append(copy)
            self._latest.setdefault(person, {})[record.specialty] = copy
            self.outbox.enqueue_locked(
                person,
                deliveries,
                lease_until,
                claimed=True,
                announce_at=record.completed_at.timestamp(),
            )
            self.submit_locked(person, submissions)
            self.review_locked(person, review)

    # ----------------------------------------------------------------- results

    def history(self, key: PersonKey) -> list[ResultRecord]:
        with self._lock:
            return [r.model_copy(deep=True) for r in self._history.get(_person(key), [])]

    def latest(self, key: PersonKey) -> dict[str, ResultRecord]:
        with self._lock:
            return {
                sp: r.model_copy(deep=True) for sp, r in self._latest.get(_person(key), {}).items()
            }

    def summaries(self, team: str, users: Sequence[str]) -> dict[str, MemberSummary]:
        keys = [PersonKey(team=team, user=user) for user in users]  # as Redis: valid ids only
        out: dict[str, MemberSummary] = {}
        with self._lock:
            now = self._clock()
            for key in keys:
                person = _person(key)
                session = self._current(person, now)
                latest = latest_summary(self._latest.get(person, {}).values())
                out[key.user] = MemberSummary(
                    latest=latest,
                    in_progress=session is not None,
                    specialty_in_progress=None if session is None else session.specialty,
                    review=same_result(latest, self.review_summary_locked(person)),
                )
        return out

    def forget(self, key: PersonKey) -> None:
        person = _person(key)
        with self._lock:
            self._sessions.pop(person, None)
            self._history.pop(person, None)
            self._latest.pop(person, None)
            self._languages.pop(person, None)
            self.outbox.forget_locked(person)
            self.forget_memberships_locked(person)
            self.forget_reviews_locked(person)
            for rows in (self._rosters, self._presets):
                row = rows.get(key.team)
                if row is not None:
                    row.pop(key.user, None)
                    if not row:
                        del rows[key.team]

    # ----------------------------------------------------------------- roster

    def managers_of(self, team: str, user: str) -> list[str]:
        check_team(team)
        with self._lock:
            return list(self._rosters.get(team, {}).get(user, []))

    def roster(self, team: str) -> dict[str, list[str]]:
        check_team(team)
        with self._lock:
            return {m: list(ms) for m, ms in self._rosters.get(team, {}).items()}

    def set_managers(
        self,
        team: str,
        assignments: Mapping[str, Sequence[str]],
        specialties: Mapping[str, str] | None = None,
    ) -> None:
        check_team(team)
        checked = check_assignments(assignments)  # before any change: all or nothing
        presets = check_presets(checked, specialties)
        with self._lock:
            roster = self._rosters.setdefault(team, {})
            kept = self._presets.setdefault(team, {})
            for member, managers in checked.items():
                if managers:
                    roster[member] = managers
                else:
                    roster.pop(member, None)
            for member, specialty in presets.items():
                if specialty:
                    kept[member] = specialty
                else:
                    kept.pop(member, None)
            for rows in (self._rosters, self._presets):
                if not rows[team]:
                    del rows[team]

    def specialties(self, team: str) -> dict[str, str]:
        check_team(team)
        with self._lock:
            return dict(self._presets.get(team, {}))

    # ----------------------------------------------------------------- events, health

    def claim_event(self, event_id: str, ttl_seconds: int) -> bool:
        with self._lock:
            now = self._clock()
            expiry = self._events.get(event_id)
            if expiry is not None and now < expiry:
                return False
            self._events[event_id] = now + ttl_seconds
            self._wrote(now)
            return True

    def ping(self) -> None:
        return None
