"""`/itss` and the buttons it leads to: registration only. bot/commands.py holds the
subcommands; each acks within the request and hands slow work to after the ack."""

from __future__ import annotations

import functools
from typing import Any

from slack_bolt import Ack, App, Respond

from bot import ids
from bot.commands import Invocation, forget_data, run
from bot.context import BotContext
from bot.team import send_team_summary
from flows.session import PersonKey


def itss(ctx: BotContext, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
    reply = run(ctx, Invocation.parse(command, respond))
    ack(text=reply.text, blocks=reply.blocks)


def forget_clicked(ctx: BotContext, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    ack()
    key = PersonKey(team=body["team"]["id"], user=body["user"]["id"])
    ctx.defer(forget_data, ctx, key, respond, notify=key)


def team_clicked(ctx: BotContext, ack: Ack, body: dict[str, Any]) -> None:
    ack()
    key = PersonKey(team=body["team"]["id"], user=body["user"]["id"])
    enterprise = (body.get("enterprise") or {}).get("id")
    ctx.defer(send_team_summary, ctx, key, "", None, enterprise, notify=key)


def register(app: App, ctx: BotContext) -> None:
    # Bolt injects listener arguments by name; `ctx` is bound first, positionally.
    app.command("/itss")(functools.partial(itss, ctx))
    app.action(ids.FORGET)(functools.partial(forget_clicked, ctx))
    app.action(ids.TEAM)(functools.partial(team_clicked, ctx))
