"""Manager sign-off in Slack: the three buttons under a manager's result (承認 / 差し戻し /
修正), their modals, the person's 「修正して再提出」, and the outbox messages that tell the
outcome. bot/listeners/signoff.py registers the callbacks that call these.

A click is authorized before anything about the person is shown (flows.signoff); a denial is
an ephemeral line (or a modal error) that names nobody. Modal input that is bad gets a
`response_action: errors` reply; a decision that cannot be made (already decided, an older
submission) is told in the clicker's language, never as a traceback. Everything here
renders for whoever clicked (the request's language); the notices to the person and the
other managers go through the outbox, which renders each in its recipient's language.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError

from bot import ids
from bot.blocks.common import MAX_BLOCKS, section
from bot.blocks.interview import screen
from bot.blocks.notices import notice_text
from bot.blocks.result import result_blocks
from bot.blocks.review import (
    NO,
    YES,
    ModifyDraft,
    decided_context,
    decided_text,
    decision_actions,
    modify_confirm_modal,
    modify_modal,
    notice_modal,
    outcome_blocks,
    outcome_text,
    return_modal,
)
from bot.home import refresh_homes
from flows.i18n import t
from flows.outbox import Delivery
from flows.review import COMMENT_MAX_CHARS, Decided, Decision, Denied
from flows.review_facts import manager_changes, side_by_side
from flows.session import PersonKey, ResultRecord
from flows.signoff import Target, record_of

if TYPE_CHECKING:
    from bot.context import BotContext

log = logging.getLogger("itss.signoff")


def stale() -> str:
    """What a click on a message or modal the bot can no longer read is told."""
    return t("review.stale")


def no_change() -> str:
    """What a modification that changes nothing is told."""
    return t("review.no_change")


# ---------------------------------------------------------------------- outbox messages


def _specialty_name(ctx: BotContext, specialty: str) -> str:
    try:
        return ctx.framework.specialty(specialty).name
    except KeyError:  # a specialty a later framework no longer has
        return specialty


def review_message(
    ctx: BotContext, delivery: Delivery, record: ResultRecord | None
) -> dict[str, Any] | None:
    """What a sign-off delivery posts, read at send time; None (dropped) when the person
    erased their data since."""
    key = delivery.key
    record = record or record_of(ctx.store, key, delivery.specialty, delivery.interview_id)
    name = _specialty_name(ctx, delivery.specialty)
    if delivery.kind == "no_manager_admin":
        text = notice_text(delivery, name)
        if record is None:
            return {"text": text}
        # an admin decides for a person without a manager: the result, with the buttons
        blocks = result_blocks(
            record, ctx.framework, for_manager=True, decision=decision_actions(record)
        )
        # the notice first; the buttons, last, are never the block cut
        return {"text": text, "blocks": [section(text), *blocks[:-1][: MAX_BLOCKS - 2], blocks[-1]]}
    review = ctx.store.reviews(key).get(delivery.interview_id)
    if review is None or record is None or not review.decided:
        log.info("sign-off delivery %s dropped: its review is gone", delivery.id)
        return None
    if delivery.kind == "review_decided":
        return {"text": decided_text(review, name)}
    sbs = side_by_side(record, ctx.framework, review.changes) if review.changes else None
    return {"text": outcome_text(review, name), "blocks": outcome_blocks(review, name, sbs)}


# ---------------------------------------------------------------------- clicks


@dataclass(frozen=True)
class ReviewClick:
    """A click on a sign-off button: who clicked (actor), in which workspace, about whom."""

    actor: PersonKey
    enterprise: str | None
    ref: ids.ReviewRef | None
    channel: str
    ts: str
    trigger_id: str

    @classmethod
    def parse(cls, body: dict[str, Any]) -> ReviewClick:
        from bot.interview import person

        action = (body.get("actions") or [{}])[0]
        container = body.get("container") or {}
        return cls(
            actor=person(body),
            enterprise=(body.get("enterprise") or {}).get("id"),
            ref=ids.ReviewRef.decode(action.get("value")),
            channel=container.get("channel_id", ""),
            ts=container.get("message_ts", ""),
            trigger_id=body.get("trigger_id", ""),
        )

    @cached_property
    def person(self) -> PersonKey | None:
        if self.ref is None:
            return None
        return PersonKey(team=self.actor.team, user=self.ref.user)


def _is_admin(ctx: BotContext, actor: PersonKey, enterprise: str | None) -> Callable[[], bool]:
    return lambda: ctx.is_admin(actor.user, actor.team, enterprise)


def tell(ctx: BotContext, click: ReviewClick, text: str) -> None:
    """An ephemeral line to the clicker where they clicked (a DM if there is no channel)."""
    if click.channel:
        ctx.client.chat_postEphemeral(channel=click.channel, user=click.actor.user, text=text)
    else:
        ctx.dm(click.actor.user, text=text)


def announce(
    ctx: BotContext, decided: Decided, record: ResultRecord, channel: str, ts: str
) -> None:
    """After a decision: send its notices (claimed by this process), then show it in place
    of the buttons on the decider's message (a failure there is logged, nothing else)."""
    review = decided.review
    ctx.courier.send_now(PersonKey(team=review.team, user=review.user), decided.deliveries, record)
    decider = [review.decided_by] if review.decided_by else []
    refresh_homes(ctx, review.team, review.user, *decider, *review.managers)
    if not (channel and ts):
        return
    blocks = result_blocks(
        record, ctx.framework, for_manager=True, decision=decided_context(review)
    )
    try:
        text = decided_text(review, _specialty_name(ctx, review.specialty))
        ctx.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except (SlackApiError, OSError) as exc:
        log.warning("editing %s/%s failed: %s", channel, ts, exc)


def approve(ctx: BotContext, click: ReviewClick) -> None:
    if click.ref is None or click.person is None:
        tell(ctx, click, stale())
        return
    try:
        decided = ctx.signoff.decide(
            click.person,
            click.ref.interview,
            Decision("approve", click.actor.user),
            _is_admin(ctx, click.actor, click.enterprise),
        )
        record = ctx.signoff.target_record(click.person, decided.review)
    except Denied as exc:
        tell(ctx, click, str(exc))
        return
    announce(ctx, decided, record, click.channel, click.ts)


def open_modal(ctx: BotContext, click: ReviewClick, kind: str) -> None:
    """差し戻し / 修正: authorize, then open the modal (the manager's message named in it)."""
    if click.ref is None or click.person is None:
        tell(ctx, click, stale())
        return
    who = click.actor.user
    try:
        target = ctx.signoff.target(
            click.person, click.ref.interview, who, _is_admin(ctx, click.actor, click.enterprise)
        )
    except Denied as exc:
        tell(ctx, click, str(exc))
        return
    ref = ids.ReviewRef(click.ref.user, click.ref.interview, click.channel, click.ts)
    view = (
        return_modal(ref) if kind == "return" else modify_modal(ref, target.record, ctx.framework)
    )
    ctx.client.views_open(trigger_id=click.trigger_id, view=view)


# ---------------------------------------------------------------------- modal submissions


def _element(values: dict[str, Any], block: str) -> dict[str, Any]:
    """The input element `v` of a block as Slack sends it ({} when missing)."""
    element = (values.get(block) or {}).get("v")
    return element if isinstance(element, dict) else {}


def _text(values: dict[str, Any], block: str) -> str:
    value = _element(values, block).get("value")
    return value if isinstance(value, str) else ""


def _submitted(
    ctx: BotContext, body: dict[str, Any], meta: str | None
) -> tuple[ReviewClick, ids.ReviewRef | None]:
    from bot.interview import person

    ref = ids.ReviewRef.decode(meta)
    actor = person(body)
    click = ReviewClick(actor, (body.get("enterprise") or {}).get("id"), ref, "", "", "")
    return click, ref


def submit_return(ctx: BotContext, body: dict[str, Any], view: dict[str, Any]) -> dict[str, Any]:
    """The ack of the return modal: errors to show, or {} (closed) after the decision."""
    values = view["state"]["values"]
    click, ref = _submitted(ctx, body, view.get("private_metadata"))
    comment = _text(values, ids.COMMENT_BLOCK).strip()
    if not comment:
        return _errors(ids.COMMENT_BLOCK, t("review.return_needs_comment"))
    if len(comment) > COMMENT_MAX_CHARS:
        return _errors(ids.COMMENT_BLOCK, t("review.too_long", max=COMMENT_MAX_CHARS))
    if ref is None or click.person is None:
        return _errors(ids.COMMENT_BLOCK, stale())
    try:
        decided = ctx.signoff.decide(
            click.person,
            ref.interview,
            Decision("return", click.actor.user, comment),
            _is_admin(ctx, click.actor, click.enterprise),
        )
    except Denied as exc:
        return _errors(ids.COMMENT_BLOCK, str(exc))
    _announce_later(ctx, click, decided, ref)
    return {}


def _errors(block: str, text: str) -> dict[str, Any]:
    return {"response_action": "errors", "errors": {block: text}}


def _fact_values(values: dict[str, Any], target: Target) -> dict[str, object]:
    """What the modify modal holds per fact, as interview answers are given."""
    out: dict[str, object] = {}
    for block_id in values:
        if not block_id.startswith(ids.FACT_BLOCK):
            continue
        fact_id = block_id.removeprefix(ids.FACT_BLOCK)
        element = _element(values, block_id)
        if "selected_options" in element:  # checkboxes: an empty choice is 該当なし
            options = element.get("selected_options")
            if not isinstance(options, list):
                continue  # not what Slack sends: left unchanged
            chosen = [str(o.get("value")) for o in options if isinstance(o, dict)]
            out[fact_id] = chosen if chosen or fact_id in target.record.answers else None
        elif "selected_option" in element:
            selected = element.get("selected_option")
            picked = selected.get("value") if isinstance(selected, dict) else None
            out[fact_id] = (picked == YES) if picked in (YES, NO) else picked
        else:
            out[fact_id] = _text(values, block_id)
    return out


def submit_modify(ctx: BotContext, body: dict[str, Any], view: dict[str, Any]) -> dict[str, Any]:
    """The ack of the modify modal: errors, or the confirm step (self vs manager)."""
    values = view["state"]["values"]
    click, ref = _submitted(ctx, body, view.get("private_metadata"))
    reason = _text(values, ids.REASON_BLOCK).strip()
    if ref is None or click.person is None:
        return _errors(ids.REASON_BLOCK, stale())
    try:
        target = ctx.signoff.target(
            click.person,
            ref.interview,
            click.actor.user,
            _is_admin(ctx, click.actor, click.enterprise),
        )
    except Denied as exc:
        return _errors(ids.REASON_BLOCK, str(exc))
    changes, problems = manager_changes(ctx.framework, target.record, _fact_values(values, target))
    errors = {ids.FACT_BLOCK + f: p for f, p in problems.items() if ids.FACT_BLOCK + f in values}
    if not reason:
        errors[ids.REASON_BLOCK] = t("review.modify_needs_reason")
    elif len(reason) > COMMENT_MAX_CHARS:
        errors[ids.REASON_BLOCK] = t("review.too_long", max=COMMENT_MAX_CHARS)
    if not errors and not changes:
        first = next((b for b in values if b.startswith(ids.FACT_BLOCK)), ids.REASON_BLOCK)
        errors[first] = no_change()
    if errors:
        return {"response_action": "errors", "errors": errors}
    draft = ModifyDraft(ref, reason, changes)
    sbs = side_by_side(target.record, ctx.framework, changes)
    return {
        "response_action": "update",
        "view": modify_confirm_modal(draft, target.record, ctx.framework, sbs),
    }


def confirm_modify(ctx: BotContext, body: dict[str, Any], view: dict[str, Any]) -> dict[str, Any]:
    """The ack of the confirm step: the decision, or a modal that says why not."""
    draft = ModifyDraft.decode(view.get("private_metadata"))
    if draft is None:
        view = notice_modal(t("review.modify_title"), stale())
        return {"response_action": "update", "view": view}
    click, _ = _submitted(ctx, body, draft.ref.encode())
    assert click.person is not None
    try:
        decided = ctx.signoff.decide(
            click.person,
            draft.ref.interview,
            Decision("modify", click.actor.user, draft.reason, draft.changes),
            _is_admin(ctx, click.actor, click.enterprise),
        )
    except Denied as exc:
        view = notice_modal(t("review.modify_title"), str(exc))
        return {"response_action": "update", "view": view}
    _announce_later(ctx, click, decided, draft.ref)
    return {}


def _announce_later(
    ctx: BotContext, click: ReviewClick, decided: Decided, ref: ids.ReviewRef
) -> None:
    assert click.person is not None
    try:
        record = ctx.signoff.target_record(click.person, decided.review)
    except Denied:  # erased in between: nothing to show
        return
    ctx.defer(announce, ctx, decided, record, ref.channel, ref.ts, notify=click.actor)


# ---------------------------------------------------------------------- 修正して再提出


def reopen(ctx: BotContext, click: ReviewClick) -> None:
    """The person's click on a returned result: the review screen with their answers."""
    if click.ref is None or click.ref.user != click.actor.user:
        tell(ctx, click, stale())
        return
    try:
        session = ctx.signoff.reopen(click.actor, click.ref.interview)
    except Denied as exc:
        tell(ctx, click, str(exc))
        return
    text, blocks = screen(ctx.service.interview, session)
    ctx.client.chat_postMessage(channel=ctx.dm_channel(click.actor.user), text=text, blocks=blocks)
