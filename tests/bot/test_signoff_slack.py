"""Manager sign-off through the real app: signed requests in, the recording Web API out, a
real Redis. Approve; return → edit → resubmit → approve; modify with a reason (the level
recomputed on the manager's facts, 「サプライズ」 at two levels or more); two managers (the
first wins); an admin acting for a person without a manager; and the denials (the person,
a plain member, a manager of another team, an admin of another workspace): each denied,
nothing about the person reaching them, nothing stored."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot import ids
from bot.signoff import no_change
from flows.audit import AuditAction
from flows.review import denied, own
from flows.session import PersonKey
from tests.bot.slack_env import Bot, Person, blocks_text
from tests.bot.test_audit_slack import (
    SECRET_NOTE,
    answer_to_review,
    finish_with_note,
    settle,
    slash,
)
from tests.slack_mock import Call

TEAM = "T0001"
SO = "system_operations"


def finish(bot: Bot, person: Person, level: int) -> None:
    """Answer as an SO persona of `level` and confirm at the review screen."""
    screen = answer_to_review(person, level)
    person.click(person.button(screen, ids.CONFIRM), screen)
    settle(bot)


def submit(bot: Bot, user: str, level: int = 4) -> Person:
    person = Person(bot, user)
    before = len(person.posts())
    person.command("start SO")
    person.wait_posts(before + 1)
    finish(bot, person, level)
    return person


def result_for(manager: Person) -> Call:
    """The newest message in the manager's DM with the sign-off buttons."""
    for call in reversed(manager.posts()):
        if ids.REVIEW_APPROVE in blocks_text(call.args.get("blocks") or []):
            return call
    raise AssertionError(f"no result with buttons in {manager.user}'s DM")


def press(bot: Bot, who: Person, call: Call, action_id: str) -> None:
    """`who` clicks a sign-off button of `call` (from their own DM, as Slack would send it)."""
    who.click(who.button(call, action_id), call, block_id="review")
    settle(bot)


def key(user: str) -> PersonKey:
    return PersonKey(team=TEAM, user=user)


def ephemerals(bot: Bot, user: str) -> list[str]:
    return [c.args["text"] for c in bot.api.calls("chat.postEphemeral") if c.args["user"] == user]


def submit_view(bot: Bot, user: str, view: dict[str, Any], state: dict[str, Any]) -> Any:
    result = bot.slack.view_submission(
        user,
        view["callback_id"],
        state,
        private_metadata=view["private_metadata"],
        blocks=view["blocks"],
    )
    assert result.status == 200, result
    body = result.json() if result.body.startswith("{") else {}
    settle(bot)
    return body


def text_state(block: str, text: str) -> dict[str, Any]:
    return {block: {"v": {"type": "plain_text_input", "value": text}}}


def opened_view(bot: Bot) -> dict[str, Any]:
    view: dict[str, Any] = bot.api.calls("views.open")[-1].args["view"]
    return view


@pytest.fixture
def team(bot: Bot) -> Bot:
    slash(bot, "UADMIN", "roster set <@U1> <@UM1> <@UM2>")
    slash(bot, "UADMIN", "roster set <@U2> <@UM1>")
    slash(bot, "UADMIN", "roster set <@U9> <@UM9>")  # another team
    return bot


# ---------------------------------------------------------------------- approve


def test_approve_first_manager_wins_and_the_other_is_told(team: Bot) -> None:
    bot = team
    ann = submit(bot, "U1", 4)
    um1, um2 = Person(bot, "UM1"), Person(bot, "UM2")
    message = result_for(um1)
    text = blocks_text(message.args["blocks"])
    assert "承認" in text
    assert "差し戻し" in text
    assert "修正" in text
    assert "判定理由" in text  # the per-dimension claims
    press(bot, um1, message, ids.REVIEW_APPROVE)

    review = bot.store.latest_review(key("U1"))
    assert review is not None
    assert (review.status, review.decided_by, review.confirmed_level) == ("approved", "UM1", 4)
    told = [c.args["text"] for c in ann.posts()]
    assert any("<@UM1> さんがレベル 4を承認しました" in t for t in told), told
    assert any("<@UM1> さん" in c.args["text"] and "承認" in c.args["text"] for c in um2.posts())
    updated = [c for c in bot.api.calls("chat.update") if c.args["channel"] == "DUM1"]
    assert ":lock:" in blocks_text(updated[-1].args["blocks"])
    assert ids.REVIEW_APPROVE not in blocks_text(updated[-1].args["blocks"])

    press(bot, um2, result_for(um2), ids.REVIEW_APPROVE)
    (second,) = ephemerals(bot, "UM2")
    assert second.startswith("<@UM1> さんが既に承認しました（")
    assert bot.store.latest_review(key("U1")) == review
    actions = [(e.action, e.actor) for e in bot.store.audit.events(TEAM)]
    assert actions.count((AuditAction.RESULT_APPROVED, "UM1")) == 1
    assert (AuditAction.RESULT_APPROVED, "UM2") not in actions


# ---------------------------------------------------------------------- return


def reopen_edit_resubmit(bot: Bot, ann: Person) -> None:
    """The person opens their returned answers, edits the operations count, resubmits."""
    outcome = next(
        c
        for c in reversed(ann.posts())
        if ids.REVIEW_REOPEN in blocks_text(c.args.get("blocks") or [])
    )
    assert "障害対応の件数を確認して" in blocks_text(outcome.args["blocks"])
    posts = len(ann.posts())
    ann.click(ann.button(outcome, ids.REVIEW_REOPEN), outcome)
    settle(bot)
    review_screen = ann.wait_posts(posts + 1)[-1]
    assert ids.CONFIRM in blocks_text(review_screen.args["blocks"])
    # a second click while the reopened interview is in progress says so
    ann.click(ann.button(outcome, ids.REVIEW_REOPEN), outcome)
    settle(bot)
    assert "進行中のインタビュー" in ephemerals(bot, "U1")[-1]

    # edit one answer (the operations count), then resubmit
    edit = next(
        e
        for b in review_screen.args["blocks"]
        for e in b.get("elements", []) + ([b["accessory"]] if "accessory" in b else [])
        if e.get("action_id", "").startswith(ids.EDIT)
        and (ref := ids.Ref.decode(e.get("value"))) is not None
        and ref.arg == "operations_count"
    )
    ann.click(edit, review_screen)
    settle(bot)
    question = ann.wait_method("chat.update", 1)[-1]
    ann.type_number("5", question)
    settle(bot)
    finish(bot, ann, 3)


def test_return_edit_resubmit_approve(team: Bot) -> None:
    bot = team
    ann = submit(bot, "U1", 3)
    um1 = Person(bot, "UM1")
    first = result_for(um1)
    press(bot, um1, first, ids.REVIEW_RETURN)
    view = opened_view(bot)
    assert view["callback_id"] == ids.RETURN_MODAL
    empty = submit_view(bot, "UM1", view, text_state(ids.COMMENT_BLOCK, "   "))
    assert empty == {
        "response_action": "errors",
        "errors": {ids.COMMENT_BLOCK: "差し戻しにはコメントが必要です。"},
    }
    latest = bot.store.latest_review(key("U1"))
    assert latest is not None
    assert latest.status == "pending"
    closed = submit_view(
        bot, "UM1", view, text_state(ids.COMMENT_BLOCK, "障害対応の件数を確認して")
    )
    assert closed == {}
    returned = bot.store.latest_review(key("U1"))
    assert returned is not None
    assert (returned.status, returned.comment) == ("returned", "障害対応の件数を確認して")

    reopen_edit_resubmit(bot, ann)
    records = bot.store.history(key("U1"))
    assert len(records) == 2
    assert records[1].answers["operations_count"] == 5
    resubmitted = bot.store.latest_review(key("U1"))
    assert resubmitted is not None
    assert (resubmitted.interview_id, resubmitted.status) == (records[1].interview_id, "pending")

    press(bot, um1, first, ids.REVIEW_APPROVE)  # the button of the returned submission
    assert "古い提出" in ephemerals(bot, "UM1")[-1]
    press(bot, um1, result_for(um1), ids.REVIEW_APPROVE)
    done = bot.store.latest_review(key("U1"))
    assert done is not None
    assert (done.status, done.confirmed_level) == ("approved", 3)
    trail = [e.action for e in bot.store.audit.events(TEAM)]
    assert trail.count(AuditAction.RESULT_SUBMITTED) == 2
    assert AuditAction.RESULT_RETURNED in trail
    returned_event = next(
        e for e in bot.store.audit.events(TEAM) if e.action == AuditAction.RESULT_RETURNED
    )
    assert "障害対応" not in returned_event.model_dump_json()


# ---------------------------------------------------------------------- modify


def fact_state(view: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The modify modal's state as Slack sends it: the prefilled values, `changes` over them."""
    state: dict[str, Any] = {}
    for block in view["blocks"]:
        block_id = block.get("block_id", "")
        if not block_id.startswith(ids.FACT_BLOCK):
            continue
        fact = block_id.removeprefix(ids.FACT_BLOCK)
        element = block["element"]
        kind = element["type"]
        if kind == "plain_text_input":
            value = changes.get(fact, element.get("initial_value"))
            state[block_id] = {"v": {"type": kind, "value": value}}
        elif kind == "checkboxes":
            chosen = element.get("initial_options", [])
            state[block_id] = {"v": {"type": kind, "selected_options": chosen}}
        else:
            picked = element.get("initial_option")
            if fact in changes:
                picked = next(o for o in element["options"] if o["value"] == changes[fact])
            state[block_id] = {"v": {"type": kind, "selected_option": picked}}
    return state


def test_modify_with_a_reason_recomputes_the_level_and_flags_a_surprise(team: Bot) -> None:
    bot = team
    ann = submit(bot, "U1", 4)
    um1 = Person(bot, "UM1")
    press(bot, um1, result_for(um1), ids.REVIEW_MODIFY)
    view = opened_view(bot)
    assert view["callback_id"] == ids.MODIFY_MODAL
    role = next(b for b in view["blocks"] if b.get("block_id") == ids.FACT_BLOCK + "role")
    assert role["element"]["initial_option"]["value"] == "leader"  # the person's answer

    reason = text_state(ids.REASON_BLOCK, "リーダーではなく担当者として参加")
    same = submit_view(bot, "UM1", view, fact_state(view) | reason)
    assert same["response_action"] == "errors"
    assert no_change() in same["errors"].values()
    bad = submit_view(bot, "UM1", view, fact_state(view, operations_count="たくさん") | reason)
    assert set(bad["errors"]) == {ids.FACT_BLOCK + "operations_count"}
    no_reason = submit_view(bot, "UM1", view, fact_state(view, role="operator"))
    assert no_reason["errors"] == {ids.REASON_BLOCK: "修正には理由が必要です。"}
    latest = bot.store.latest_review(key("U1"))
    assert latest is not None
    assert latest.status == "pending"

    step = submit_view(bot, "UM1", view, fact_state(view, role="operator") | reason)
    assert step["response_action"] == "update"
    confirm = step["view"]
    shown = blocks_text(confirm["blocks"])
    assert "サプライズ" in shown
    assert "自己評価 *レベル 4* → 上長の事実で *レベル 2*" in shown
    assert "本人 :white_check_mark: / 上長 :x:" in shown
    assert bot.store.latest_review(key("U1")) == latest  # nothing decided before the confirm

    closed = submit_view(bot, "UM1", confirm, {})
    assert closed == {}
    review = bot.store.latest_review(key("U1"))
    assert review is not None
    assert (review.status, review.self_level, review.confirmed_level) == ("modified", 4, 2)
    assert review.changes == {"role": "operator"}
    told = next(c for c in reversed(ann.posts()) if "修正" in (c.args.get("text") or ""))
    text = blocks_text(told.args["blocks"])
    assert "リーダーではなく担当者として参加" in text
    assert "確定レベルはレベル 2" in text
    assert "サプライズ" in text
    modified = [e for e in bot.store.audit.events(TEAM) if e.action == AuditAction.RESULT_MODIFIED]
    assert [(e.actor, e.subject, e.detail["facts"]) for e in modified] == [("UM1", "U1", "role")]


def test_a_small_modification_is_no_surprise(team: Bot) -> None:
    bot = team
    submit(bot, "U2", 4)
    um1 = Person(bot, "UM1")
    press(bot, um1, result_for(um1), ids.REVIEW_MODIFY)
    view = opened_view(bot)
    state = fact_state(view, member_achievement="いいえ") | text_state(
        ids.REASON_BLOCK, "育成実績は未確認"
    )
    step = submit_view(bot, "UM1", view, state)
    assert "サプライズ" not in blocks_text(step["view"]["blocks"])
    assert submit_view(bot, "UM1", step["view"], {}) == {}
    review = bot.store.latest_review(key("U2"))
    assert review is not None
    assert review.confirmed_level == 3


# ---------------------------------------------------------------------- admins


def test_an_admin_acts_for_a_person_without_a_manager(bot: Bot) -> None:
    submit(bot, "U5", 3)
    admin = Person(bot, "UADMIN")
    message = result_for(admin)
    assert "マネージャーが名簿に登録されていません" in blocks_text(message.args["blocks"])
    assert len(message.args["blocks"]) <= 50
    assert message.args["blocks"][-1]["block_id"] == "review"
    press(bot, admin, message, ids.REVIEW_APPROVE)
    review = bot.store.latest_review(key("U5"))
    assert review is not None
    assert (review.status, review.acted_as_admin, review.decided_by) == ("approved", True, "UADMIN")
    acted = [e for e in bot.store.audit.events(TEAM) if e.action == AuditAction.ADMIN_ACTED_FOR]
    assert [(e.actor, e.subject) for e in acted] == [("UADMIN", "U5")]
    told = [c.args["text"] for c in Person(bot, "U5").posts()]
    assert any("<@UADMIN> さん（管理者）" in t for t in told), told


# ---------------------------------------------------------------------- denials


DENIALS = {
    "self": ("U1", own()),
    "member": ("U2", denied()),
    "other_manager": ("UM9", denied()),
    "foreign_admin": ("UEXT", denied()),
}


def stored(bot: Bot) -> str:
    k = key("U1")
    return json.dumps(
        [
            bot.store.latest_review(k).model_dump(mode="json"),  # type: ignore[union-attr]
            [d.id for d in bot.store.outbox.pending(k)],
            [e.action.value for e in bot.store.audit.events(TEAM)],
        ]
    )


@pytest.mark.parametrize("who", sorted(DENIALS))
@pytest.mark.parametrize("action", [ids.REVIEW_APPROVE, ids.REVIEW_RETURN, ids.REVIEW_MODIFY])
def test_denied_clicks_reveal_nothing_and_change_nothing(team: Bot, who: str, action: str) -> None:
    bot = team
    bot.api.set_user("UEXT", is_admin=True, is_owner=True, team_id="T9EXTERNAL")
    ann = Person(bot, "U1")
    ann.command("start SO")
    ann.wait_posts(1)
    finish_with_note(bot, ann)
    settle(bot)
    message = result_for(Person(bot, "UM1"))
    before = stored(bot)
    user, reason = DENIALS[who]
    actor = Person(bot, user)
    bot.api.clear()
    press(bot, actor, message, action)
    assert ephemerals(bot, user) == [reason]
    assert not bot.api.calls("views.open")
    assert not bot.api.calls("chat.postMessage")
    assert not bot.api.calls("chat.update")
    seen = json.dumps([c.args for c in bot.api.calls()], ensure_ascii=False, default=str)
    assert SECRET_NOTE not in seen
    assert "レベル" not in seen
    assert stored(bot) == before


@pytest.mark.parametrize("who", sorted(DENIALS))
def test_denied_modal_submissions_change_nothing(team: Bot, who: str) -> None:
    """A forged modal (its private_metadata naming the person) is refused as the click."""
    bot = team
    bot.api.set_user("UEXT", is_admin=True, is_owner=True, team_id="T9EXTERNAL")
    submit(bot, "U1", 4)
    before = stored(bot)
    review = bot.store.latest_review(key("U1"))
    assert review is not None
    user, reason = DENIALS[who]
    meta = ids.ReviewRef("U1", review.interview_id).encode()
    bot.api.clear()
    returned = bot.slack.view_submission(
        user, ids.RETURN_MODAL, text_state(ids.COMMENT_BLOCK, "x"), private_metadata=meta
    )
    assert returned.json() == {"response_action": "errors", "errors": {ids.COMMENT_BLOCK: reason}}
    modified = bot.slack.view_submission(
        user,
        ids.MODIFY_MODAL,
        {
            ids.FACT_BLOCK + "role": {
                "v": {"type": "static_select", "selected_option": {"value": "operator"}}
            }
        }
        | text_state(ids.REASON_BLOCK, "x"),
        private_metadata=meta,
    )
    assert modified.json() == {"response_action": "errors", "errors": {ids.REASON_BLOCK: reason}}
    draft = json.dumps({"r": meta, "why": "x", "c": {"role": "operator"}})
    confirmed = bot.slack.view_submission(
        user, ids.MODIFY_CONFIRM_MODAL, {}, private_metadata=draft
    )
    body = confirmed.json()
    assert body["response_action"] == "update"
    assert reason in blocks_text(body["view"]["blocks"])
    settle(bot)
    seen = json.dumps([c.args for c in bot.api.calls()], ensure_ascii=False, default=str)
    assert "レベル" not in seen
    assert not bot.api.calls("chat.postMessage")
    assert stored(bot) == before


def test_a_stale_or_foreign_button_value_is_told_plainly(team: Bot) -> None:
    bot = team
    um1 = Person(bot, "UM1")
    result = bot.slack.block_action(
        "UM1", ids.REVIEW_APPROVE, "garbage", block_id="review", channel_id="DUM1", message_ts="1.0"
    )
    assert result.status == 200
    settle(bot)
    assert ephemerals(bot, "UM1") == ["このボタンは古いメッセージのものです。"]
    assert um1.posts() == []


def test_bad_modal_input_is_told_in_japanese_never_a_traceback(team: Bot) -> None:
    """A manager's forged or malformed modal: a value not of the fact, odd element shapes,
    metadata that names nothing — each gets a Japanese message and nothing is stored."""
    bot = team
    submit(bot, "U1", 4)
    review = bot.store.latest_review(key("U1"))
    assert review is not None
    meta = ids.ReviewRef("U1", review.interview_id).encode()
    before = stored(bot)
    draft = json.dumps({"r": meta, "why": "理由", "c": {"role": "president", "nope": 1}})
    forged = bot.slack.view_submission("UM1", ids.MODIFY_CONFIRM_MODAL, {}, private_metadata=draft)
    assert "修正の内容が正しくありません" in blocks_text(forged.json()["view"]["blocks"])
    odd = {
        ids.FACT_BLOCK + "role": {"v": {"type": "static_select", "selected_option": "operator"}},
        ids.FACT_BLOCK + "complexity": {"v": {"type": "checkboxes", "selected_options": "x"}},
        ids.FACT_BLOCK + "operations_count": {"v": {"type": "plain_text_input", "value": 7}},
    } | text_state(ids.REASON_BLOCK, "理由")
    shaped = bot.slack.view_submission("UM1", ids.MODIFY_MODAL, odd, private_metadata=meta)
    assert shaped.json()["response_action"] == "errors"
    assert no_change() in shaped.json()["errors"].values()  # what is not Slack's shape: unchanged
    nothing = bot.slack.view_submission(
        "UM1", ids.RETURN_MODAL, text_state(ids.COMMENT_BLOCK, "x"), private_metadata="junk"
    )
    assert nothing.json()["errors"] == {ids.COMMENT_BLOCK: "このボタンは古いメッセージのものです。"}
    unknown = bot.slack.view_submission(
        "UM1", ids.MODIFY_CONFIRM_MODAL, {}, private_metadata="{not json"
    )
    assert "古いメッセージ" in blocks_text(unknown.json()["view"]["blocks"])
    settle(bot)
    assert stored(bot) == before


@pytest.mark.parametrize("user", ["UM1", "U2", "UEXT"])
def test_only_the_person_may_reopen_their_returned_answers(team: Bot, user: str) -> None:
    bot = team
    bot.api.set_user("UEXT", is_admin=True, is_owner=True, team_id="T9EXTERNAL")
    ann = submit(bot, "U1", 3)
    um1 = Person(bot, "UM1")
    press(bot, um1, result_for(um1), ids.REVIEW_RETURN)
    submit_view(bot, "UM1", opened_view(bot), text_state(ids.COMMENT_BLOCK, "ZQXCOMMENT"))
    outcome = next(
        c
        for c in reversed(ann.posts())
        if ids.REVIEW_REOPEN in blocks_text(c.args.get("blocks") or [])
    )
    before = stored(bot)
    other = Person(bot, user)
    bot.api.clear()
    other.click(ann.button(outcome, ids.REVIEW_REOPEN), outcome)
    settle(bot)
    assert ephemerals(bot, user) == ["このボタンは古いメッセージのものです。"]
    seen = json.dumps([c.args for c in bot.api.calls()], ensure_ascii=False, default=str)
    assert "ZQXCOMMENT" not in seen
    assert not bot.api.calls("chat.postMessage")
    assert bot.store.load(key(user)) is None
    assert bot.store.load(key("U1")) is None
    assert stored(bot) == before
