"""`/itss campaign start|status|close` and the campaign messages of the outbox.

The rules are in flows/campaign.py and flows/calendar.py; here are the Slack parts: the
subcommands and their replies (a start's checks and writes are bot/campaign_start.py, shared
with the App Home modal; timezones are bot/timezones.py), and what a campaign delivery
becomes when the drain sends it (`campaign_message`: None drops it: the campaign is closed,
the person submitted, or its moment has passed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot import audit
from bot.blocks.campaign import (
    digest_message,
    invite_message,
    reminder_message,
    status_blocks,
)
from bot.blocks.common import echo, escape
from bot.campaign_start import Invalid, draft, launch
from bot.context import BotContext, log
from bot.people import Directory, NotAUser, user_id
from flows.audit import AuditAction
from flows.campaign import (
    Campaign,
    Denied,
    Progress,
    Scope,
    may_see,
    tally,
)
from flows.i18n import t
from flows.outbox import Delivery
from flows.session import PersonKey


def usage() -> str:
    return t("campaign.usage")


# ---------------------------------------------------------------------- the subcommand


def campaign_command(
    ctx: BotContext,
    key: PersonKey,
    text: str,
    respond: Callable[..., Any],
    enterprise: str | None = None,
) -> None:
    """After the ack: start, status or close; every answer is ephemeral."""
    sub, _, rest = text.strip().partition(" ")
    handler = {"start": start, "status": status, "close": close}.get(sub.casefold())
    if handler is None:
        reply = usage()
    else:
        try:
            reply = handler(ctx, key, rest.strip(), enterprise)
        except Denied as exc:
            reply = str(exc)
    respond(text=reply, response_type="ephemeral")


def _scope(tokens: list[str], directory: Directory) -> tuple[Scope, list[str]]:
    if len(tokens) == 1 and tokens[0].casefold() in ("all", "team"):
        return ("all" if tokens[0].casefold() == "all" else "team"), []
    try:
        return "mentions", [user_id(t, directory) for t in tokens]
    except NotAUser as exc:
        raise Denied(f"{exc}\n{usage()}") from exc


def start(ctx: BotContext, key: PersonKey, text: str, enterprise: str | None) -> str:
    tokens = text.split()
    if len(tokens) < 3:
        return usage()
    try:
        started = draft(ctx, key, tokens[0], tokens[1], enterprise)
        scope, mentioned = _scope(tokens[2:], Directory(ctx.client, key.team, enterprise))
        campaign = started.campaign(scope, mentioned)
    except Invalid as exc:
        return str(exc)
    return launch(ctx, started, campaign)


def _visible(
    ctx: BotContext, key: PersonKey, name: str, enterprise: str | None
) -> tuple[Campaign, bool]:
    """The named campaign of the actor's workspace (the newest they may see without a name)
    and whether they are an admin; Denied, the same way for missing and forbidden."""
    admin = ctx.is_admin(key.user, key.team, enterprise)
    if name:
        campaign = ctx.store.campaign_named(key.team, name)
    else:
        mine = [c for c in ctx.store.campaigns(key.team) if may_see(c, key, is_admin=admin)]
        campaign = max(mine, key=lambda c: (c.open, c.created_at), default=None)
        if campaign is None:
            raise Denied(t("campaign.none_visible"))
    if campaign is None or not may_see(campaign, key, is_admin=admin):
        raise Denied(t("campaign.not_found", name=echo(name)))
    return campaign, admin


SIGNED: dict[str, Progress] = {
    "pending": "in_review",
    "returned": "in_progress",  # back with the person, to edit and resubmit
    "approved": "done",
    "modified": "done",
}


def progress_of(ctx: BotContext, campaign: Campaign) -> tuple[dict[str, Progress], list[str]]:
    """Each member's progress, and who submitted late. A submission is `in_review` until a
    manager decides it (by the sign-off of the person's latest result), `in_progress` again
    when returned; one of the release before sign-off (no review) counts as done."""
    members = ctx.store.campaign_memberships(campaign.team, campaign.id, campaign.members)
    summaries = ctx.store.summaries(campaign.team, campaign.members)
    progress: dict[str, Progress] = {}
    late = []
    for user in campaign.members:
        member = members.get(user)
        summary = summaries.get(user)
        if member is not None and member.submitted_at is not None:
            review = summary.review if summary is not None else None
            progress[user] = "done" if review is None else SIGNED[review.status]
            if summary is not None and summary.in_progress:
                progress[user] = "in_progress"
            if member.late:
                late.append(user)
        elif summary is not None and summary.in_progress:
            progress[user] = "in_progress"
        else:
            progress[user] = "not_started"
    return progress, late


def status(ctx: BotContext, key: PersonKey, name: str, enterprise: str | None) -> str:
    campaign, admin = _visible(ctx, key, name, enterprise)
    progress, late = progress_of(ctx, campaign)
    min_group = ctx.settings.campaign_min_group
    rows = tally(
        campaign.members,
        progress,
        late,
        ctx.store.roster(key.team),
        reveal_small=admin,
        min_group=min_group,
    )
    name = escape(campaign.name)
    ctx.client.chat_postMessage(  # to the requester: in their language
        channel=ctx.dm_channel(key.user),
        text=t("campaign.status_text", name=name),
        blocks=status_blocks(campaign, rows, min_group),
    )
    return t("campaign.status_sent", name=name)


def close(ctx: BotContext, key: PersonKey, name: str, enterprise: str | None) -> str:
    if not name:
        return usage()
    campaign, _ = _visible(ctx, key, name, enterprise)
    if not campaign.open:
        return t("campaign.already_closed", name=escape(campaign.name))
    closed = campaign.model_copy(update={"status": "closed", "closed_at": ctx.now()})
    ctx.store.close_campaign(closed)
    audit.record(ctx, key, AuditAction.CAMPAIGN_CLOSED, campaign=campaign.id)
    _, late = progress_of(ctx, closed)
    members = ctx.store.campaign_memberships(closed.team, closed.id, closed.members)
    done = sum(1 for m in members.values() if m.submitted_at is not None)
    return t(
        "campaign.closed",
        name=escape(campaign.name),
        done=done,
        members=len(campaign.members),
        late=len(late),
    )


# ---------------------------------------------------------------------- outbox messages


def campaign_message(ctx: BotContext, delivery: Delivery) -> dict[str, Any] | None:
    """What a campaign delivery posts, read at send time; None drops it (logged): the
    campaign is gone or closed, the moment passed (`not_after`: a reminder missed while
    every replica was down), the person submitted, or nobody is left to list."""
    campaign = ctx.store.campaign_by_id(delivery.team, delivery.campaign)
    reason = ""
    if campaign is None or not campaign.open:
        reason = "campaign closed"
    elif delivery.not_after is not None and ctx.now() >= delivery.not_after:
        reason = "its allowed hours of that day have passed"
    if campaign is None or reason:
        log.info("campaign delivery %s to %s dropped: %s", delivery.id, delivery.recipient, reason)
        return None
    if delivery.kind == "campaign_invite":
        name = ""
        if delivery.specialty:
            try:
                name = ctx.framework.specialty(delivery.specialty).name
            except KeyError:
                name = ""
        text, blocks = invite_message(campaign, delivery.specialty if name else "", name)
    elif delivery.kind == "campaign_reminder":
        member = ctx.store.campaign_memberships(delivery.team, campaign.id, [delivery.user])
        mine = member.get(delivery.user)
        if mine is None or mine.submitted_at is not None or delivery.id not in mine.reminders:
            log.info("reminder %s to %s dropped: submitted", delivery.id, delivery.recipient)
            return None
        number = mine.reminders.index(delivery.id) + 1
        text, blocks = reminder_message(campaign, number, len(mine.reminders))
    else:
        roster = ctx.store.roster(delivery.team)
        reports = [u for u in campaign.members if delivery.recipient in roster.get(u, ())]
        members = ctx.store.campaign_memberships(delivery.team, campaign.id, reports)
        pending = [u for u in reports if u not in members or members[u].submitted_at is None]
        if not pending:
            log.info("digest %s to %s dropped: all submitted", delivery.id, delivery.recipient)
            return None
        text, blocks = digest_message(campaign, pending)
    return {"text": text, "blocks": blocks}
