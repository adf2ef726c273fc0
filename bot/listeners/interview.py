"""Interview clicks in the DM: registration only. Each callback acks, parses the click into
values (bot/interview.py: Click) and hands the work to bot/interview.py after the ack."""

from __future__ import annotations

import functools
from typing import Any

from slack_bolt import Ack, App

from bot import ids
from bot.context import BotContext
from bot.interview import (
    MOVES,
    Click,
    apply_later,
    command,
    note_and_show,
    open_note,
    person,
    start_in_dm,
)
from flows.i18n import t


def answer_clicked(ctx: BotContext, ack: Ack, body: dict[str, Any]) -> None:
    ack()
    click = Click.parse(body)
    apply_later(ctx, click, "answer", value=click.arg)


def specialty_chosen(ctx: BotContext, ack: Ack, body: dict[str, Any]) -> None:
    ack()
    click = Click.parse(body)
    apply_later(ctx, click, "choose", specialty=click.arg)


def set_submitted(ctx: BotContext, ack: Ack, body: dict[str, Any]) -> None:
    ack()
    click = Click.parse(body)
    apply_later(ctx, click, "answer", fact=click.arg, value=list(click.checked))


def number_entered(ctx: BotContext, ack: Ack, body: dict[str, Any]) -> None:
    ack()
    click = Click.parse(body)
    apply_later(ctx, click, "answer", fact=click.arg, value=click.value)


def skip_clicked(ctx: BotContext, ack: Ack, body: dict[str, Any]) -> None:
    ack()
    click = Click.parse(body)
    apply_later(ctx, click, "skip", fact=click.arg)


def edit_clicked(ctx: BotContext, ack: Ack, body: dict[str, Any]) -> None:
    ack()
    click = Click.parse(body)
    apply_later(ctx, click, "edit", fact=click.arg)


def moved(ctx: BotContext, ack: Ack, body: dict[str, Any]) -> None:
    """戻る, 中断, 最初から, この内容で確定: the action id names the move."""
    ack()
    apply_later(ctx, Click.parse(body), MOVES[body["actions"][0]["action_id"]])


def checks_toggled(ack: Ack) -> None:
    ack()  # the choice is read from the message state when 決定 is pressed


def start_clicked(ctx: BotContext, ack: Ack, body: dict[str, Any]) -> None:
    ack()
    key = person(body)
    ctx.defer(start_in_dm, ctx, key, None, notify=key)


def note_clicked(ctx: BotContext, ack: Ack, body: dict[str, Any]) -> None:
    ack()
    click = Click.parse(body)
    ctx.defer(open_note, ctx, click, notify=click.key)


def note_saved(ctx: BotContext, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
    values = view["state"]["values"]
    text = values[ids.NOTE_BLOCK]["text"].get("value") or ""
    if len(text) > 1000:
        ack(response_action="errors", errors={ids.NOTE_BLOCK: t("note.too_long")})
        return
    ack()
    ref = ids.Ref.decode(view.get("private_metadata"))
    selected = values[ids.NOTE_DIMENSION_BLOCK]["dimension"].get("selected_option") or {}
    key = person(body)
    if ref is None:
        return
    cmd = command("note", ref, dimension=selected.get("value"), text=text)
    ctx.defer(note_and_show, ctx, key, cmd, notify=key)


def register(app: App, ctx: BotContext) -> None:
    # Bolt injects listener arguments by name; `ctx` is bound first, positionally.
    app.action(ids.ANSWER_PATTERN)(functools.partial(answer_clicked, ctx))
    app.action(ids.CHOOSE_PATTERN)(functools.partial(specialty_chosen, ctx))
    app.action(ids.SET_SUBMIT)(functools.partial(set_submitted, ctx))
    app.action(ids.NUMBER)(functools.partial(number_entered, ctx))
    app.action(ids.SKIP)(functools.partial(skip_clicked, ctx))
    app.action(ids.EDIT_PATTERN)(functools.partial(edit_clicked, ctx))
    app.action(ids.BACK)(functools.partial(moved, ctx))
    app.action(ids.PAUSE)(functools.partial(moved, ctx))
    app.action(ids.RESTART)(functools.partial(moved, ctx))
    app.action(ids.CONFIRM)(functools.partial(moved, ctx))
    app.action(ids.SET_CHECKS)(checks_toggled)
    app.action(ids.RESUME)(functools.partial(start_clicked, ctx))
    app.action(ids.START)(functools.partial(start_clicked, ctx))
    app.action(ids.NOTE)(functools.partial(note_clicked, ctx))
    app.view(ids.NOTE_MODAL)(functools.partial(note_saved, ctx))
