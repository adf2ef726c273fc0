"""Campaigns: who is asked to assess themselves by when, and what that causes. Pure (no
Slack, no clock reads): the caller passes the moment, the roster and the timezones.

A `Campaign` is stored once per workspace; a `Membership` once per person it covers, under
the person (their hash tag on Redis), so the completion that submits it is one atomic step
with the rest of the completion. `plan_start` makes the deliveries a start queues: one
invitation now, up to `ReminderPolicy.max_reminders` reminders and one digest per manager
(flows.calendar says when). docs/cycle.md#campaigns has the rules in prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from flows.calendar import ReminderPolicy, digest_moment, due_end, reminder_moments, zone
from flows.i18n import t
from flows.outbox import Delivery
from flows.session import PersonKey, ResultRecord

CAMPAIGN_VERSION: Literal[1] = 1
MEMBERSHIP_VERSION: Literal[1] = 1
NAME = re.compile(r"^[^\s<>@|&]{1,40}$")  # no spaces, mentions or Slack markup

Scope = Literal["all", "team", "mentions"]
Progress = Literal["done", "in_review", "in_progress", "not_started"]


class Campaign(BaseModel):
    """One campaign of a workspace. `members` is who it covers, fixed at the start."""

    model_config = ConfigDict(frozen=True)

    schema_version: Literal[1] = CAMPAIGN_VERSION
    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")
    team: str
    name: str
    due: date
    owner: str
    scope: Scope
    members: list[str]
    created_at: datetime
    status: Literal["open", "closed"] = "open"
    closed_at: datetime | None = None

    @property
    def open(self) -> bool:
        return self.status == "open"


class Membership(BaseModel):
    """One person's part in one campaign: their timezone, the ids of their reminders (the
    deliveries a submission cancels) and, once they submitted, when and whether late."""

    model_config = ConfigDict(frozen=True)

    schema_version: Literal[1] = MEMBERSHIP_VERSION
    campaign: str
    team: str
    user: str
    tz: str
    invited_at: datetime
    reminders: list[str] = Field(default_factory=list)
    submitted_at: datetime | None = None
    interview_id: str = ""
    late: bool = False

    @property
    def key(self) -> PersonKey:
        return PersonKey(team=self.team, user=self.user)


@dataclass(frozen=True)
class Submission:
    """What a completion writes for one open campaign covering the person: the membership
    as submitted, and the reminder deliveries to remove from their outbox."""

    membership: Membership
    cancel: tuple[str, ...]


# ------------------------------------------------------------------ who a start covers


class Denied(Exception):
    """The actor may not do this; the message is the reply, in the language of whoever
    asked (it names nobody the actor could not already see)."""


def members_in_scope(
    scope: Scope,
    actor: str,
    *,
    is_admin: bool,
    roster: Mapping[str, Sequence[str]],
    mentioned: Sequence[str] = (),
) -> list[str]:
    """Who a campaign started by `actor` covers: `all` (admins: everyone on the roster),
    `team` (the actor's reports) or `mentioned` people (admins: anyone; a manager: their
    own reports only). Denied otherwise, before anything is written."""
    reports = sorted(m for m, managers in roster.items() if actor in managers)
    if scope == "all":
        if not is_admin:
            raise Denied(t("campaign.all_admins_only"))
        people = sorted(roster)
    elif scope == "team":
        people = reports
    else:
        people = sorted(dict.fromkeys(mentioned))
        if not is_admin and any(p not in reports for p in people):
            raise Denied(t("campaign.reports_only"))
    if not people:
        raise Denied(t("campaign.nobody"))
    return people


def may_see(campaign: Campaign, actor: PersonKey, *, is_admin: bool) -> bool:
    """The owner and the admins of the campaign's workspace see and close it."""
    return campaign.team == actor.team and (is_admin or campaign.owner == actor.user)


# ------------------------------------------------------------------ what a start queues


def delivery_id(campaign: str, kind: str, n: int | str = "") -> str:
    return f"campaign:{campaign}:{kind}" + (f":{n}" if n != "" else "")


@dataclass
class StartPlan:
    """Per person (user id) what a start writes: their membership (members only) and their
    deliveries (invitation and reminders; a manager's digest under the manager)."""

    memberships: dict[str, Membership] = field(default_factory=dict)
    deliveries: dict[str, list[Delivery]] = field(default_factory=dict)
    due_at: dict[tuple[str, str], datetime] = field(default_factory=dict)  # (user, id) → when


def plan_start(  # noqa: PLR0913 - the inputs of one start, by name
    campaign: Campaign,
    *,
    timezones: Mapping[str, str],
    roster: Mapping[str, Sequence[str]],
    policy: ReminderPolicy,
    now: datetime,
    specialty: Mapping[str, str] | None = None,
) -> StartPlan:
    """The invitation (due now), the reminders (flows.calendar) of every member, and one
    digest for each of their managers on the last working day before the due date."""
    plan = StartPlan()
    base = {"team": campaign.team, "campaign": campaign.id, "created_at": now}
    for user in campaign.members:
        tz = timezones.get(user) or ""
        moments = reminder_moments(now, campaign.due, zone(tz), policy)
        reminders = [
            Delivery(
                id=delivery_id(campaign.id, "reminder", i + 1),
                user=user,
                recipient=user,
                kind="campaign_reminder",
                not_after=m.not_after,
                **base,
            )
            for i, m in enumerate(moments)
        ]
        invite = Delivery(
            id=delivery_id(campaign.id, "invite"),
            user=user,
            recipient=user,
            kind="campaign_invite",
            specialty=(specialty or {}).get(user, ""),
            **base,
        )
        plan.memberships[user] = Membership(
            campaign=campaign.id,
            team=campaign.team,
            user=user,
            tz=zone(tz).key,
            invited_at=now,
            reminders=[r.id for r in reminders],
        )
        plan.deliveries[user] = [invite, *reminders]
        plan.due_at[(user, invite.id)] = now
        for reminder, moment in zip(reminders, moments, strict=True):
            plan.due_at[(user, reminder.id)] = moment.at
    managers = sorted({m for u in campaign.members for m in roster.get(u, ()) if m != u})
    for manager in managers:
        when = digest_moment(now, campaign.due, zone(timezones.get(manager)), policy)
        if when is None:
            continue
        digest = Delivery(
            id=delivery_id(campaign.id, "digest"),
            user=manager,
            recipient=manager,
            kind="campaign_digest",
            not_after=when.not_after,
            **base,
        )
        plan.deliveries.setdefault(manager, []).append(digest)
        plan.due_at[(manager, digest.id)] = when.at
    return plan


# ------------------------------------------------------------------ a completion submits


def submissions(
    record: ResultRecord,
    open_memberships: Iterable[tuple[Campaign, Membership]],
    returned: str | None = None,
) -> tuple[str | None, list[Submission]]:
    """What a completion writes for the open campaigns covering the person (each not yet
    submitted): the campaign the record is linked to (the newest), and every submission.
    `returned` is the campaign of the person's latest submission when a manager returned it
    (差し戻し): the resubmission belongs to that campaign while it is open, though the
    membership already counts the first submission (on time or late)."""
    out = []
    newest: Campaign | None = None
    resubmitted: str | None = None
    for campaign, member in open_memberships:
        if campaign.open and campaign.id == returned:
            resubmitted = campaign.id
        if not campaign.open or member.submitted_at is not None:
            continue
        late = record.completed_at >= due_end(campaign.due, zone(member.tz))
        done = member.model_copy(
            update={
                "submitted_at": record.completed_at,
                "interview_id": record.interview_id,
                "late": late,
            }
        )
        out.append(Submission(done, tuple(member.reminders)))
        if newest is None or campaign.created_at > newest.created_at:
            newest = campaign
    return resubmitted or (None if newest is None else newest.id), out


# ------------------------------------------------------------------ status by team


@dataclass(frozen=True)
class GroupRow:
    """One team of a campaign's status (a manager's reports; manager None: no manager on
    the roster; "" for the whole campaign): counts, or hidden when too small to show."""

    manager: str | None
    size: int
    counts: Mapping[Progress, int]
    late: int
    hidden: bool


def tally(  # noqa: PLR0913 - the inputs of one status, by name
    members: Sequence[str],
    progress: Mapping[str, Progress],
    late: Iterable[str],
    roster: Mapping[str, Sequence[str]],
    *,
    reveal_small: bool,
    min_group: int,
) -> list[GroupRow]:
    """The campaign's status per team (a manager's reports in it form a team; a person with
    two managers counts in both), then the whole campaign (manager ""). A group smaller
    than `min_group` is hidden unless `reveal_small` (admins)."""
    late_set = set(late)
    teams: dict[str | None, list[str]] = {}
    for user in members:
        managers: Sequence[str | None] = roster.get(user) or [None]
        for manager in managers:
            teams.setdefault(manager, []).append(user)

    def row(manager: str | None, people: list[str]) -> GroupRow:
        counts: dict[Progress, int] = {
            "done": 0,
            "in_review": 0,
            "in_progress": 0,
            "not_started": 0,
        }
        for user in people:
            counts[progress.get(user, "not_started")] += 1
        hidden = not reveal_small and len(people) < min_group
        return GroupRow(manager, len(people), counts, len(late_set & set(people)), hidden)

    named = sorted(m for m in teams if m is not None)
    rows = [row(m, teams[m]) for m in named]
    if None in teams:
        rows.append(row(None, teams[None]))
    rows.append(row("", list(members)))
    return rows
