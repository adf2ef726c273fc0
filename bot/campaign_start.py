"""Starting a campaign: the checks and the start that `/itss campaign start` and the App Home
modal share (docs/cycle.md#campaigns).

`draft` checks who starts it, its name and due date; `Draft.campaign` who it covers
(flows.campaign.members_in_scope); `launch` stores it with every invitation and reminder in
one write, records `campaign.started` and sends the invitations. A refusal is `Denied`, and
`Invalid` when one input is at fault (the modal shows it beside that input).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from bot import audit
from bot.blocks.campaign import due_text
from bot.blocks.common import echo, escape
from bot.context import BotContext
from flows.audit import AuditAction
from flows.calendar import local_day, parse_due, zone
from flows.campaign import NAME, Campaign, Denied, Scope, members_in_scope, plan_start
from flows.i18n import t
from flows.session import PersonKey

Input = Literal["name", "due", "target"]
Roster = dict[str, list[str]]


class Invalid(Denied):
    """A start refused for one input (`field`); the message is the reply, in the language
    of whoever asked."""

    def __init__(self, field: Input, message: str) -> None:
        super().__init__(message)
        self.field = field


def may_start(ctx: BotContext, key: PersonKey, enterprise: str | None) -> tuple[bool, Roster]:
    """Whether the actor is an admin, and the roster; Denied unless an admin of the request's
    workspace or a manager with reports on its roster."""
    admin = ctx.is_admin(key.user, key.team, enterprise)
    roster = ctx.store.roster(key.team)
    if not admin and not any(key.user in managers for managers in roster.values()):
        raise Denied(t("campaign.not_allowed"))
    return admin, roster


@dataclass(frozen=True)
class Draft:
    """A start whose actor, name and due date passed the checks."""

    key: PersonKey
    name: str
    due: date
    admin: bool
    roster: Roster
    now: datetime

    def campaign(self, scope: Scope, mentioned: list[str]) -> Campaign:
        """The campaign over the people in scope; Invalid("target") when the actor may not
        name them (or nobody is in scope)."""
        try:
            members = members_in_scope(
                scope, self.key.user, is_admin=self.admin, roster=self.roster, mentioned=mentioned
            )
        except Denied as exc:
            raise Invalid("target", str(exc)) from exc
        return Campaign(
            id=uuid.uuid4().hex[:12],
            team=self.key.team,
            name=self.name,
            due=self.due,
            owner=self.key.user,
            scope=scope,
            members=members,
            created_at=self.now,
        )


def taken(name: str) -> str:
    return t("campaign.taken", name=escape(name))


def draft(
    ctx: BotContext, key: PersonKey, name: str, due_token: str, enterprise: str | None
) -> Draft:
    """The checks before the target: the name's form, who starts it (Denied), the due date
    (today or later in the actor's timezone), the name not used yet in the workspace."""
    if not NAME.match(name):
        raise Invalid("name", t("campaign.bad_name", name=echo(name)))
    admin, roster = may_start(ctx, key, enterprise)
    now = ctx.now()
    today = local_day(now, zone(ctx.timezones.of([key.user]).get(key.user)))
    due = parse_due(due_token, today)
    if due is None or due < today:
        raise Invalid("due", t("campaign.bad_due", due=echo(due_token)))
    if ctx.store.campaign_named(key.team, name) is not None:
        raise Invalid("name", taken(name))
    return Draft(key, name, due, admin, roster, now)


def launch(ctx: BotContext, draft: Draft, campaign: Campaign) -> str:
    """Store the campaign with its deliveries (each person's invitation preset with their
    roster specialty), record it, send the invitations; the reply to the actor, in the
    current language (theirs)."""
    members, roster = campaign.members, draft.roster
    managers = {m for u in members for m in roster.get(u, ())}
    timezones = ctx.timezones.of(set(members) | managers)
    presets = ctx.store.specialties(campaign.team)
    plan = plan_start(
        campaign,
        timezones=timezones,
        roster=roster,
        policy=ctx.settings.reminder_policy,
        now=draft.now,
        specialty={u: presets[u] for u in members if u in presets},
    )
    if not ctx.store.start_campaign(campaign, plan):
        return taken(campaign.name)
    audit.record(
        ctx,
        draft.key,
        AuditAction.CAMPAIGN_STARTED,
        campaign=campaign.id,
        members=str(len(members)),
    )
    drain(ctx)  # each invitation in its recipient's language (bot/delivery.py)
    return t(
        "campaign.started",
        name=escape(campaign.name),
        n=len(members),
        due=due_text(campaign.due),
    )


def drain(ctx: BotContext) -> None:
    """Send the invitations now rather than at the next poll (any replica may, too)."""
    for _ in range(100):
        if not ctx.courier.drain_due():
            return
