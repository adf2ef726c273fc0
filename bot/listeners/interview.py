"""Interview clicks in the DM: parse → flows → render → chat.postMessage / chat.update.

What must arrive goes first and does not depend on what may fail: the result deliveries
(the outbox, bot/delivery.py), then the next question, and only then the edit of the answered
message, whose failure is logged and changes nothing else.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.blocks.interview import answered, screen
from bot.blocks.results import note_modal
from bot.context import BotContext
from flows.interview import Command
from flows.session import PersonKey, Phase

STALE_NOTE = "このボタンは古いメッセージのものです。最新のメッセージから続けてください。"
NOT_SHOWN = (
    ":warning: 回答は保存しましたが、次の質問を表示できませんでした。"
    "`/itss start` で続きから再開できます。"
)

log = logging.getLogger("itss.bot")


def _key(body: dict[str, Any]) -> PersonKey:
    team = (body.get("team") or {}).get("id") or body["user"].get("team_id", "T")
    return PersonKey(team=team, user=body["user"]["id"])


def _where(body: dict[str, Any]) -> tuple[str, str]:
    container = body.get("container") or {}
    return container.get("channel_id", ""), container.get("message_ts", "")


def start_in_dm(ctx: BotContext, key: PersonKey, specialty: str | None) -> None:
    started = ctx.service.start(key, specialty)
    if started.outcome.status == "stale":
        return  # a concurrent start (a double click) won and shows the screen
    channel = ctx.dm_channel(key.user)
    if started.resumed:
        n = len(started.outcome.session.answers)
        ctx.client.chat_postMessage(
            channel=channel, text=f"中断していたインタビューを再開します（{n} 件回答済み）。"
        )
    outcome = started.outcome
    text, blocks = screen(ctx.service.interview, outcome.session, outcome.message, outcome.view)
    ctx.client.chat_postMessage(channel=channel, text=text, blocks=blocks)


def _note_stale(ctx: BotContext, body: dict[str, Any], message: str) -> None:
    channel, _ = _where(body)
    if channel:
        ctx.client.chat_postEphemeral(
            channel=channel, user=body["user"]["id"], text=message or STALE_NOTE
        )


def act(ctx: BotContext, body: dict[str, Any], cmd: Command) -> None:
    """Apply a click; the clicked message shows the recorded answer, the next screen follows.

    Answers (and the specialty choice) turn the clicked message into a record of the answer and
    post the next screen below it; other moves (back, edit, pause, …) redraw it in place."""
    outcome = ctx.service.act(_key(body), cmd)
    channel, ts = _where(body)
    interview = ctx.service.interview
    if outcome.status == "stale":
        _note_stale(ctx, body, outcome.message)
        return
    if outcome.status == "invalid":
        text, blocks = screen(interview, outcome.session, outcome.message, outcome.view)
        ctx.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
        return
    after = outcome.session
    if outcome.record is not None:
        ctx.courier.send_now(after.key, outcome.deliveries, outcome.record)
        result = outcome.record.result
        shown = f"{result.specialty_name} レベル {result.level}"
        blocks = answered(len(after.asked), "回答を確定しました", shown)
        _edit(ctx, channel, ts, shown, blocks)
        return
    text, blocks = screen(interview, after, view=outcome.view)
    recorded = outcome.recorded  # an answer, a skip or the specialty choice
    if recorded is not None:
        if not _post(ctx, channel, text, blocks) and not _edit(ctx, channel, ts, text, blocks):
            ctx.dm(after.user, text=NOT_SHOWN)  # stored all the same; /itss start resumes
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


def _command(action: str, ref: ids.Ref, **kw: Any) -> Command:
    return Command.model_validate(
        {"action": action, "interview": ref.interview, "step": ref.step, **kw}
    )


def register(app: App, ctx: BotContext) -> None:
    def clicked(body: dict[str, Any], make: Any) -> None:
        action = body["actions"][0]
        # Number inputs carry their reference in the block id; their value is what was typed.
        carrier = (
            _block_ref(action) if action.get("action_id") == ids.NUMBER else action.get("value")
        )
        ref = ids.Ref.decode(carrier)
        key = _key(body)
        if ref is None:
            ctx.defer(_note_stale, ctx, body, STALE_NOTE, notify=key)
            return
        ctx.defer(act, ctx, body, make(ref, action, body), notify=key)

    def on(action_id: Any, make: Any) -> None:
        @app.action(action_id)
        def handler(ack: Ack, body: dict[str, Any]) -> None:
            ack()
            clicked(body, make)

    on(ids.ANSWER_PATTERN, lambda ref, a, b: _command("answer", ref, value=ref.arg))
    on(ids.CHOOSE_PATTERN, lambda ref, a, b: _command("choose", ref, specialty=ref.arg))
    on(ids.SET_SUBMIT, lambda ref, a, b: _command("answer", ref, fact=ref.arg, value=_checked(b)))
    on(
        ids.NUMBER,
        lambda ref, a, b: _command("answer", ref, fact=ref.arg, value=a.get("value") or ""),
    )
    on(ids.SKIP, lambda ref, a, b: _command("skip", ref, fact=ref.arg))
    on(ids.EDIT_PATTERN, lambda ref, a, b: _command("edit", ref, fact=ref.arg))
    for action_id, name in (
        (ids.BACK, "back"),
        (ids.PAUSE, "pause"),
        (ids.RESTART, "restart"),
        (ids.CONFIRM, "confirm"),
    ):
        on(action_id, lambda ref, a, b, name=name: _command(name, ref))

    @app.action(ids.SET_CHECKS)
    def toggled(ack: Ack) -> None:
        ack()  # the choice is read from the message state when 決定 is pressed

    @app.action(ids.RESUME)
    @app.action(ids.START)
    def start_clicked(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        key = _key(body)
        ctx.defer(start_in_dm, ctx, key, None, notify=key)

    @app.action(ids.NOTE)
    def note_clicked(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        ctx.defer(_open_note, ctx, body, notify=_key(body))

    @app.view(ids.NOTE_MODAL)
    def note_saved(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values = view["state"]["values"]
        text = values[ids.NOTE_BLOCK]["text"].get("value") or ""
        if len(text) > 1000:
            ack(
                response_action="errors",
                errors={ids.NOTE_BLOCK: "1000文字以内で入力してください。"},
            )
            return
        ack()
        ref = ids.Ref.decode(view.get("private_metadata"))
        selected = values[ids.NOTE_DIMENSION_BLOCK]["dimension"].get("selected_option") or {}
        key = _key(body)
        if ref is None:
            return
        cmd = _command("note", ref, dimension=selected.get("value"), text=text)
        ctx.defer(_note_and_show, ctx, key, cmd, notify=key)


def _open_note(ctx: BotContext, body: dict[str, Any]) -> None:
    session = ctx.service.current(_key(body))
    ref = ids.Ref.decode(body["actions"][0].get("value"))
    if (
        session is None
        or session.state is not Phase.REVIEWING
        or ref is None
        or ref.step != session.step
    ):
        _note_stale(ctx, body, STALE_NOTE)
        return
    ctx.client.views_open(trigger_id=body["trigger_id"], view=note_modal(session, ctx.framework))


def _note_and_show(ctx: BotContext, key: PersonKey, cmd: Command) -> None:
    outcome = ctx.service.act(key, cmd)
    error = "" if outcome.applied else outcome.message
    text, blocks = screen(ctx.service.interview, outcome.session, error, outcome.view)
    ctx.client.chat_postMessage(channel=ctx.dm_channel(key.user), text=text, blocks=blocks)


def _block_ref(action: dict[str, Any]) -> str:
    """Number inputs carry their reference in the block id (`number:<ref>`)."""
    block_id: str = action.get("block_id") or ""
    return block_id.split(":", 1)[1] if block_id.startswith("number:") else ""


def _checked(body: dict[str, Any]) -> list[str]:
    values = ((body.get("state") or {}).get("values") or {}).get("set") or {}
    selected = (values.get(ids.SET_CHECKS) or {}).get("selected_options") or []
    return [str(o.get("value")) for o in selected]
