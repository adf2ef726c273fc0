"""The interview in the DM: a click parsed into values → flows → render → chat.postMessage /
chat.update. bot/listeners/interview.py registers the callbacks that call these.

What must arrive goes first and does not depend on what may fail: the result deliveries
(the outbox, bot/delivery.py), then the next question, and only then the edit of the answered
message, whose failure is logged and changes nothing else.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError

from bot import ids
from bot.blocks.interview import answered, screen
from bot.blocks.note import note_modal
from bot.context import BotContext
from bot.home import refresh_after_submission
from flows.explain import level_name
from flows.i18n import t, tn
from flows.interview import Command
from flows.session import PersonKey, Phase

MOVES = {ids.BACK: "back", ids.PAUSE: "pause", ids.RESTART: "restart", ids.CONFIRM: "confirm"}

log = logging.getLogger("itss.bot")


def person(body: dict[str, Any]) -> PersonKey:
    team = (body.get("team") or {}).get("id") or body["user"].get("team_id", "T")
    return PersonKey(team=team, user=body["user"]["id"])


@dataclass(frozen=True)
class Click:
    """A click on an interview message: who, where, and the reference its element carried."""

    key: PersonKey
    channel: str
    ts: str
    ref: ids.Ref | None  # None: not a reference of ours (an old or foreign button)
    value: str  # what a number input held
    checked: tuple[str, ...]  # the options ticked on a set question
    trigger_id: str

    @classmethod
    def parse(cls, body: dict[str, Any]) -> Click:
        action = body["actions"][0]
        container = body.get("container") or {}
        # Number inputs carry their reference in the block id (`number:<ref>`), their value is
        # what was typed; buttons carry it in their value.
        block_id: str = action.get("block_id") or ""
        if action.get("action_id") == ids.NUMBER:
            carrier = block_id.split(":", 1)[1] if block_id.startswith("number:") else ""
        else:
            carrier = action.get("value")
        values = ((body.get("state") or {}).get("values") or {}).get("set") or {}
        selected = (values.get(ids.SET_CHECKS) or {}).get("selected_options") or []
        return cls(
            key=person(body),
            channel=container.get("channel_id", ""),
            ts=container.get("message_ts", ""),
            ref=ids.Ref.decode(carrier),
            value=(action.get("value") or "") if action.get("action_id") == ids.NUMBER else "",
            checked=tuple(str(o.get("value")) for o in selected),
            trigger_id=body.get("trigger_id", ""),
        )

    @property
    def arg(self) -> str | None:
        return self.ref.arg if self.ref is not None else None


def command(action: str, ref: ids.Ref, **kw: Any) -> Command:
    return Command.model_validate(
        {"action": action, "interview": ref.interview, "step": ref.step, **kw}
    )


def apply_later(ctx: BotContext, click: Click, action: str, **kw: Any) -> None:
    """After the ack: apply `action` to the interview the click's reference names."""
    if click.ref is None:
        ctx.defer(note_stale, ctx, click, notify=click.key)
        return
    ctx.defer(act, ctx, click, command(action, click.ref, **kw), notify=click.key)


def start_in_dm(ctx: BotContext, key: PersonKey, specialty: str | None) -> None:
    started = ctx.service.start(key, specialty)
    if started.outcome.status == "stale":
        return  # a concurrent start (a double click) won and shows the screen
    channel = ctx.dm_channel(key.user)
    if started.resumed:
        n = len(started.outcome.session.answers)
        ctx.client.chat_postMessage(channel=channel, text=tn("interview.resuming", n))
    outcome = started.outcome
    text, blocks = screen(ctx.service.interview, outcome.session, outcome.message, outcome.view)
    ctx.client.chat_postMessage(channel=channel, text=text, blocks=blocks)


def note_stale(ctx: BotContext, click: Click, message: str = "") -> None:
    """Tell the clicker, and only them, why the click changed nothing (by default: an old
    button)."""
    if click.channel:
        text = message or t("interview.stale_button")
        ctx.client.chat_postEphemeral(channel=click.channel, user=click.key.user, text=text)


def act(ctx: BotContext, click: Click, cmd: Command) -> None:
    """Apply a click; the clicked message shows the recorded answer, the next screen follows.

    Answers (and the specialty choice) turn the clicked message into a record of the answer and
    post the next screen below it; other moves (back, edit, pause, …) redraw it in place."""
    outcome = ctx.service.act(click.key, cmd)
    channel, ts = click.channel, click.ts
    interview = ctx.service.interview
    if outcome.status == "stale":
        note_stale(ctx, click, outcome.message)
        return
    if outcome.status == "invalid":
        text, blocks = screen(interview, outcome.session, outcome.message, outcome.view)
        ctx.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
        return
    after = outcome.session
    if outcome.record is not None:
        ctx.courier.send_now(after.key, outcome.deliveries, outcome.record)
        record = outcome.record
        name = interview.framework.specialty(record.specialty).name
        shown = f"{name} {level_name(record.verdict.level)}"
        blocks = answered(len(after.asked), t("interview.submitted"), shown)
        _edit(ctx, channel, ts, shown, blocks)
        refresh_after_submission(ctx, after.key)  # after what the person sees, best effort
        return
    text, blocks = screen(interview, after, view=outcome.view)
    recorded = outcome.recorded  # an answer, a skip or the specialty choice
    if recorded is not None:
        if not _post(ctx, channel, text, blocks) and not _edit(ctx, channel, ts, text, blocks):
            ctx.dm(after.user, text=t("interview.not_shown"))  # stored; /itss start resumes
            return
        shown = recorded.shown
        _edit(ctx, channel, ts, shown, answered(recorded.number, recorded.label, shown))
        return
    _edit(ctx, channel, ts, text, blocks)


def _post(ctx: BotContext, channel: str, text: str, blocks: list[Any]) -> bool:
    try:
        ctx.client.chat_postMessage(channel=channel, text=text, blocks=blocks)
    except (SlackApiError, OSError) as exc:
        log.warning("posting the next screen in %s failed: %s", channel, exc)
        return False
    return True


def _edit(ctx: BotContext, channel: str, ts: str, text: str, blocks: list[Any]) -> bool:
    """Edit a message of the interview; a failure is logged and blocks nothing."""
    try:
        ctx.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except (SlackApiError, OSError) as exc:
        log.warning("editing %s/%s failed: %s", channel, ts, exc)
        return False
    return True


def open_note(ctx: BotContext, click: Click) -> None:
    session = ctx.service.current(click.key)
    ref = click.ref
    if (
        session is None
        or session.state is not Phase.REVIEWING
        or ref is None
        or ref.step != session.step
    ):
        note_stale(ctx, click)
        return
    ctx.client.views_open(trigger_id=click.trigger_id, view=note_modal(session, ctx.framework))


def note_and_show(ctx: BotContext, key: PersonKey, cmd: Command) -> None:
    outcome = ctx.service.act(key, cmd)
    error = "" if outcome.applied else outcome.message
    text, blocks = screen(ctx.service.interview, outcome.session, error, outcome.view)
    ctx.client.chat_postMessage(channel=ctx.dm_channel(key.user), text=text, blocks=blocks)
