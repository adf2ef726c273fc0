"""App Home: a person's status, start or resume, latest results, the team entry point."""

from __future__ import annotations

from bot.blocks.home import home_view
from bot.context import BotContext, log
from flows.session import PersonKey


def publish_home(ctx: BotContext, key: PersonKey, enterprise: str | None = None) -> None:
    """Render `key`'s App Home from the store and publish it (views.publish). The campaign
    button is for those who may start one: managers with reports, admins of the workspace."""
    session = ctx.store.load(key)
    latest = sorted(ctx.store.latest(key).values(), key=lambda r: r.completed_at, reverse=True)
    is_manager = bool(ctx.reports_of(key.team, key.user))
    try:
        may_start = is_manager or ctx.is_admin(key.user, key.team, enterprise)
    except OSError as exc:  # users.info timed out: App Home without the admin's button
        log.warning("admin check for App Home failed: %s", exc)
        may_start = False
    view = home_view(
        session, latest, ctx.framework, is_manager=is_manager, may_start_campaign=may_start
    )
    ctx.client.views_publish(user_id=key.user, view=view)
