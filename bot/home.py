"""App Home: a person's status, start or resume, latest results, the team entry point."""

from __future__ import annotations

from bot.blocks.home import home_view
from bot.context import BotContext
from flows.session import PersonKey


def publish_home(ctx: BotContext, key: PersonKey) -> None:
    """Render `key`'s App Home from the store and publish it (views.publish)."""
    session = ctx.store.load(key)
    latest = sorted(ctx.store.latest(key).values(), key=lambda r: r.completed_at, reverse=True)
    is_manager = bool(ctx.reports_of(key.team, key.user))
    ctx.client.views_publish(
        user_id=key.user, view=home_view(session, latest, ctx.framework, is_manager=is_manager)
    )
