"""App Home: registration only; bot/home.py renders and publishes."""

from __future__ import annotations

import functools
from typing import Any

from slack_bolt import App

from bot.context import BotContext
from bot.home import publish_home
from flows.session import PersonKey


def home_opened(ctx: BotContext, event: dict[str, Any], body: dict[str, Any]) -> None:
    if event.get("tab", "home") != "home":
        return
    key = PersonKey(team=body["team_id"], user=event["user"])
    ctx.defer(publish_home, ctx, key, body.get("enterprise_id") or None)


def register(app: App, ctx: BotContext) -> None:
    # Bolt injects listener arguments by name; `ctx` is bound first, positionally.
    app.event("app_home_opened")(functools.partial(home_opened, ctx))
