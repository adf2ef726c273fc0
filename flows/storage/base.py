"""The storage contract every backend fulfils (see tests/flows/storage/test_contract.py).

One Protocol per concern: `InterviewStore` (interviews in progress and their results),
`flows.storage.rosters.RosterStore` (who manages whom), `EventStore` (Slack event de-duplication) and
`CampaignStore` (campaigns and who they cover), `flows.storage.reviews.ReviewStore`
(manager sign-off), `flows.storage.preferences.PreferenceStore` (the language a person chose),
`flows.outbox.OutboxStore` (messages that
must arrive) and `flows.audit.AuditStore` (who did what, when); `SessionStore` is all of them,
which is what the app is given. Beside them: the errors every backend raises, the checks both
backends apply before writing, and the default lifetimes of what expires.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from flows.audit import AuditStore
from flows.campaign import Campaign, Membership, StartPlan, Submission
from flows.outbox import Delivery, OutboxStore
from flows.review import Review, ReviewSummary
from flows.session import InterviewSession, PersonKey, ResultRecord, ResultSummary
from flows.storage.preferences import PreferenceStore
from flows.storage.reviews import ReviewStore
from flows.storage.rosters import RosterStore

DEFAULT_SESSION_TTL = 30 * 86400  # an interview in progress: 30 days after its last save
SENT_TTL_SECONDS = 30 * 86400  # "already sent" marks of the outbox, after the last send


class StaleWriteError(Exception):
    """The stored session changed since it was read (double click, stale button, other replica)."""


class StoreUnavailableError(Exception):
    """The backend cannot be reached; nothing was written. `where` names the server."""

    def __init__(self, where: str, detail: str = "") -> None:
        self.where = where
        super().__init__(
            f"session store unavailable at {where}" + (f": {detail}" if detail else "")
        )


class UnreadableRecordError(ValueError):
    """A stored value this code cannot read: written by a newer version (`newer`: its
    `schema_version` is higher than this code knows) or corrupt (not JSON, or it fails
    validation). `key` names where it is stored (key, and hash field or list index); the value
    is left as it is. `detail` never quotes the value: it may hold a person's answers."""

    def __init__(self, key: str, detail: str, *, newer: bool) -> None:
        self.key = key
        self.newer = newer
        kind = "from a newer version" if newer else "corrupt"
        super().__init__(f"stored value at {key} is {kind}: {detail}")


@dataclass(frozen=True)
class MemberSummary:
    """What a team summary shows of one person: their latest result in brief, and whether an
    interview is in progress (and in which specialty, None before one is chosen).

    `unreadable` names the stored values of the person that could not be read (a newer
    version's or corrupt ones, see UnreadableRecordError); what they would have told is left
    out, so a summary shows the person as unreadable instead of guessing."""

    latest: ResultSummary | None = None
    in_progress: bool = False
    specialty_in_progress: str | None = None
    unreadable: tuple[str, ...] = ()
    review: ReviewSummary | None = None  # the latest result's sign-off; None: not reviewed


def latest_summary(records: Iterable[ResultRecord]) -> ResultSummary | None:
    """The summary of the most recently completed of `records` (None for none)."""
    last = max(records, key=lambda r: r.completed_at, default=None)
    return None if last is None else last.summary()


def same_result(latest: ResultSummary | None, review: ReviewSummary | None) -> ReviewSummary | None:
    """The review, when it is of the latest result: a replica of the release before sign-off
    completing an interview during a rolling deploy leaves the earlier result's review in the
    summary, which then tells nothing about the latest (not reviewed)."""
    if latest is None or review is None or review.submitted_at != latest.completed_at:
        return None
    return review


# ------------------------------------------------------------------ checks shared by backends

_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")  # as PersonKey; Redis puts it in a hash tag


def check_team(team: str) -> str:
    """The team id, refused (ValueError) unless it is a valid id (as in PersonKey)."""
    if not _ID.match(team):
        raise ValueError(f"team {team!r}: use letters, digits, '.', '_' or '-' (max 64)")
    return team


def check_completion(session: InterviewSession, record: ResultRecord) -> None:
    """A result record belongs to the person whose session it completes (else ValueError)."""
    if (record.team, record.user) != (session.team, session.user):
        raise ValueError(
            f"result of {record.team}/{record.user} cannot complete the session of "
            f"{session.team}/{session.user}"
        )


def check_assignments(assignments: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Manager lists as lists; a bare string is refused (it is a Sequence[str] of letters)."""
    checked: dict[str, list[str]] = {}
    for member, managers in assignments.items():
        if isinstance(managers, str) or not all(isinstance(m, str) for m in managers):
            raise TypeError(f"managers of {member!r} must be a list of user ids")
        checked[member] = list(managers)
    return checked


# ------------------------------------------------------------------ the contract, by concern


class InterviewStore(Protocol):
    """Interviews in progress (one per person, expiring `session_ttl_seconds` after the last
    save) and the results they end in (never expiring).

    Every change of a session is a compare-and-set on its `step`: it happens only when the
    stored step is the one the caller read, and raises StaleWriteError otherwise (a double
    click, a stale button, another replica), changing nothing. Every method raises
    StoreUnavailableError when the backend cannot be reached; a change then either happened
    whole or not at all (but for the outbox index entry `complete` writes first, and part of
    what `forget` deletes: a retry completes it). Readers return copies: changing what they
    return never changes what is stored.
    """

    def load(self, key: PersonKey) -> InterviewSession | None:
        """The person's interview in progress; None when there is none or it expired.
        Raises UnreadableRecordError when the stored one is from a newer version or corrupt
        (it is left as it is)."""
        ...

    def save(self, session: InterviewSession, *, expected_step: int | None) -> None:
        """Store `session` for its person, atomically, only when the stored step equals
        `expected_step` (None: only when no session is stored); otherwise StaleWriteError.
        Restarts the session's expiry. A save retried after a lost reply is not stale. A
        session stored by a newer version is never replaced (StaleWriteError)."""
        ...

    def delete_session(self, key: PersonKey, *, expected_step: int) -> None:
        """Delete the person's session, atomically, only when it is at `expected_step`;
        otherwise (also when there is none) StaleWriteError. Results stay."""
        ...

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
        """Atomically: CAS-check the session, delete it, append `record` to the person's
                history, make it their latest result for its specialty and their summary (what
                `summaries` reads) and queue `deliveries` in
                the person's outbox, claimed by the caller until `lease_until` (epoch seconds) so
                it sends them at once; if it does not, any drain sends them after that. The person
                is put in the outbox index before (never after) the deliveries are written. Each of
                `submissions` stores the person's membership of a campaign as submitted and removes
                its reminders (`Submission.cancel`) from the person's outbox, in the same step. `review`
        (the pending sign-off of `record`) is stored and becomes the person's latest review (what
        `latest_review` and the summary's `review` read); without one the person's latest result
        has no review.

                ValueError (nothing written) when `record` is not of the session's person;
                StaleWriteError when the session is not at `expected_step` — unless this very
                completion is already stored (a retry), which returns without writing again."""
        ...

    def history(self, key: PersonKey) -> list[ResultRecord]:
        """Every completed result of the person, oldest first; one that cannot be read is
        left out (and logged)."""
        ...

    def latest(self, key: PersonKey) -> dict[str, ResultRecord]:
        """The person's latest result per specialty id; one that cannot be read is left out
        (and logged)."""
        ...

    def summaries(self, team: str, users: Sequence[str]) -> dict[str, MemberSummary]:
        """What a team summary shows of many people of one team, by user id (each user once):
        the summary `complete` wrote with their latest result, and whether an interview is in
        progress — a few bytes per person, in one round trip on data this release wrote
        (data of the first releases costs one more: docs/storage.md#migrations). A value that
        cannot be read costs only its own part: it is named in that person's `unreadable`.
        ValueError for an invalid team or user id."""
        ...

    def forget(self, key: PersonKey) -> None:
        """Delete everything stored about the person (session, history, latest, summary,
        campaign memberships, outbox,
        their own roster row as a member; rows naming them as a manager stay). Idempotent:
        deleting what is not there is no error, so a retry after StoreUnavailableError
        completes it."""
        ...


class CampaignStore(Protocol):
    """Campaigns per workspace (never expiring; a name is used once) and each covered
    person's membership, stored under the person. An invalid team id raises ValueError;
    StoreUnavailableError when the backend cannot be reached. A stored value that cannot be
    read is left out (and logged)."""

    def start_campaign(self, campaign: Campaign, plan: StartPlan) -> bool:
        """Atomically store the campaign, each membership of `plan` and queue its deliveries
        in each person's outbox, due at `plan.due_at` (the outbox index written before).
        False, writing nothing, when the workspace already has a campaign of that name. On
        Redis Cluster atomic per person, not for the whole start (docs/storage.md)."""
        ...

    def campaign_named(self, team: str, name: str) -> Campaign | None: ...

    def campaign_by_id(self, team: str, campaign_id: str) -> Campaign | None: ...

    def campaigns(self, team: str) -> list[Campaign]:
        """Every campaign of the workspace, oldest first."""
        ...

    def close_campaign(self, campaign: Campaign) -> None:
        """Store `campaign` (closed) over the stored one of its id."""
        ...

    def memberships(self, key: PersonKey) -> dict[str, Membership]:
        """The person's memberships by campaign id."""
        ...

    def campaign_memberships(
        self, team: str, campaign_id: str, users: Sequence[str]
    ) -> dict[str, Membership]:
        """The memberships of one campaign of many people, by user id (one round trip)."""
        ...

    def open_memberships(self, key: PersonKey) -> list[tuple[Campaign, Membership]]:
        """The open campaigns covering the person, with their membership of each."""
        ...


class EventStore(Protocol):
    """Slack delivers an event again when our ack was late; a claim makes us handle it once."""

    def claim_event(self, event_id: str, ttl_seconds: int) -> bool:
        """True the first time an id is claimed within `ttl_seconds`, False after; atomic
        (of two replicas claiming one id at once, exactly one gets True). ValueError for an
        empty id (Redis); StoreUnavailableError when the backend cannot be reached."""
        ...


class SessionStore(
    InterviewStore, RosterStore, CampaignStore, ReviewStore, PreferenceStore, EventStore, Protocol
):
    """Everything the bot remembers: interviews and results, the roster, campaigns, event
    claims, (`outbox`) the messages that must arrive and (`audit`) the audit log per
    workspace."""

    @property
    def outbox(self) -> OutboxStore:
        """Pending deliveries per person; `complete` writes to it in the same atomic step."""
        ...

    @property
    def audit(self) -> AuditStore:
        """The append-only audit log per workspace (flows.audit); `forget` leaves it as it is:
        its events hold no content of the person."""
        ...

    def ping(self) -> None:
        """Return when the backend answers; StoreUnavailableError when it does not."""
        ...
