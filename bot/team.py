"""`/itss team` and App Home's team button: a manager's direct reports, in messages within
Slack's limits, plus a CSV."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.audit import accessed_team
from bot.blocks.team import TeamRow, team_messages
from bot.context import BotContext, log
from bot.csv_export import to_csv
from bot.people import Directory, NotAUser, user_id
from bot.picture import picture_rows, team_picture
from flows.review import trend
from flows.session import PersonKey
from flows.storage.base import MemberSummary

UNREADABLE_ROW = "読み取れないデータ（新しい版で保存された可能性）"


SIGN_OFF = {"pending": "承認待ち", "returned": "差し戻し", "approved": "確定", "modified": "確定"}
CONFIRMED = {"pending": "未承認", "returned": "差し戻し中"}


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
            rows.append(TeamRow(user, "-", "-", "-", UNREADABLE_ROW, "-"))
            continue
        latest = member.latest
        review = member.review
        status = "回答中" if member.in_progress else "完了" if latest is not None else "未着手"
        if latest is not None:
            confirmed, trend_mark = "自己評価のみ", ""
            if review is not None:
                if not member.in_progress:
                    status = SIGN_OFF[review.status]
                confirmed = CONFIRMED.get(review.status) or str(review.confirmed_level)
                trend_mark = trend(review.level_of_record, review.previous_level)
            rows.append(
                TeamRow(
                    user,
                    _specialty_name(ctx, latest.specialty),
                    str(latest.level),
                    latest.completed_at.strftime("%Y-%m-%d"),
                    status,
                    str(latest.missing),
                    confirmed,
                    trend_mark,
                    campaigns.get(latest.campaign or "", ""),
                )
            )
        else:
            specialty = member.specialty_in_progress
            name = _specialty_name(ctx, specialty) if specialty else "-"
            rows.append(TeamRow(user, name, "-", "-", status, "-"))
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


USAGE = (
    "使い方: `/itss team`（あなたの部下）、`/itss team all`（管理者: 全員）、"
    "`/itss team @マネージャー`（管理者: そのマネージャーの部下）"
)
DENIED = "`/itss team all` と `/itss team @マネージャー` は管理者のみが使えます。"


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
            _reply(ctx, key, respond, DENIED)
            return
        if not everyone:
            try:
                manager = user_id(wanted, Directory(ctx.client, key.team, enterprise))
            except NotAUser as exc:
                _reply(ctx, key, respond, f"{exc}\n{USAGE}")
                return
    roster = ctx.store.roster(key.team)
    members = sorted(roster) if everyone else sorted(m for m, ms in roster.items() if manager in ms)
    if not members:
        _reply(
            ctx,
            key,
            respond,
            "名簿にあなたの部下が登録されていません。管理者に `/itss roster set` を依頼してください。"
            if manager == key.user
            else f"名簿に <@{manager}> さんの部下は登録されていません。",
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
            channel=channel, blocks=blocks, text=f"チームの診断状況（{len(rows)} 人）"
        )
    title = (
        "全員"
        if everyone
        else "あなたの部下"
        if manager == key.user
        else f"<@{manager}> さんの部下"
    )
    picture = team_picture(
        picture_rows(summaries),
        {s.id: s.name for s in ctx.framework.job_category.specialties},
        title=f"チームのレベル分布（{title} {len(rows)} 人）",
        min_group=ctx.settings.aggregate_min_group,
        full_view=everyone or ctx.is_admin(key.user, key.team, enterprise),
    )
    ctx.client.files_upload_v2(  # both files in one upload: one message in the DM
        channel=channel,
        file_uploads=[  # the picture first: it is what a manager looks at
            {"content": picture, "filename": "itss-team.png", "title": "レベル分布（PNG）"},
            {
                "content": team_csv(rows, user_names(ctx, {r.user for r in rows})),
                "filename": "itss-team.csv",
                "title": "チームの診断状況（CSV）",
            },
        ],
    )
    if respond is not None:
        respond(text="チームの診断状況を DM に送りました。", response_type="ephemeral")


def _reply(ctx: BotContext, key: PersonKey, respond: Callable[..., Any] | None, text: str) -> None:
    if respond is not None:
        respond(text=text, response_type="ephemeral")
    else:
        ctx.dm(key.user, text=text)
