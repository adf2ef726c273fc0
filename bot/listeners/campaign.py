"""Campaign clicks: registration only. The invitation's start button starts (or resumes)
the interview in the DM, with the specialty the invitation preset; App Home's
「キャンペーンを開始」 opens the modal, whose submission bot/campaign_modal.py checks."""

from __future__ import annotations

import functools
from typing import Any

from slack_bolt import Ack, App

from bot import ids
from bot.campaign_modal import Form, check, open_modal, start_and_tell
from bot.context import BotContext, log, unavailable
from bot.interview import person, start_in_dm
from bot.people import enterprise_of
from flows.storage.base import StoreUnavailableError


def campaign_start_clicked(ctx: BotContext, ack: Ack, body: dict[str, Any]) -> None:
    ack()
    key = person(body)
    value = str((body.get("actions") or [{}])[0].get("value") or "")
    specialty = value.partition("|")[2]
    preset = ctx.framework.resolve_specialty(specialty) if specialty else None
    ctx.defer(start_in_dm, ctx, key, preset, notify=key)


def campaign_open_clicked(ctx: BotContext, ack: Ack, body: dict[str, Any]) -> None:
    ack()
    key = person(body)
    trigger = str(body.get("trigger_id") or "")
    ctx.defer(open_modal, ctx, key, trigger, enterprise_of(body), notify=key)


def campaign_submitted(
    ctx: BotContext, ack: Ack, body: dict[str, Any], view: dict[str, Any]
) -> None:
    """Checked before the ack, so the errors show in the modal; started after it."""
    key = person(body)
    try:
        outcome = check(ctx, key, Form.parse(view["state"]["values"]), enterprise_of(body))
    except StoreUnavailableError as exc:  # shown in the modal, which stays open
        log.warning("store unavailable: %s", exc)
        outcome = {ids.CAMPAIGN_NAME_BLOCK: unavailable()}
    if isinstance(outcome, dict):
        ack(response_action="errors", errors=outcome)
        return
    ack()
    ctx.defer(start_and_tell, ctx, *outcome, notify=key)


def register(app: App, ctx: BotContext) -> None:
    # Bolt injects listener arguments by name; `ctx` is bound first, positionally.
    app.action(ids.CAMPAIGN_START)(functools.partial(campaign_start_clicked, ctx))
    app.action(ids.CAMPAIGN_OPEN)(functools.partial(campaign_open_clicked, ctx))
    app.view(ids.CAMPAIGN_MODAL)(functools.partial(campaign_submitted, ctx))
