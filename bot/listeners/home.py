"""App Home: registration only; bot/home.py renders and publishes."""

from __future__ import annotations

import functools
from typing import Any

from slack_bolt import Ack, App

from bot import ids
from bot.context import BotContext
from bot.home import publish_home
from flows.session import PersonKey


def home_opened(ctx: BotContext, event: dict[str, Any], body: dict[str, Any]) -> None:
    if event.get("tab", "home") != "home":
        return
    key = PersonKey(team=body["team_id"], user=event["user"])
    ctx.defer(publish_home, ctx, key, body.get("enterprise_id") or None)


def page_clicked(ctx: BotContext, ack: Ack, body: dict[str, Any]) -> None:
    ack()
    key = PersonKey(team=body["team"]["id"], user=body["user"]["id"])
    value = str((body.get("actions") or [{}])[0].get("value") or "0")
    page = int(value) if value.isdigit() and len(value) < 4 else 0
    ctx.defer(publish_home, ctx, key, (body.get("enterprise") or {}).get("id"), page, notify=key)


def register(app: App, ctx: BotContext) -> None:
    # Bolt injects listener arguments by name; `ctx` is bound first, positionally.
    app.event("app_home_opened")(functools.partial(home_opened, ctx))
    app.action(ids.HOME_PAGE_PATTERN)(functools.partial(page_clicked, ctx))
