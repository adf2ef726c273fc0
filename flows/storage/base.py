"""The storage contract every backend fulfils (see tests/flows/storage/test_contract.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from flows.outbox import Delivery, OutboxStore
from flows.session import InterviewSession, PersonKey, ResultRecord


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
class MemberSnapshot:
    """What a team summary needs of one person: the interview in progress and latest results.

    `unreadable` names the stored values of the person that could not be read (a newer
    version's or corrupt ones, see UnreadableRecordError); they are left out of `session` and
    `latest`, so a summary shows the person as unreadable instead of guessing."""

    session: InterviewSession | None
    latest: Mapping[str, ResultRecord] = field(default_factory=dict)  # by specialty
    unreadable: tuple[str, ...] = ()


class SessionStore(Protocol):
    """Interviews in progress (one per person, expiring), results (never expiring), roster.

    Every change of a session is a compare-and-set on its `step`: `save` writes only when the
    stored step equals `expected_step` (None: only when no session is stored) and raises
    StaleWriteError otherwise. A backend that cannot be reached raises StoreUnavailableError
    and leaves stored data as it was. `outbox` holds the messages that must arrive.
    """

    @property
    def outbox(self) -> OutboxStore: ...

    def load(self, key: PersonKey) -> InterviewSession | None: ...

    def save(self, session: InterviewSession, *, expected_step: int | None) -> None: ...

    def delete_session(self, key: PersonKey, *, expected_step: int) -> None: ...

    def complete(
        self,
        session: InterviewSession,
        record: ResultRecord,
        *,
        expected_step: int,
        deliveries: Sequence[Delivery] = (),
        lease_until: float = 0.0,
    ) -> None:
        """Atomically: CAS-check the session, delete it, append `record` to the person's
        history, make it their latest result for its specialty and queue `deliveries` in
        the person's outbox, claimed by the caller until `lease_until` (epoch seconds) so
        it sends them at once; if it does not, any drain sends them after that. The person
        is put in the outbox index before (never after) the deliveries are written."""
        ...

    def history(self, key: PersonKey) -> list[ResultRecord]:
        """Every completed result of the person, oldest first."""
        ...

    def latest(self, key: PersonKey) -> dict[str, ResultRecord]: ...

    def snapshot(self, team: str, users: Sequence[str]) -> dict[str, MemberSnapshot]:
        """Sessions and latest results of many people of one team, in one round trip."""
        ...

    def forget(self, key: PersonKey) -> None:
        """Delete everything stored about the person (session, history, latest, roster rows
        where they are the member)."""
        ...

    # roster: member → managers, per team
    def managers_of(self, team: str, user: str) -> list[str]:
        """The member's managers; none when the row is missing or cannot be read."""
        ...

    def roster(self, team: str) -> dict[str, list[str]]: ...

    def set_managers(self, team: str, assignments: Mapping[str, Sequence[str]]) -> None:
        """Set the managers of each member given, all or nothing (an empty list removes)."""
        ...

    def claim_event(self, event_id: str, ttl_seconds: int) -> bool:
        """True the first time an id is seen within ttl (Slack retries deliver events again)."""
        ...

    def ping(self) -> None: ...
