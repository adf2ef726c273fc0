"""The transactional outbox: messages that must arrive, as data. Pure (no Slack, no clock reads).

A `Delivery` is written in the same atomic step as the change that causes it (the completion
of an interview writes the result deliveries; see `SessionStore.complete`) and sent by a
`flows.drain.Drain`, which any replica may run at any time: after the ack of the click that
caused it, at start-up and periodically. Each delivery is claimed with a lease
before it is sent, so two replicas never send the same one at once; a send whose outcome is
unknown (the process died, the call timed out, Slack answered 5xx) is checked against what
Slack already shows (`flows.drain.Sender.already_sent`) before it is sent again. docs/deploy.md has the
policy in prose.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict

from flows.session import PersonKey, ResultRecord

SCHEMA_VERSION = 1

Kind = Literal[
    "result",  # the person's own result
    "result_manager",  # the person's result, to one of their managers
    "no_manager",  # to the person: no manager on the roster, the admins were told
    "no_manager_admin",  # to an admin: this person has no manager on the roster
    "undelivered",  # to the person: `about` could not be sent their result (`reason`)
    "undelivered_admin",  # to an admin: the person's own result could not be sent
    "campaign_invite",  # to the person: a campaign covers them, with a start button
    "campaign_reminder",  # to the person: not submitted yet (dropped once they have)
    "campaign_digest",  # to a manager: who of their reports has not submitted yet
    "review_outcome",  # to the person: their result was approved, returned or modified
    "review_decided",  # to another manager of the person: who decided, and what
]


class Delivery(BaseModel):
    """One message that must reach `recipient`. Stored under the person it is about
    (`team`/`user`), so erasing the person erases their pending messages too."""

    model_config = ConfigDict(frozen=True)

    schema_version: int = SCHEMA_VERSION
    id: str  # unique per person and stable: a retried write never queues it twice
    team: str
    user: str
    recipient: str
    kind: Kind
    interview_id: str = ""
    specialty: str = ""
    about: str = ""  # a user id the message is about (the manager not reached)
    reason: str = ""  # why a delivery failed, as a Slack error code or "server_error"
    created_at: datetime
    campaign: str = ""  # the campaign id a campaign_* delivery belongs to
    not_after: datetime | None = None  # not sent after this moment (dropped instead)

    @property
    def key(self) -> PersonKey:
        return PersonKey(team=self.team, user=self.user)


@dataclass(frozen=True)
class Claimed:
    """A delivery this process may send now: `attempt` counts claims (1 = the first), and
    `unsure` says an earlier attempt may have reached Slack (check before sending again)."""

    delivery: Delivery
    attempt: int
    unsure: bool


# ------------------------------------------------------------------ what a send can end in

SendStatus = Literal["sent", "retry", "unsure", "permanent"]


@dataclass(frozen=True)
class SendResult:
    """`sent`; `retry` (definitely not sent: 429, a refused connection); `unsure` (may have
    been sent: a timeout, a 5xx); `permanent` (will never work: the account is gone)."""

    status: SendStatus
    error: str = ""
    retry_after: float = 0.0  # seconds, from Slack's Retry-After

    @classmethod
    def ok(cls) -> SendResult:
        return cls("sent")


# Slack error codes after which sending the same message again cannot succeed.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "user_not_found",
        "users_not_found",
        "user_disabled",
        "user_is_restricted",
        "cannot_dm_bot",
        "is_archived",
        "not_in_channel",
        "messages_tab_disabled",
        "restricted_action",
        "invalid_blocks",
        "msg_too_long",
        "no_text",
        "too_many_attachments",
        "invalid_arguments",
    }
)


def classify(error: str) -> SendStatus:
    """A Slack `ok: false` error code: permanent, or worth another try later. Errors about
    the bot's own token (`account_inactive`, `invalid_auth`, `token_revoked` …) are not the
    recipient's fault: they are retried, so nothing fails while an operator fixes the token."""
    return "permanent" if error in PERMANENT_ERRORS else "retry"


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: base, 2 × base, 4 × base … capped, at most `max_attempts` claims.
    A Retry-After from Slack is honoured when it is longer."""

    base_seconds: float = 10.0
    cap_seconds: float = 1800.0
    max_attempts: int = 10
    lease_seconds: float = 120.0  # longer than one send can take, retry handlers included

    def delay(self, attempt: int, retry_after: float = 0.0) -> float:
        backoff = min(self.base_seconds * 2.0 ** max(attempt - 1, 0), self.cap_seconds)
        return max(backoff, retry_after)


# ------------------------------------------------------------------ the storage contract


@dataclass(frozen=True)
class Mark:
    """What became of one claimed delivery: `sent`, `retry` at `due`, or `failed`."""

    delivery_id: str
    outcome: Literal["sent", "retry", "failed"]
    due: float = 0.0
    error: str = ""
    unsure: bool = False  # with `retry`: the attempt may have reached Slack


@dataclass
class Settled:
    """The marks of one person's drain and the notices their failures cause."""

    marks: list[Mark] = field(default_factory=list)
    notices: list[Delivery] = field(default_factory=list)


class OutboxStore(Protocol):
    """Pending deliveries per person, and an index of the people who may have some due.

    Times are epoch seconds (float). A backend that cannot be reached raises
    StoreUnavailableError and leaves stored data as it was."""

    def claim(self, key: PersonKey, now: float, lease_seconds: float) -> list[Claimed]:
        """Atomically take every delivery of the person that is due at `now` (never sent,
        or its retry time or an earlier lease has passed), leasing them until `now` +
        `lease_seconds` × how many were taken (they are sent one after another). A
        delivery another process holds a lease on is not returned."""
        ...

    def settle(self, key: PersonKey, settled: Settled, now: float) -> float | None:
        """Atomically apply the marks (sent: removed and remembered as sent; retry: due
        again at its time; failed: moved to the person's failed deliveries) and queue the
        notices (not if already queued or sent). Returns when the person's next delivery
        is due, or None when nothing is pending."""
        ...

    def due_people(self, now: float, lease_until: float, limit: int) -> list[tuple[PersonKey, int]]:
        """Take up to `limit` people from the index whose check is due, leased until
        `lease_until`; each with the token `release` needs."""
        ...

    def release(self, key: PersonKey, token: int, next_due: float | None) -> None:
        """Put the person back in the index at `next_due`, or remove them when None, unless
        someone announced new deliveries for them since `due_people` took them."""
        ...

    def failed(self, key: PersonKey) -> list[tuple[Delivery, str]]:
        """The person's deliveries that finally failed, with the error."""
        ...

    def pending(self, key: PersonKey) -> list[Delivery]:
        """The person's deliveries not sent yet (claimed or not)."""
        ...


# ------------------------------------------------------------------ what a completion queues


def result_deliveries(
    record: ResultRecord, managers: Sequence[str], admins: Sequence[str]
) -> list[Delivery]:
    """The messages a completed interview must send: the result to the person and to each
    manager; with no manager on the roster, a notice to the person and to each admin."""
    base: dict[str, Any] = {
        "team": record.team,
        "user": record.user,
        "interview_id": record.interview_id,
        "specialty": record.specialty,
        "created_at": record.completed_at,
    }
    out = [
        Delivery(id=f"{record.interview_id}:result", recipient=record.user, kind="result", **base)
    ]
    recipients = [m for m in dict.fromkeys(managers) if m != record.user]
    for manager in recipients:
        out.append(
            Delivery(
                id=f"{record.interview_id}:manager:{manager}",
                recipient=manager,
                kind="result_manager",
                **base,
            )
        )
    if not recipients:
        out.append(
            Delivery(
                id=f"{record.interview_id}:no_manager",
                recipient=record.user,
                kind="no_manager",
                **base,
            )
        )
        for admin in dict.fromkeys(admins):
            out.append(
                Delivery(
                    id=f"{record.interview_id}:no_manager_admin:{admin}",
                    recipient=admin,
                    kind="no_manager_admin",
                    **base,
                )
            )
    return out


def failure_notices(failed: Delivery, reason: str, admins: Sequence[str]) -> list[Delivery]:
    """Who is told, once, that `failed` will never arrive: the person when a manager could
    not be reached; the admins when the person could not be reached themselves."""
    common: dict[str, Any] = {
        "team": failed.team,
        "user": failed.user,
        "interview_id": failed.interview_id,
        "specialty": failed.specialty,
        "reason": reason,
        "created_at": failed.created_at,
    }
    if failed.kind == "result_manager":
        return [
            Delivery(
                id=f"{failed.id}:undelivered",
                recipient=failed.user,
                kind="undelivered",
                about=failed.recipient,
                **common,
            )
        ]
    if failed.kind == "result":
        return [
            Delivery(
                id=f"{failed.id}:undelivered_admin:{admin}",
                recipient=admin,
                kind="undelivered_admin",
                about=failed.user,
                **common,
            )
            for admin in dict.fromkeys(admins)
            if admin != failed.user
        ]
    return []  # a notice that cannot be sent is logged, not announced again
