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
from bot.context import BotContext, unavailable
from bot.history import history_command
from bot.home import refresh_homes
from bot.interview import start_in_dm
from bot.roster import roster_command
from bot.team import send_team_summary
from flows.i18n import current, of, t, t_of, using
from flows.session import PersonKey
from flows.storage.base import StoreUnavailableError
from flows.text import has_foreign_digits


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
        return Reply(t("commands.unknown", sub=echo(cmd.sub)))
    return subcommand(ctx, cmd)


def show_help(ctx: BotContext, cmd: Invocation) -> Reply:
    return Reply(t("help.title"), help_blocks())


def start(ctx: BotContext, cmd: Invocation) -> Reply:
    specialty = ctx.framework.resolve_specialty(cmd.rest) if cmd.rest else None
    if cmd.rest and specialty is None:
        return Reply(t("commands.unknown_specialty", typed=echo(cmd.rest)))
    ctx.defer(start_in_dm, ctx, cmd.key, specialty, notify=cmd.key)
    return Reply(t("commands.start"))


def skill(ctx: BotContext, cmd: Invocation) -> Reply:
    if not cmd.rest:
        return Reply(t("commands.skill_usage"))
    first, *more = lookup_blocks(cmd.rest, ctx.index.lookup(cmd.rest, limit=8))
    for page in more:
        ctx.defer(
            cmd.respond,
            {"blocks": page, "text": t("commands.skill_more"), "response_type": "ephemeral"},
        )
    return Reply(t("commands.skill_title", query=echo(cmd.rest)), first)


def _level(text: str) -> int | None:
    """「4」, 「４」, 「レベル4」, 「Lv.4」 (after NFKC; the caller refuses 「٤」 and 「𝟒」)."""
    token = unicodedata.normalize("NFKC", text).strip().casefold()
    for prefix in ("レベル", "level", "lv.", "lv", "l"):  # i18n: input
        if token.startswith(prefix):
            token = token[len(prefix) :].strip()
            break
    return int(token) if token.isascii() and token.isdecimal() and len(token) <= 2 else None


def level(ctx: BotContext, cmd: Invocation) -> Reply:
    parts = cmd.rest.rsplit(maxsplit=1)
    if len(parts) != 2 or has_foreign_digits(cmd.typed):  # NFKC made 𝟒 a 4; int() reads ٤
        return Reply(t("commands.level_usage"))
    specialty, number = ctx.framework.resolve_specialty(parts[0]), _level(parts[1])
    if specialty is None or number is None:
        return Reply(t("commands.level_usage"))
    return Reply(
        t("commands.level_title", level=number), level_blocks(ctx.framework, specialty, number)
    )


def status(ctx: BotContext, cmd: Invocation) -> Reply:
    try:
        session = ctx.store.load(cmd.key)
        latest = sorted(
            ctx.store.latest(cmd.key).values(), key=lambda r: r.completed_at, reverse=True
        )
    except StoreUnavailableError:
        return Reply(unavailable())
    return Reply(t("commands.status_title"), status_blocks(session, latest, ctx.framework))


def forget(ctx: BotContext, cmd: Invocation) -> Reply:
    return Reply(t("commands.forget_title"), forget_confirm())


def team(ctx: BotContext, cmd: Invocation) -> Reply:
    ctx.defer(
        send_team_summary, ctx, cmd.key, cmd.rest, cmd.respond, cmd.enterprise, notify=cmd.key
    )
    return Reply(t("commands.team_working"))


def roster(ctx: BotContext, cmd: Invocation) -> Reply:
    ctx.defer(roster_command, ctx, cmd.key, cmd.rest, cmd.respond, cmd.enterprise, notify=cmd.key)
    return Reply(t("commands.roster_working"))


def audit(ctx: BotContext, cmd: Invocation) -> Reply:
    ctx.defer(audit_command, ctx, cmd.key, cmd.rest, cmd.respond, cmd.enterprise, notify=cmd.key)
    return Reply(t("commands.audit_working"))


def history(ctx: BotContext, cmd: Invocation) -> Reply:
    ctx.defer(history_command, ctx, cmd.key, cmd.rest, cmd.respond, cmd.enterprise, notify=cmd.key)
    return Reply(t("commands.history_working"))


def campaign(ctx: BotContext, cmd: Invocation) -> Reply:
    ctx.defer(campaign_command, ctx, cmd.key, cmd.rest, cmd.respond, cmd.enterprise, notify=cmd.key)
    return Reply(t("commands.campaign_working"))


AUTO = frozenset({"auto", "slack", "reset", "default", "自動"})  # i18n: input


def lang(ctx: BotContext, cmd: Invocation) -> Reply:
    """`/itss lang en|ja|auto`: the person's language from now on, said in that language."""
    wanted = cmd.rest.casefold()
    chosen = of(wanted)
    if not wanted or (chosen is None and wanted not in AUTO):
        return Reply(t("lang.usage", current=t_of("lang.name", current())))
    try:
        ctx.locales.chose(cmd.key, chosen)
        now = ctx.locales.of(cmd.key)
    except StoreUnavailableError:
        return Reply(unavailable())
    with using(now):  # the reply, and the App Home if it is open, in the language chosen
        ctx.defer(refresh_homes, ctx, cmd.key.team, cmd.key.user)
        name = t_of("lang.name", now)
        return Reply(t("lang.set", language=name) if chosen else t("lang.auto", language=name))


SUBCOMMANDS: dict[str, Callable[[BotContext, Invocation], Reply]] = {
    "": show_help,
    "help": show_help,
    "ヘルプ": show_help,  # i18n: input
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
    # issue 13: each person's language
    "lang": lang,
    "language": lang,
    "言語": lang,  # i18n: input
}


def forget_data(ctx: BotContext, key: PersonKey, respond: Callable[..., Any]) -> None:
    """Delete everything stored about `key` and replace the confirmation with the outcome."""
    ctx.service.forget(key)  # audited there: that it happened, not what
    done = t("commands.forget_done")
    respond(replace_original=True, text=done, blocks=[section(done)])
