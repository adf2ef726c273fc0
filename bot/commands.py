"""The `/itss` subcommands: one small function each, looked up in SUBCOMMANDS.

A subcommand gets the invocation already parsed and returns what the ack says; slow work
(a DM, a team summary, the roster) it hands to `ctx.defer`, which runs after the ack.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.audit import audit_command
from bot.blocks.common import Block, echo, section
from bot.blocks.forget import forget_confirm
from bot.blocks.help import help_blocks
from bot.blocks.lookup import level_blocks, lookup_blocks
from bot.blocks.status import status_blocks
from bot.campaign import campaign_command
from bot.context import UNAVAILABLE, BotContext
from bot.history import history_command
from bot.interview import start_in_dm
from bot.roster import roster_command
from bot.team import send_team_summary
from flows.i18n import t
from flows.session import PersonKey
from flows.storage.base import StoreUnavailableError
from flows.text import has_foreign_digits

USAGE_LEVEL = "使い方: `/itss level 専門分野 レベル`（例: `/itss level SO 4`、`/itss level カスタマサポート 3`）"
USAGE_SKILL = (
    "使い方: `/itss skill キーワード`（例: `/itss skill バックアップ`、`/itss skill SO レベル4`）"
)


@dataclass(frozen=True)
class Invocation:
    """One `/itss …`, parsed: who, the subcommand (NFKC, casefolded) and the rest."""

    key: PersonKey
    enterprise: str | None
    sub: str
    rest: str
    typed: str
    """The text as typed, before NFKC (which turns 「𝟒」 into 「4」)."""
    respond: Callable[..., Any]
    """Replies to the command's response_url, after the ack."""

    @classmethod
    def parse(cls, command: dict[str, Any], respond: Callable[..., Any]) -> Invocation:
        typed = command.get("text") or ""
        text = unicodedata.normalize("NFKC", typed).strip()
        sub, rest = (*text.split(maxsplit=1), "", "")[:2]  # any whitespace: `team\tall`
        return cls(
            key=PersonKey(team=command["team_id"], user=command["user_id"]),
            enterprise=command.get("enterprise_id") or None,
            sub=sub.casefold(),
            rest=rest.strip(),
            typed=typed,
            respond=respond,
        )


@dataclass(frozen=True)
class Reply:
    """What the ack shows the person who typed the command."""

    text: str
    blocks: list[Block] | None = None


def run(ctx: BotContext, cmd: Invocation) -> Reply:
    """The subcommand's reply, or a pointer to `/itss help` for one that does not exist."""
    subcommand = SUBCOMMANDS.get(cmd.sub)
    if subcommand is None:
        return Reply(
            f"「{echo(cmd.sub)}」というサブコマンドはありません。`/itss help` で使い方を確認できます。"
        )
    return subcommand(ctx, cmd)


def show_help(ctx: BotContext, cmd: Invocation) -> Reply:
    return Reply(t("help.title"), help_blocks())


def start(ctx: BotContext, cmd: Invocation) -> Reply:
    specialty = ctx.framework.resolve_specialty(cmd.rest) if cmd.rest else None
    if cmd.rest and specialty is None:
        return Reply(
            f"専門分野「{echo(cmd.rest)}」が分かりません。SO / NO / CS（システムオペレーション、ネットワークオペレーション、カスタマサポート）から指定してください。"
        )
    ctx.defer(start_in_dm, ctx, cmd.key, specialty, notify=cmd.key)
    return Reply("DM でインタビューを開始します。ボットとの DM を開いてください。")


def skill(ctx: BotContext, cmd: Invocation) -> Reply:
    if not cmd.rest:
        return Reply(USAGE_SKILL)
    first, *more = lookup_blocks(cmd.rest, ctx.index.lookup(cmd.rest, limit=8))
    for page in more:
        ctx.defer(
            cmd.respond, {"blocks": page, "text": "検索結果（続き）", "response_type": "ephemeral"}
        )
    return Reply(f"「{echo(cmd.rest)}」の検索結果", first)


def _level(text: str) -> int | None:
    """「4」, 「４」, 「レベル4」, 「Lv.4」 (after NFKC; the caller refuses 「٤」 and 「𝟒」)."""
    token = unicodedata.normalize("NFKC", text).strip().casefold()
    for prefix in ("レベル", "level", "lv.", "lv", "l"):
        if token.startswith(prefix):
            token = token[len(prefix) :].strip()
            break
    return int(token) if token.isascii() and token.isdecimal() and len(token) <= 2 else None


def level(ctx: BotContext, cmd: Invocation) -> Reply:
    parts = cmd.rest.rsplit(maxsplit=1)
    if len(parts) != 2 or has_foreign_digits(cmd.typed):  # NFKC made 𝟒 a 4; int() reads ٤
        return Reply(USAGE_LEVEL)
    specialty, number = ctx.framework.resolve_specialty(parts[0]), _level(parts[1])
    if specialty is None or number is None:
        return Reply(USAGE_LEVEL)
    return Reply(f"レベル {number}", level_blocks(ctx.framework, specialty, number))


def status(ctx: BotContext, cmd: Invocation) -> Reply:
    try:
        session = ctx.store.load(cmd.key)
        latest = sorted(
            ctx.store.latest(cmd.key).values(), key=lambda r: r.completed_at, reverse=True
        )
    except StoreUnavailableError:
        return Reply(UNAVAILABLE)
    return Reply("あなたの ITSS 診断", status_blocks(session, latest, ctx.framework))


def forget(ctx: BotContext, cmd: Invocation) -> Reply:
    return Reply("保存データの削除", forget_confirm())


def team(ctx: BotContext, cmd: Invocation) -> Reply:
    ctx.defer(
        send_team_summary, ctx, cmd.key, cmd.rest, cmd.respond, cmd.enterprise, notify=cmd.key
    )
    return Reply("チームの診断状況を集計しています…")


def roster(ctx: BotContext, cmd: Invocation) -> Reply:
    ctx.defer(roster_command, ctx, cmd.key, cmd.rest, cmd.respond, cmd.enterprise, notify=cmd.key)
    return Reply("名簿を処理しています…")


def audit(ctx: BotContext, cmd: Invocation) -> Reply:
    ctx.defer(audit_command, ctx, cmd.key, cmd.rest, cmd.respond, cmd.enterprise, notify=cmd.key)
    return Reply("監査ログを確認しています…")


def history(ctx: BotContext, cmd: Invocation) -> Reply:
    ctx.defer(history_command, ctx, cmd.key, cmd.rest, cmd.respond, cmd.enterprise, notify=cmd.key)
    return Reply("診断の履歴を確認しています…")


def campaign(ctx: BotContext, cmd: Invocation) -> Reply:
    ctx.defer(campaign_command, ctx, cmd.key, cmd.rest, cmd.respond, cmd.enterprise, notify=cmd.key)
    return Reply("キャンペーンを処理しています…")


SUBCOMMANDS: dict[str, Callable[[BotContext, Invocation], Reply]] = {
    "": show_help,
    "help": show_help,
    "ヘルプ": show_help,
    "start": start,
    "skill": skill,
    "lookup": skill,
    "level": level,
    "status": status,
    "forget": forget,
    "team": team,
    "roster": roster,
    # issue 12: the assessment cycle
    "audit": audit,
    "campaign": campaign,
    "history": history,
}


def forget_data(ctx: BotContext, key: PersonKey, respond: Callable[..., Any]) -> None:
    """Delete everything stored about `key` and replace the confirmation with the outcome."""
    ctx.service.forget(key)  # audited there: that it happened, not what
    done = "あなたに関する保存データをすべて削除しました。"
    respond(replace_original=True, text=done, blocks=[section(done)])
