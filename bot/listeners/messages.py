"""Messages in the bot's DM: registration only; bot/dm_help.py decides and answers."""

from __future__ import annotations

import functools
from typing import Any

from slack_bolt import App, BoltContext

from bot.context import BotContext
from bot.dm_help import answer_typed_message


def dm_message(ctx: BotContext, event: dict[str, Any], context: BoltContext) -> None:
    answer_typed_message(ctx, event, context.bot_user_id)


def register(app: App, ctx: BotContext) -> None:
    # Every `message` event lands here, edits and the bot's own posts included, so that
    # each is acknowledged (an unhandled event gets 404 and Slack retries it).
    app.event("message")(functools.partial(dm_message, ctx))
