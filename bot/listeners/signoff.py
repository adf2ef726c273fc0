"""Sign-off clicks and modals: registration only. Each callback acks and hands the work to
bot/signoff.py; a modal submission is decided before its ack, which carries the errors or
the next step (Slack shows them in the modal)."""

from __future__ import annotations

import functools
from typing import Any

from slack_bolt import Ack, App

from bot import ids
from bot.context import BotContext
from bot.signoff import (
    ReviewClick,
    approve,
    confirm_modify,
    open_modal,
    reopen,
    submit_modify,
    submit_return,
)


def approve_clicked(ctx: BotContext, ack: Ack, body: dict[str, Any]) -> None:
    ack()
    click = ReviewClick.parse(body)
    ctx.defer(approve, ctx, click, notify=click.actor)


def return_clicked(ctx: BotContext, ack: Ack, body: dict[str, Any]) -> None:
    ack()
    click = ReviewClick.parse(body)
    ctx.defer(open_modal, ctx, click, "return", notify=click.actor)


def modify_clicked(ctx: BotContext, ack: Ack, body: dict[str, Any]) -> None:
    ack()
    click = ReviewClick.parse(body)
    ctx.defer(open_modal, ctx, click, "modify", notify=click.actor)


def reopen_clicked(ctx: BotContext, ack: Ack, body: dict[str, Any]) -> None:
    ack()
    click = ReviewClick.parse(body)
    ctx.defer(reopen, ctx, click, notify=click.actor)


def return_submitted(ctx: BotContext, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
    ack(**submit_return(ctx, body, view))


def modify_submitted(ctx: BotContext, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
    ack(**submit_modify(ctx, body, view))


def modify_confirmed(ctx: BotContext, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
    ack(**confirm_modify(ctx, body, view))


def register(app: App, ctx: BotContext) -> None:
    # Bolt injects listener arguments by name; `ctx` is bound first, positionally.
    app.action(ids.REVIEW_APPROVE)(functools.partial(approve_clicked, ctx))
    app.action(ids.REVIEW_RETURN)(functools.partial(return_clicked, ctx))
    app.action(ids.REVIEW_MODIFY)(functools.partial(modify_clicked, ctx))
    app.action(ids.REVIEW_REOPEN)(functools.partial(reopen_clicked, ctx))
    app.view(ids.RETURN_MODAL)(functools.partial(return_submitted, ctx))
    app.view(ids.MODIFY_MODAL)(functools.partial(modify_submitted, ctx))
    app.view(ids.MODIFY_CONFIRM_MODAL)(functools.partial(modify_confirmed, ctx))
