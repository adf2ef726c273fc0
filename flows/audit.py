"""The audit trail: who did what, when, to whom — as data. Pure (no I/O, no clock reads).

Every decision and access that matters is one `AuditEvent` appended to its workspace's log
(`AuditStore`, composed into the session store as `store.audit`): a roster change, an
erasure, a team summary or CSV handed out, a result submitted, approved, returned or
modified, an admin acting for a manager, a campaign started or closed, the audit itself read.

What an event never holds: a person's answers, evidence notes or result. `/itss forget`
erases those and the audit must not keep a copy, so `detail` carries identifiers and short
codes (a specialty id, a count, the scope of a summary) — docs/cycle.md#audit. Events are
kept `retention_seconds` (AUDIT_RETENTION_DAYS, 400 days by default) and then trimmed.

An audit write never decides whether the action happens: the action is done (or refused) as
it would be without an audit, then its event is appended; an append that fails is logged
with the event (`append_or_log`), which holds no content, so nothing is lost silently.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator

from flows.session import PersonKey

AUDIT_VERSION: Literal[1] = 1
DEFAULT_RETENTION_DAYS = 400  # a yearly cycle plus a month: last year's cycle is still there
MAX_DETAIL_ITEMS = 12
MAX_DETAIL_VALUE = 300  # characters; a longer value is cut with "…"

log = logging.getLogger("itss.audit")
_USER = r"^[A-Za-z0-9_.-]{1,64}$"  # as PersonKey's user: safe inside a mention


class AuditAction(StrEnum):
    """Every kind of event, a closed set (a stored event of another kind is unreadable)."""

    ROSTER_CHANGED = "roster.changed"  # subject: the member; detail: managers ("" = removed)
    DATA_ERASED = "data.erased"  # subject: the person erased; no detail
    TEAM_SUMMARY = "team.summary"  # subject: the manager whose team; detail: scope, members
    TEAM_CSV = "team.csv"  # as TEAM_SUMMARY, for the CSV file
    RESULT_SUBMITTED = "result.submitted"  # subject: the person; detail: specialty, interview
    RESULT_APPROVED = "result.approved"
    RESULT_RETURNED = "result.returned"
    RESULT_MODIFIED = "result.modified"
    ADMIN_ACTED_FOR = "admin.acted_for"  # an admin decided for an absent manager
    CAMPAIGN_STARTED = "campaign.started"
    CAMPAIGN_CLOSED = "campaign.closed"
    AUDIT_VIEWED = "audit.viewed"  # an admin read the latest events; detail: shown
    AUDIT_CSV = "audit.csv"  # an admin took every event as CSV; detail: rows
    HISTORY_VIEWED = "history.viewed"  # subject: whose history a manager or admin read


class AuditEvent(BaseModel):
    """One entry of a workspace's audit log. `actor` did `action` at `at`; `subject` is the
    person concerned (when there is one), `campaign` the campaign it belongs to. `detail`
    holds identifiers and short codes only — never answers, notes or results."""

    model_config = ConfigDict(frozen=True)

    schema_version: Literal[1] = AUDIT_VERSION
    at: datetime
    team: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    actor: str = Field(pattern=_USER)
    action: AuditAction
    subject: str | None = Field(default=None, pattern=_USER)
    campaign: str | None = Field(default=None, max_length=100)
    detail: dict[str, str] = Field(default_factory=dict)

    @field_validator("detail")
    @classmethod
    def _small(cls, detail: dict[str, str]) -> dict[str, str]:
        """An event stays a few hundred bytes: a few short keys, long values cut."""
        if len(detail) > MAX_DETAIL_ITEMS:
            raise ValueError(f"at most {MAX_DETAIL_ITEMS} detail items")
        out = {}
        for key, value in detail.items():
            if not 1 <= len(key) <= 40:
                raise ValueError("detail keys have 1 to 40 characters")
            cut = value if len(value) <= MAX_DETAIL_VALUE else value[: MAX_DETAIL_VALUE - 1] + "…"
            out[key] = cut
        return out

    @property
    def epoch_ms(self) -> int:
        return int(self.at.timestamp() * 1000)


def event(
    at: datetime,
    actor: PersonKey,
    action: AuditAction,
    *,
    subject: str | None = None,
    campaign: str | None = None,
    **detail: str,
) -> AuditEvent:
    """An AuditEvent by `actor` in their workspace, the detail as keyword arguments."""
    return AuditEvent(
        at=at,
        team=actor.team,
        actor=actor.user,
        action=action,
        subject=subject,
        campaign=campaign,
        detail=detail,
    )


class AuditStore(Protocol):
    """A workspace's audit log: append only, oldest events trimmed after the retention.

    Every method raises the store's StoreUnavailableError when the backend cannot be
    reached (an append then may or may not have happened); an invalid team id raises
    ValueError. A stored event that cannot be read (a newer version's, or corrupt) is left
    out of what the readers return, and logged."""

    retention_seconds: int

    def append(self, event: AuditEvent) -> None:
        """Add `event` to the log of `event.team`, trimming what is older than the
        retention (by the store's clock, at the time of the append)."""
        ...

    def extend(self, events: Sequence[AuditEvent]) -> None:
        """Append many events, in order, in one round trip where the backend allows."""
        ...

    def recent(self, team: str, limit: int) -> list[AuditEvent]:
        """The latest `limit` events of the workspace, newest first."""
        ...

    def events(self, team: str) -> Iterator[AuditEvent]:
        """Every event of the workspace still kept, oldest first, read page by page."""
        ...


def append_or_log(audit: AuditStore, *events: AuditEvent) -> bool:
    """Append `events` (one round trip); when that fails, log each event (it holds no
    content) at ERROR so an operator can restore it, and return False. Never raises: the
    action the event records has already happened."""
    if not events:
        return True
    try:
        if len(events) == 1:
            audit.append(events[0])
        else:
            audit.extend(events)
    except Exception as exc:  # any failure: the action stands, the event goes to the log
        for lost in events:
            log.error(
                "audit write failed (%s: %s); event: %s",
                type(exc).__name__,
                exc,
                lost.model_dump_json(),
            )
        return False
    return True


def detail_text(detail: Mapping[str, str]) -> str:
    """The detail as `key=value` pairs in key order, for a line or a CSV cell."""
    return " ".join(f"{k}={v}" for k, v in sorted(detail.items()))
