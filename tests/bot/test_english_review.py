"""Sign-off in English: the three buttons, the return and modify modals, the confirm step
(self vs manager, 「サプライズ」), the outcome the person is told and the line other managers
get, and every refusal, rendered for an English reader; then through signed requests, an
English manager deciding on a Japanese member's result: the manager reads English, the
member Japanese (tests/i18n_check.py; the Japanese screens are the snapshots of
test_signoff_blocks.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from slack_sdk.models.views import View

from bot import ids
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
from bot.signoff import no_change, stale
from flows.explain import level_name
from flows.facts import show_value
from flows.i18n import t, using
from flows.review import Decision, Denied, Review, already, authorize, decide, outcome_line
from flows.review_facts import manager_changes, side_by_side
from flows.session import PersonKey, ResultRecord
from framework_data.loader import load_default
from framework_data.translate import localized
from tests.bot.slack_env import Bot, Person, blocks_text
from tests.bot.test_blocks import T0, check, record
from tests.bot.test_signoff_slack import (
    fact_state,
    opened_view,
    press,
    result_for,
    submit,
    submit_view,
    text_state,
)
from tests.i18n_check import framework_texts, japanese_left

SO = "system_operations"
REF = ids.ReviewRef("U1", "i1", "DUM1", "1700000000.000100")
FW = load_default()
EN = localized(FW, "en")


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with using("en"):
        yield


def others(rec: ResultRecord, *changes: dict[str, Any]) -> set[str]:
    """What other parts of the bot put on these screens, in the reader's language once they
    are converted: the framework's words, level names, answers as shown (flows/facts.py)."""
    shown = {level_name(level) for level in range(7)}
    for fact in EN.facts_for(SO):
        for values in (rec.answers, *changes):
            value = values.get(fact.id)
            if value is not None:
                as_fact = frozenset(value) if isinstance(value, list) else value
                shown.add(show_value(fact, SO, as_fact))
    sent_back = {YES, NO}  # the yes/no options' values: Slack sends them back, nobody reads them
    return framework_texts(FW) | framework_texts(EN) | shown | sent_back


def english_only(shown: Any, rec: ResultRecord, *changes: dict[str, Any]) -> None:
    assert japanese_left(shown, others(rec, *changes)) == []


def decided(action: str, comment: str = "", admin: bool = False, **changes: Any) -> Review:
    rec = record(SO, 4)
    return decide(
        Review.pending(rec, ["UM1", "UM2"]),
        rec,
        Decision(action, "UM1", comment, changes),  # type: ignore[arg-type]
        latest="i1",
        managers_now=[] if admin else ["UM1", "UM2"],
        is_admin=lambda: admin,
        framework=EN,
        now=T0 + timedelta(hours=2),
    ).review


def test_the_three_buttons_and_the_lock_line() -> None:
    buttons = decision_actions(record(SO, 4))
    check([buttons])
    assert [e["text"]["text"] for e in buttons["elements"]] == ["Approve", "Return", "Modify"]
    locked = decided_context(decided("approve"))
    english_only(locked, record(SO, 4))
    assert locked["elements"][0]["text"] == f":lock: <@UM1> approved {level_name(4)}."


def test_the_return_modal() -> None:
    modal = return_modal(REF)
    View(**modal).validate_json()
    english_only(modal, record(SO, 4))
    shown = blocks_text(modal["blocks"])
    assert "You're returning <@U1>'s result" in shown
    assert "Comment (required)" in shown
    assert (modal["title"]["text"], modal["submit"]["text"], modal["close"]["text"]) == (
        "Return result",
        "Return",
        "Cancel",
    )


def test_the_modify_modal_prefills_every_answer() -> None:
    rec = record(SO, 4)
    modal = modify_modal(REF, rec, EN)
    View(**modal).validate_json()
    check(modal["blocks"])
    english_only(modal, rec)
    role = next(b for b in modal["blocks"] if b.get("block_id") == ids.FACT_BLOCK + "role")
    assert role["hint"]["text"].startswith("Their answer: ")
    yes_no = next(
        b["element"]
        for b in modal["blocks"]
        if b.get("element", {}).get("type") == "static_select"
        and EN.fact(b["block_id"].removeprefix(ids.FACT_BLOCK)).kind == "bool"
    )
    # English labels; the values Slack sends back stay what bot/signoff.py reads
    assert [(o["text"]["text"], o["value"]) for o in yes_no["options"]] == [
        ("Yes", "はい"),
        ("No", "いいえ"),
    ]
    assert "Reason for the change (required)" in blocks_text(modal["blocks"])
    assert modal["submit"]["text"] == "Check the verdict"


def test_the_confirm_step_shows_self_and_manager_side_by_side() -> None:
    rec = record(SO, 4)
    changes: dict[str, Any] = {"role": "operator"}
    sbs = side_by_side(rec, EN, changes)
    draft = ModifyDraft(REF, "Took part as an operator, not as the lead", changes)
    modal = modify_confirm_modal(draft, rec, EN, sbs)
    View(**modal).validate_json()
    check(modal["blocks"])
    english_only(modal, rec, changes)
    shown = blocks_text(modal["blocks"])
    assert "*Changes*" in shown
    assert f"Self-assessed *{level_name(4)}* → *{level_name(2)}* with the manager's facts" in shown
    assert "self :white_check_mark: / manager :x:  ← differs" in shown
    assert ":warning: *Surprise*" in shown
    assert modal["blocks"][-2]["text"]["text"] == f"*Reason*\n{draft.reason}"
    assert "notifies the person and their other managers" in shown
    assert modal["title"]["text"] == "Confirm changes"


@pytest.mark.parametrize(
    ("action", "comment", "changes", "header", "line"),
    [
        ("approve", "", {}, "ITSS result approved", "<@UM1> approved {four}."),
        ("return", "Please check the incident counts", {}, "ITSS result returned", "returned"),
        (
            "modify",
            "Took part as an operator",
            {"role": "operator"},
            "ITSS result modified",
            "the confirmed level is {two} (self-assessed: {four})",
        ),
    ],
)
def test_the_outcome_the_person_is_told(
    action: str, comment: str, changes: dict[str, Any], header: str, line: str
) -> None:
    rec = record(SO, 4)
    review = decided(action, comment, **changes)
    sbs = side_by_side(rec, EN, review.changes) if review.changes else None
    name = EN.specialty(SO).name
    blocks = outcome_blocks(review, name, sbs)
    check(blocks)
    english_only(blocks, rec, changes)
    shown = blocks_text(blocks)
    assert blocks[0]["text"]["text"] == f"{header}: {name}"
    assert line.format(two=level_name(2), four=level_name(4)) in shown  # level names in English
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    if action == "return":
        assert "*Comment*\nPlease check the incident counts" in sections
        assert "Edit and resubmit" in shown
        assert "review screen with the answers you submitted" in shown
    if action == "modify":
        assert "*Reason for the change*\nTook part as an operator" in sections
        assert "Surprise" in shown
    text = outcome_text(review, name)
    assert text.startswith(f"ITSS result ({name}): ")
    other = decided_text(review, name)
    assert other.startswith(f"<@U1>'s ITSS result ({name}): <@UM1>")
    english_only([text, other], rec)


def test_an_admin_decision_says_so() -> None:
    line = outcome_line(decided("approve", admin=True))
    assert line == f"<@UM1> (admin) approved {level_name(4)}."
    pending = Review.pending(record(SO, 4), ["UM1"])
    assert outcome_line(pending) == "Awaiting sign-off."


def refusal(call: Any) -> str:
    with pytest.raises(Denied) as raised:
        call()
    return str(raised.value)


def test_every_refusal_is_english() -> None:
    rec = record(SO, 4)
    pending = Review.pending(rec, ["UM1"])

    def deciding(decision: Decision, latest: str = "i1", review: Review = pending) -> Any:
        return lambda: decide(
            review,
            rec,
            decision,
            latest=latest,
            managers_now=["UM1"],
            is_admin=lambda: False,
            framework=EN,
            now=T0,
        )

    told = {
        "own": refusal(lambda: authorize("U1", "U1", ["U1"], lambda: True)),
        "denied": refusal(lambda: authorize("U1", "UX", ["UM1"], lambda: False)),
        "older": refusal(deciding(Decision("approve", "UM1"), latest="i9")),
        "already": refusal(deciding(Decision("approve", "UM1"), review=decided("approve"))),
        "long": refusal(deciding(Decision("return", "UM1", "x" * 1001))),
        "no comment": refusal(deciding(Decision("return", "UM1", " "))),
        "no reason": refusal(deciding(Decision("modify", "UM1", "", {"role": "operator"}))),
        "no change": refusal(deciding(Decision("modify", "UM1", "why", {}))),
    }
    assert told == {
        "own": "You can't approve, return or modify your own result.",
        "denied": "Only the person's managers (on the roster) and admins of this workspace "
        "can decide on this result.",
        "older": "This button is for an older submission. Use the notification of the latest one.",
        "already": "<@UM1> already approved this (Nov 23, 2026 11:00 UTC).",
        "long": "Keep the comment to 1000 characters or fewer.",
        "no comment": "Add a comment to return the result.",
        "no reason": "Give a reason for the change.",
        "no change": "Change at least one item to a value other than the person's answer.",
    }
    assert already(decided("return", "why")).startswith("<@UM1> already returned this")
    assert already(decided("modify", "why", role="operator")).startswith(
        "<@UM1> already modified this"
    )
    _, problems = manager_changes(EN, rec, {"no_such_fact": "1"})
    more = [problems["no_such_fact"], stale(), no_change()]
    more += [t("review.bad_changes"), t("review.not_returned"), t("review.in_progress")]
    modal = notice_modal(t("review.modify_title"), stale())
    View(**modal).validate_json()
    assert japanese_left([*told.values(), *more, modal]) == []
    assert modal["title"]["text"] == "Modify result"
    assert modal["close"]["text"] == "Close"


# ---------------------------------------------------------------------- signed requests


@pytest.fixture
def team(bot: Bot) -> Bot:
    """U1 (Japanese) reports to UEM1 (English) and UJM2 (Japanese)."""
    bot.api.set_user("UEM1", locale="en-US")
    bot.store.set_managers("T0001", {"U1": ["UEM1", "UJM2"]})
    return bot


def test_an_english_manager_modifies_a_japanese_members_result(team: Bot) -> None:
    bot = team
    ann = submit(bot, "U1", 4)
    manager, other = Person(bot, "UEM1"), Person(bot, "UJM2")
    press(bot, manager, result_for(manager), ids.REVIEW_MODIFY)
    view = opened_view(bot)
    assert view["title"]["text"] == "Modify result"
    english_only(view, record(SO, 4, "U1"))

    reason = text_state(ids.REASON_BLOCK, "Took part as an operator, not as the lead")
    same = submit_view(bot, "UEM1", view, fact_state(view) | reason)
    assert list(same["errors"].values()) == [
        "Nothing differs from the person's answers. Change at least one item."
    ]
    no_reason = submit_view(bot, "UEM1", view, fact_state(view, role="operator"))
    assert no_reason["errors"] == {ids.REASON_BLOCK: "Give a reason for the change."}
    step = submit_view(bot, "UEM1", view, fact_state(view, role="operator") | reason)
    confirm = step["view"]
    assert "Surprise" in blocks_text(confirm["blocks"])
    english_only(confirm, record(SO, 4, "U1"), {"role": "operator"})
    assert submit_view(bot, "UEM1", confirm, {}) == {}

    review = bot.store.latest_review(PersonKey(team="T0001", user="U1"))
    assert review is not None
    assert (review.status, review.confirmed_level) == ("modified", 2)
    # the member reads Japanese, the other (Japanese) manager too
    told = next(c for c in reversed(ann.posts()) if "修正" in (c.args.get("text") or ""))
    assert "ITSS 判定結果が修正されました" in blocks_text(told.args["blocks"])
    assert "Took part as an operator" in blocks_text(told.args["blocks"])
    assert any("<@UEM1> さんが修正し" in c.args["text"] for c in other.posts())
    # the English manager's second click is refused in English
    press(bot, manager, result_for(manager), ids.REVIEW_APPROVE)
    (second,) = [
        c.args["text"] for c in bot.api.calls("chat.postEphemeral") if c.args["user"] == "UEM1"
    ]
    assert second.startswith("<@UEM1> already modified this (")


def test_an_english_managers_return_modal_refusals(team: Bot) -> None:
    bot = team
    submit(bot, "U1", 3)
    manager = Person(bot, "UEM1")
    press(bot, manager, result_for(manager), ids.REVIEW_RETURN)
    view = opened_view(bot)
    assert view["title"]["text"] == "Return result"
    english_only(view, record(SO, 3, "U1"))
    empty = submit_view(bot, "UEM1", view, text_state(ids.COMMENT_BLOCK, " "))
    assert empty["errors"] == {ids.COMMENT_BLOCK: "Add a comment to return the result."}
    long = submit_view(bot, "UEM1", view, text_state(ids.COMMENT_BLOCK, "x" * 1001))
    assert long["errors"] == {ids.COMMENT_BLOCK: "Keep it to 1000 characters or fewer."}
    junk = bot.slack.view_submission(
        "UEM1", ids.RETURN_MODAL, text_state(ids.COMMENT_BLOCK, "x"), private_metadata="junk"
    )
    assert junk.json()["errors"] == {ids.COMMENT_BLOCK: "This button is from an old message."}
