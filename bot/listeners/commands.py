"""`/itss` and its subcommands. Each acks within the request; slow work runs after the ack."""

from __future__ import annotations

import unicodedata
from typing import Any

from slack_bolt import Ack, App, Respond

from bot import ids
from bot.blocks.common import echo, section
from bot.blocks.results import (
    forget_confirm,
    help_blocks,
    level_blocks,
    lookup_blocks,
    status_blocks,
)
from bot.context import UNAVAILABLE, BotContext
from bot.listeners.interview import start_in_dm
from bot.listeners.roster import roster_command
from bot.listeners.team import send_team_summary
from flows.session import PersonKey
from flows.storage.base import StoreUnavailableError
from flows.text import has_foreign_digits

USAGE_LEVEL = "使い方: `/itss level 専門分野 レベル`（例: `/itss level SO 4`、`/itss level カスタマサポート 3`）"


def resolve_specialty(ctx: BotContext, text: str) -> str | None:
    wanted = unicodedata.normalize("NFKC", text).strip().casefold()
    if not wanted:
        return None
    for sp in ctx.framework.job_category.specialties:
        names = {sp.id, sp.name, *sp.aliases}
        if wanted in {unicodedata.normalize("NFKC", n).casefold() for n in names}:
            return sp.id
    return None


def _level(text: str) -> int | None:
    """「4」, 「４」, 「レベル4」, 「Lv.4」 (after NFKC; the caller refuses 「٤」 and 「𝟒」)."""
    token = unicodedata.normalize("NFKC", text).strip().casefold()
    for prefix in ("レベル", "level", "lv.", "lv", "l"):
        if token.startswith(prefix):
            token = token[len(prefix) :].strip()
            break
    return int(token) if token.isascii() and token.isdecimal() and len(token) <= 2 else None


def register(app: App, ctx: BotContext) -> None:
    @app.command("/itss")
    def itss(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        text = unicodedata.normalize("NFKC", command.get("text") or "").strip()
        sub, rest = (*text.split(maxsplit=1), "", "")[:2]  # any whitespace: `team\tall`
        sub, rest = sub.casefold(), rest.strip()
        key = PersonKey(team=command["team_id"], user=command["user_id"])
        enterprise = command.get("enterprise_id") or None
        if sub in ("", "help", "ヘルプ"):
            ack(blocks=help_blocks(), text="ITSS スキル診断ボットの使い方")
        elif sub == "start":
            specialty = resolve_specialty(ctx, rest) if rest else None
            if rest and specialty is None:
                ack(
                    text=f"専門分野「{echo(rest)}」が分かりません。SO / NO / CS（システムオペレーション、ネットワークオペレーション、カスタマサポート）から指定してください。"
                )
                return
            ack(text="DM でインタビューを開始します。ボットとの DM を開いてください。")
            ctx.defer(start_in_dm, ctx, key, specialty, notify=key)
        elif sub in ("skill", "lookup"):
            if not rest:
                ack(
                    text="使い方: `/itss skill キーワード`（例: `/itss skill バックアップ`、`/itss skill SO レベル4`）"
                )
                return
            pages = lookup_blocks(rest, ctx.index.search(rest, limit=8))
            ack(blocks=pages[0], text=f"「{echo(rest)}」の検索結果")
            for page in pages[1:]:
                ctx.defer(
                    respond,
                    {"blocks": page, "text": "検索結果（続き）", "response_type": "ephemeral"},
                )
        elif sub == "level":
            parts = rest.rsplit(maxsplit=1)
            specialty = resolve_specialty(ctx, parts[0]) if len(parts) == 2 else None
            level = _level(parts[1]) if len(parts) == 2 else None
            if has_foreign_digits(command.get("text") or ""):  # NFKC made 𝟒 a 4; int() reads ٤
                level = None
            if specialty is None or level is None:
                ack(text=USAGE_LEVEL)
                return
            ack(blocks=level_blocks(ctx.framework, specialty, level), text=f"レベル {level}")
        elif sub == "status":
            try:
                session = ctx.store.load(key)
                latest = sorted(
                    ctx.store.latest(key).values(), key=lambda r: r.completed_at, reverse=True
                )
            except StoreUnavailableError:
                ack(text=UNAVAILABLE)
                return
            ack(blocks=status_blocks(session, latest, ctx.framework), text="あなたの ITSS 診断")
        elif sub == "forget":
            ack(blocks=forget_confirm(), text="保存データの削除")
        elif sub == "team":
            ack(text="チームの診断状況を集計しています…")
            ctx.defer(send_team_summary, ctx, key, rest, respond, enterprise, notify=key)
        elif sub == "roster":
            ack(text="名簿を処理しています…")
            ctx.defer(roster_command, ctx, key, rest, respond, enterprise, notify=key)
        else:
            ack(
                text=f"「{echo(sub)}」というサブコマンドはありません。`/itss help` で使い方を確認できます。"
            )

    @app.action(ids.FORGET)
    def forget(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        key = PersonKey(team=body["team"]["id"], user=body["user"]["id"])

        def run() -> None:
            ctx.store.forget(key)
            respond(
                replace_original=True,
                text="あなたに関する保存データをすべて削除しました。",
                blocks=[section("あなたに関する保存データをすべて削除しました。")],
            )

        ctx.defer(run, notify=key)

    @app.action(ids.TEAM)
    def team_clicked(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        key = PersonKey(team=body["team"]["id"], user=body["user"]["id"])
        enterprise = (body.get("enterprise") or {}).get("id")
        ctx.defer(send_team_summary, ctx, key, "", None, enterprise, notify=key)
