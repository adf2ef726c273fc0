"""History and trend through the real app: two campaigns, a result modified in the first and
approved in the second; the team summary and its CSV show the level of record, the self
level beside it and 前回比; the campaign status counts in review until a decision;
`/itss history` for the person, their manager and admins — everyone else denied with
nothing of the person reaching them and nothing stored."""

from __future__ import annotations

import csv
import io
import json

import pytest

from bot import ids
from bot.history import DENIED
from flows.audit import AuditAction
from flows.session import PersonKey, ResultRecord, Verdict
from tests.bot.slack_env import Bot, Person, blocks_text
from tests.bot.test_audit_slack import replies, slash
from tests.bot.test_campaign_slack import command
from tests.bot.test_signoff_slack import (
    fact_state,
    opened_view,
    press,
    submit,
    submit_view,
    text_state,
)
from tests.slack_mock import Call

TEAM = "T0001"
U1 = PersonKey(team=TEAM, user="U1")


def modify(bot: Bot, manager: Person, reason: str, **changes: str) -> None:
    press(bot, manager, result_about(manager, "U1"), ids.REVIEW_MODIFY)
    view = opened_view(bot)
    step = submit_view(
        bot, manager.user, view, fact_state(view, **changes) | text_state(ids.REASON_BLOCK, reason)
    )
    assert submit_view(bot, manager.user, step["view"], {}) == {}


def shown(bot: Bot) -> str:
    return "\n".join(
        blocks_text(c.args.get("blocks") or []) + str(c.args.get("text")) for c in replies(bot)
    )


@pytest.fixture
def cycle(bot: Bot) -> Bot:
    """U1 (manager UM1): 上期 submitted at 3, modified to 2; 下期 submitted at 4, approved.
    U2 (manager UM1): 下期 submitted at 3, approved."""
    slash(bot, "UADMIN", "roster import\n<@U1>,<@UM1>\n<@U2>,<@UM1>\n<@U9>,<@UM9>")
    um1 = Person(bot, "UM1")
    assert "招待" in command(bot, "UADMIN", "campaign start 上期 2099-03-15 <@U1>")
    submit(bot, "U1", 3)
    modify(bot, um1, "習熟は未確認", mastery="いいえ")
    command(bot, "UADMIN", "campaign close 上期")
    command(bot, "UADMIN", "campaign start 下期 2099-09-15 <@U1> <@U2>")
    submit(bot, "U1", 4)
    submit(bot, "U2", 3)
    assert "*全体*: 完了 0 / 承認待ち 2" in status(bot)
    press(bot, um1, result_about(um1, "U2"), ids.REVIEW_APPROVE)
    press(bot, um1, result_about(um1, "U1"), ids.REVIEW_APPROVE)
    return bot


def result_about(manager: Person, user: str) -> Call:
    """The newest result of `user` with the sign-off buttons in the manager's DM."""
    for call in reversed(manager.posts()):
        if f"<@{user}>" in call.args["text"] and ids.REVIEW_APPROVE in blocks_text(
            call.args.get("blocks") or []
        ):
            return call
    raise AssertionError(f"no result of {user} for {manager.user}")


def status(bot: Bot) -> str:
    command(bot, "UADMIN", "campaign status 下期")
    return blocks_text(bot.api.calls("chat.postMessage")[-1].args["blocks"])


def test_team_summary_csv_and_status_show_the_level_of_record(cycle: Bot) -> None:
    bot = cycle
    u1 = bot.store.latest_review(U1)
    assert u1 is not None
    assert (u1.status, u1.self_level, u1.confirmed_level, u1.previous_level) == (
        "approved",
        4,
        4,
        2,
    )
    assert "*全体*: 完了 2 / 承認待ち 0" in status(bot)
    slash(bot, "UM1", "team")
    posts = [c for c in bot.api.calls("chat.postMessage") if c.args["channel"] == "DUM1"]
    summary = blocks_text(posts[-1].args["blocks"])
    assert "<@U1> | システムオペレーション | レベル 4 | " in summary
    assert "| 確定 | 不足" in summary
    assert "| 確定 レベル 4 | 前回比 ↑" in summary
    upload = bot.api.uploads(".csv")[-1].body.decode("utf-8")
    rows = {r[0]: r for r in csv.reader(io.StringIO(upload))}
    assert rows["user_id"][-3:] == ["confirmed_level", "change_since_previous_campaign", "campaign"]
    assert rows["U1"][3] == "4"
    assert rows["U1"][5] == "確定"
    assert rows["U1"][-3:] == ["4", "↑", "下期"]
    assert rows["U2"][-3:] == ["3", "", "下期"]


def test_history_shows_each_result_as_it_was_judged(cycle: Bot) -> None:
    bot = cycle
    slash(bot, "U1", "history")
    mine = shown(bot)
    assert "ITSS 診断の履歴（2 件）" in mine
    lines = [line for line in mine.split("\\n") if "自己評価 レベル" in line]
    assert len(lines) == 2
    assert "下期 | システムオペレーション | 自己評価 レベル 4 | 確定 レベル 4（承認）" in lines[0]
    assert "上期 | システムオペレーション | 自己評価 レベル 3 | 確定 レベル 2（修正）" in lines[1]
    assert all(f"判定基準 v{bot.ctx.framework.version}" in line for line in lines)  # type: ignore[union-attr]
    assert not [e for e in bot.store.audit.events(TEAM) if e.action == AuditAction.HISTORY_VIEWED]

    bot.api.clear()
    slash(bot, "UM1", "history <@U1>")
    assert "確定 レベル 2（修正）" in shown(bot)
    slash(bot, "UADMIN", "history <@U1>")
    assert "確定 レベル 2（修正）" in shown(bot)
    viewed = [e for e in bot.store.audit.events(TEAM) if e.action == AuditAction.HISTORY_VIEWED]
    assert [(e.actor, e.subject) for e in viewed] == [("UM1", "U1"), ("UADMIN", "U1")]


def test_an_old_result_keeps_its_level_and_framework_version(bot: Bot) -> None:
    """A result judged by an older framework is shown as it was, marked with its version."""
    old = ResultRecord(
        interview_id="iv-old",
        team=TEAM,
        user="U3",
        specialty="system_operations",
        completed_at=bot.ctx.now(),  # type: ignore[union-attr]
        framework_id="itss_operations",
        framework_version="0.9",
        verdict=Verdict(level=5, max_possible_level=5, next_level=None, missing=0),
        answers={},
    )
    key = PersonKey(team=TEAM, user="U3")
    from tests.flows.storage.test_contract import session

    bot.store.save(session(key, 0), expected_step=None)
    bot.store.complete(session(key, 1), old, expected_step=0)  # the release before sign-off
    slash(bot, "U3", "history")
    text = shown(bot)
    assert "自己評価 レベル 5 | 確定 -（自己評価のみ） | 判定基準 v0.9（当時の基準のまま）" in text


@pytest.mark.parametrize(
    ("user", "foreign"), [("U2", False), ("UM9", False), ("UEXT", True), ("U9", False)]
)
def test_history_of_another_is_denied_and_reveals_nothing(
    cycle: Bot, user: str, foreign: bool
) -> None:
    bot = cycle
    if foreign:
        bot.api.set_user("UEXT", is_admin=True, is_owner=True, team_id="T9EXTERNAL")
    before = [e.model_dump_json() for e in bot.store.audit.events(TEAM)]
    bot.api.clear()
    ack = slash(bot, user, "history <@U1>")
    (reply,) = replies(bot)
    assert reply.args["text"] == DENIED
    seen = json.dumps([c.args for c in bot.api.calls()], ensure_ascii=False, default=str) + ack
    for secret in ("レベル", "上期", "下期", "習熟"):
        assert secret not in seen
    assert not bot.api.calls("chat.postMessage")
    assert [e.model_dump_json() for e in bot.store.audit.events(TEAM)] == before
