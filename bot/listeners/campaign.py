"""The start button of a campaign invitation or reminder: registration only. The click
starts (or resumes) the interview in the DM, with the specialty the invitation preset."""

from __future__ import annotations

import functools
from typing import Any

from slack_bolt import Ack, App

from bot import ids
from bot.context import BotContext
from bot.interview import person, start_in_dm


def campaign_start_clicked(ctx: BotContext, ack: Ack, body: dict[str, Any]) -> None:
    ack()
    key = person(body)
    value = str((body.get("actions") or [{}])[0].get("value") or "")
    specialty = value.partition("|")[2]
    preset = ctx.framework.resolve_specialty(specialty) if specialty else None
    ctx.defer(start_in_dm, ctx, key, preset, notify=key)


def register(app: App, ctx: BotContext) -> None:
    # Bolt injects listener arguments by name; `ctx` is bound first, positionally.
    app.action(ids.CAMPAIGN_START)(functools.partial(campaign_start_clicked, ctx))
