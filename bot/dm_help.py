"""Text typed into the bot's DM. The interview is answered with the buttons and inputs of its
messages, not with text, so a typed message gets a short help back instead of silence."""

from __future__ import annotations

from typing import Any

from bot.context import BotContext
from flows.i18n import t


def is_typed_message(event: dict[str, Any], bot_user_id: str | None) -> bool:
    """A person's new message in their DM with the bot: not an edit, a deletion or another
    subtype (bot_message, file_share, …), and not a bot's, this bot's own replies included."""
    user = event.get("user")
    return (
        event.get("channel_type") == "im"
        and not event.get("subtype")
        and not event.get("bot_id")
        and isinstance(user, str)
        and bool(user)
        and user != bot_user_id
    )


def answer_typed_message(ctx: BotContext, event: dict[str, Any], bot_user_id: str | None) -> None:
    """Answer a typed DM with a short help after the ack; anything else in a DM is left alone."""
    if is_typed_message(event, bot_user_id):
        ctx.defer(send_dm_help, ctx, event["user"])


def send_dm_help(ctx: BotContext, user: str) -> None:
    ctx.dm(user, text=t("dm_help.text"))  # a refusal or a timeout is logged there
