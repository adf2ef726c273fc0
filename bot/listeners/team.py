"""`/itss team`: a manager's direct reports, in messages within Slack's limits, plus a CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.blocks.results import TeamRow, team_messages
from bot.context import BotContext, log
from flows.session import PersonKey
from flows.storage.base import MemberSnapshot

UNREADABLE_ROW = "読み取れないデータ（新しい版で保存された可能性）"


def team_rows(ctx: BotContext, snapshots: dict[str, MemberSnapshot]) -> list[TeamRow]:
    """One row a person; one whose stored data could not be read (a newer version's, or
    corrupt) says so in its status instead of showing what could be read of it."""
    rows = []
    for user, snap in sorted(snapshots.items()):
        if snap.unreadable:
            rows.append(TeamRow(user, "-", "-", "-", UNREADABLE_ROW, "-"))
            continue
        latest = max(snap.latest.values(), key=lambda r: r.completed_at, default=None)
        if snap.session is not None and snap.session.in_progress:
            status = "回答中"
        else:
            status = "完了" if latest is not None else "未着手"
        if latest is not None:
            rows.append(
                TeamRow(
                    user,
                    latest.result.specialty_name,
                    str(latest.result.level),
                    latest.completed_at.strftime("%Y-%m-%d"),
                    status,
                    str(len(latest.result.missing)),
                )
            )
        else:
            specialty = ""
            if snap.session is not None and snap.session.specialty:
                specialty = ctx.framework.specialty(snap.session.specialty).name
            rows.append(TeamRow(user, specialty or "-", "-", "-", status, "-"))
    return rows


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
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["user_id", "name", "specialty", "level", "date", "status", "missing_to_next_level"]
    )
    for r in rows:
        writer.writerow(
            [r.user, names.get(r.user, ""), r.specialty, r.level, r.date, r.status, r.missing]
        )
    return out.getvalue()


def send_team_summary(
    ctx: BotContext, key: PersonKey, text: str, respond: Callable[..., Any] | None
) -> None:
    everyone = text.strip().casefold() == "all"
    if everyone and not ctx.is_admin(key.user):
        _reply(ctx, key, respond, "`/itss team all` は管理者のみが使えます。")
        return
    roster = ctx.store.roster(key.team)
    members = (
        sorted(roster) if everyone else sorted(m for m, ms in roster.items() if key.user in ms)
    )
    if not members:
        _reply(
            ctx,
            key,
            respond,
            "名簿にあなたの部下が登録されていません。管理者に `/itss roster set` を依頼してください。",
        )
        return
    rows = team_rows(ctx, ctx.store.snapshot(key.team, members))
    channel = ctx.dm_channel(key.user)
    for blocks in team_messages(rows):
        ctx.client.chat_postMessage(
            channel=channel, blocks=blocks, text=f"チームの診断状況（{len(rows)} 人）"
        )
    ctx.client.files_upload_v2(
        channel=channel,
        content=team_csv(rows, user_names(ctx, {r.user for r in rows})),
        filename="itss-team.csv",
        title="チームの診断状況（CSV）",
    )
    if respond is not None:
        respond(text="チームの診断状況を DM に送りました。", response_type="ephemeral")


def _reply(ctx: BotContext, key: PersonKey, respond: Callable[..., Any] | None, text: str) -> None:
    if respond is not None:
        respond(text=text, response_type="ephemeral")
    else:
        ctx.dm(key.user, text=text)
