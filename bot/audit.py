"""`/itss audit` for admins, and what the Slack surfaces write to the audit log.

An admin of the workspace sees its latest events (ephemeral, within Slack's limits) or gets
all of them as a CSV in their DM; anyone else is told no before anything is read. Reading
the log is itself recorded (`audit.viewed`, `audit.csv`), as every access is: when it is
handed out, before the send (one whose send then fails is still recorded).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.blocks.audit import audit_messages
from bot.context import BotContext, log
from bot.csv_export import to_csv
from flows.audit import AuditAction, AuditEvent, append_or_log, detail_text, event
from flows.i18n import t, tn
from flows.session import PersonKey

RECENT = 50
CSV_HEADER = ["at", "action", "actor", "subject", "campaign", "detail"]


def __getattr__(name: str) -> str:
    """`DENIED`: the refusal in the reader's language, read when it is used (tests compare
    replies with it)."""
    if name == "DENIED":
        return t("audit.denied")
    raise AttributeError(name)


def record(
    ctx: BotContext,
    actor: PersonKey,
    action: AuditAction,
    *,
    subject: str | None = None,
    campaign: str | None = None,
    **detail: str,
) -> bool:
    """Append one event by `actor` (in `actor.team`) now; a failure is logged, not raised."""
    one = event(ctx.now(), actor, action, subject=subject, campaign=campaign, **detail)
    return append_or_log(ctx.store.audit, one)


def audit_csv(events: Iterable[AuditEvent]) -> str:
    """One line per event, oldest first; times in ISO 8601 UTC."""
    return to_csv(
        CSV_HEADER,
        (
            [
                e.at.isoformat(),
                e.action.value,
                e.actor,
                e.subject or "",
                e.campaign or "",
                detail_text(e.detail),
            ]
            for e in events
        ),
    )


def show_recent(ctx: BotContext, key: PersonKey, respond: Callable[..., Any]) -> None:
    events = ctx.store.audit.recent(key.team, RECENT)
    if not events:
        respond(text=t("audit.empty"), response_type="ephemeral")
        return
    record(ctx, key, AuditAction.AUDIT_VIEWED, shown=str(len(events)))  # before it is shown
    for blocks in audit_messages(events):
        respond(blocks=blocks, text=tn("audit.title", len(events)), response_type="ephemeral")


def send_csv(ctx: BotContext, key: PersonKey, respond: Callable[..., Any]) -> None:
    events = list(ctx.store.audit.events(key.team))
    record(ctx, key, AuditAction.AUDIT_CSV, rows=str(len(events)))  # before it is sent
    try:
        ctx.client.files_upload_v2(
            channel=ctx.dm_channel(key.user),
            content=audit_csv(events),
            filename="itss-audit.csv",
            title=tn("audit.csv_title", len(events)),
        )
    except SlackApiError as exc:
        log.warning("audit CSV upload failed: %s", exc.response.get("error"))
        respond(text=t("audit.csv_failed"), response_type="ephemeral")
        return
    respond(text=tn("audit.csv_sent", len(events)), response_type="ephemeral")


def audit_command(
    ctx: BotContext,
    key: PersonKey,
    text: str,
    respond: Callable[..., Any],
    enterprise: str | None = None,
) -> None:
    """`/itss audit [csv]` for an admin of the workspace the request comes from."""
    if not ctx.is_admin(key.user, key.team, enterprise):
        respond(text=t("audit.denied"), response_type="ephemeral")  # before anything is read
        return
    sub = text.strip().casefold()
    if sub == "":
        show_recent(ctx, key, respond)
    elif sub == "csv":
        send_csv(ctx, key, respond)
    else:
        respond(text=t("audit.usage", recent=RECENT), response_type="ephemeral")


def changed_roster(
    ctx: BotContext, admin: PersonKey, assignments: Mapping[str, Sequence[str]]
) -> bool:
    """One `roster.changed` per member whose row was set (managers "" = removed), in one
    round trip."""
    now = ctx.now()
    events = [
        event(
            now,
            admin,
            AuditAction.ROSTER_CHANGED,
            subject=member,
            managers=" ".join(managers),
        )
        for member, managers in sorted(assignments.items())
    ]
    return append_or_log(ctx.store.audit, *events)


def accessed_team(
    ctx: BotContext, actor: PersonKey, manager: str | None, scope: str, members: int
) -> bool:
    """A team summary and its CSV handed to `actor`: whose team (`manager`, None for the
    whole workspace), the scope (own / manager / all) and how many members it shows."""
    now = ctx.now()
    detail = {"scope": scope, "members": str(members)}
    events = [
        event(now, actor, action, subject=manager, **detail)
        for action in (AuditAction.TEAM_SUMMARY, AuditAction.TEAM_CSV)
    ]
    return append_or_log(ctx.store.audit, *events)
