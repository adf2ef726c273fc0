"""App Home: status, start/resume, latest results, the team entry point for managers."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.blocks.results import home_view
from bot.context import BotContext
from flows.session import PersonKey


def publish_home(ctx: BotContext, key: PersonKey) -> None:
    session = ctx.store.load(key)
    latest = sorted(ctx.store.latest(key).values(), key=lambda r: r.completed_at, reverse=True)
    is_manager = bool(ctx.reports_of(key.team, key.user))
    ctx.client.views_publish(
        user_id=key.user, view=home_view(session, latest, ctx.framework, is_manager=is_manager)
    )


def register(app: App, ctx: BotContext) -> None:
    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home":
            return
        key = PersonKey(team=body["team_id"], user=event["user"])
        ctx.defer(publish_home, ctx, key)

    @app.event("message")
    def ignore_messages() -> None:
        """DM text is not an answer channel; the buttons and inputs are."""
