"""`/itss team` and App Home's team button: a manager's direct reports, in messages within
Slack's limits, plus a CSV."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.audit import accessed_team
from bot.blocks.team import TeamRow, status_label, team_messages
from bot.context import BotContext, log
from bot.csv_export import to_csv
from bot.people import Directory, NotAUser, user_id
from bot.picture import picture_rows, team_picture
from flows.i18n import t, t_of, tn
from flows.review import trend
from flows.session import PersonKey
from flows.storage.base import MemberSummary

# A sign-off's status → the member's status in the summary (bot.blocks.team.STATUSES).
SIGN_OFF = {
    "pending": "pending",
    "returned": "returned",
    "approved": "confirmed",
    "modified": "confirmed",
}
NOT_CONFIRMED = ("pending", "returned")  # the confirmed column says why there is no level


def __getattr__(name: str) -> str:
    """`DENIED`: the refusal in the reader's language, read when it is used (tests compare
    replies with it)."""
    if name == "DENIED":
        return t("team.denied")
    raise AttributeError(name)


def team_rows(
    ctx: BotContext, summaries: dict[str, MemberSummary], campaigns: Mapping[str, str]
) -> list[TeamRow]:
    """One row a person; one whose stored data could not be read (a newer version's, or
    corrupt) says so in its status instead of showing what could be read of it. The level
    of record is the confirmed one (確定); the self-assessed level stays beside it.
    `campaigns`: campaign names by id."""
    rows = []
    for user, member in sorted(summaries.items()):
        if member.unreadable:
            rows.append(TeamRow(user, "-", "-", "-", t("team.unreadable"), "-"))
            continue
        latest = member.latest
        review = member.review
        status = (
            "in_progress"
            if member.in_progress
            else "completed"
            if latest is not None
            else "not_started"
        )
        if latest is not None:
            confirmed, trend_mark = t("team.confirmed.self_only"), ""
            if review is not None:
                if not member.in_progress:
                    status = SIGN_OFF[review.status]
                confirmed = (
                    t_of("team.confirmed", review.status)
                    if review.status in NOT_CONFIRMED
                    else str(review.confirmed_level)
                )
                trend_mark = trend(review.level_of_record, review.previous_level)
            rows.append(
                TeamRow(
                    user,
                    _specialty_name(ctx, latest.specialty),
                    str(latest.level),
                    latest.completed_at.strftime("%Y-%m-%d"),
                    status_label(status),
                    str(latest.missing),
                    confirmed,
                    trend_mark,
                    campaigns.get(latest.campaign or "", ""),
                )
            )
        else:
            specialty = member.specialty_in_progress
            name = _specialty_name(ctx, specialty) if specialty else "-"
            rows.append(TeamRow(user, name, "-", "-", status_label(status), "-"))
    return rows


def _specialty_name(ctx: BotContext, specialty: str) -> str:
    try:
        return ctx.framework.specialty(specialty).name
    except KeyError:  # a specialty a later framework no longer has
        return specialty


def user_names(ctx: BotContext, wanted: set[str]) -> dict[str, str]:
    """Display names for the CSV, read page by page from users.list (a few calls for a
    large workspace, instead of one users.info per member); empty when Slack refuses."""
    names: dict[str, str] = {}
    try:
        for page in ctx.client.users_list(limit=200):
            for member in page.get("members", []):
                if member.get("id") in wanted:
                    profile = member.get("profile") or {}
                    names[member["id"]] = (
                        member.get("real_name")
                        or profile.get("display_name")
                        or member.get("name")
                        or ""
                    )
            if len(names) == len(wanted):
                break
    except SlackApiError as exc:
        log.warning("users.list failed: %s", exc.response.get("error"))
    return names


def team_csv(rows: list[TeamRow], names: dict[str, str]) -> str:
    """One line per member; a value the summary shows as "-" (none yet) is an empty cell."""

    def cell(value: str) -> str:
        return "" if value == "-" else value

    return to_csv(
        [
            "user_id",
            "name",
            "specialty",
            "level",
            "date",
            "status",
            "missing_to_next_level",
            "confirmed_level",
            "change_since_previous_campaign",
            "campaign",
        ],
        (
            [
                r.user,
                names.get(r.user, ""),
                cell(r.specialty),
                cell(r.level),
                cell(r.date),
                r.status,
                cell(r.missing),
                cell(r.confirmed),
                r.trend,
                r.campaign,
            ]
            for r in rows
        ),
    )


def _names(token: str, user: str) -> bool:
    """Whether `token` is a mention or id of `user` themself."""
    try:
        return user_id(token) == user
    except NotAUser:
        return False


def send_team_summary(
    ctx: BotContext,
    key: PersonKey,
    text: str,
    respond: Callable[..., Any] | None,
    enterprise: str | None = None,
) -> None:
    wanted = text.strip()
    everyone = wanted.casefold() == "all"
    manager = key.user
    if wanted and not _names(wanted, key.user):
        # Checked before any name is looked up: a denial says nothing about who exists.
        if not ctx.is_admin(key.user, key.team, enterprise):
            _reply(ctx, key, respond, t("team.denied"))
            return
        if not everyone:
            try:
                manager = user_id(wanted, Directory(ctx.client, key.team, enterprise))
            except NotAUser as exc:
                _reply(ctx, key, respond, f"{exc}\n{t('team.usage')}")
                return
    roster = ctx.store.roster(key.team)
    members = sorted(roster) if everyone else sorted(m for m, ms in roster.items() if manager in ms)
    if not members:
        _reply(
            ctx,
            key,
            respond,
            t("team.no_reports")
            if manager == key.user
            else t("team.no_reports_of", manager=manager),
        )
        return
    names = {c.id: c.name for c in ctx.store.campaigns(key.team)}
    summaries = ctx.store.summaries(key.team, members)
    rows = team_rows(ctx, summaries, names)
    scope = "all" if everyone else "own" if manager == key.user else "manager"
    accessed_team(ctx, key, None if everyone else manager, scope, len(rows))
    channel = ctx.dm_channel(key.user)
    for blocks in team_messages(rows):
        ctx.client.chat_postMessage(
            channel=channel, blocks=blocks, text=tn("team.title", len(rows))
        )
    title = (
        t("team.scope.all")
        if everyone
        else t("team.scope.own")
        if manager == key.user
        else t("team.scope.manager", manager=manager)
    )
    picture = team_picture(
        picture_rows(summaries),
        {s.id: s.name for s in ctx.framework.job_category.specialties},
        title=tn("team.picture_title", len(rows), scope=title),
        min_group=ctx.settings.aggregate_min_group,
        full_view=everyone or ctx.is_admin(key.user, key.team, enterprise),
    )
    ctx.client.files_upload_v2(  # both files in one upload: one message in the DM
        channel=channel,
        file_uploads=[  # the picture first: it is what a manager looks at
            {"content": picture, "filename": "itss-team.png", "title": t("team.png_title")},
            {
                "content": team_csv(rows, user_names(ctx, {r.user for r in rows})),
                "filename": "itss-team.csv",
                "title": t("team.csv_title"),
            },
        ],
    )
    if respond is not None:
        respond(text=t("team.sent"), response_type="ephemeral")


def _reply(ctx: BotContext, key: PersonKey, respond: Callable[..., Any] | None, text: str) -> None:
    if respond is not None:
        respond(text=text, response_type="ephemeral")
    else:
        ctx.dm(key.user, text=text)
