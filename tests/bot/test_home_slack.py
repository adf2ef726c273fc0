"""App Home as a dashboard through signed requests into the real app: a person's own part, a
manager's team and pending sign-offs (decided from the Home tab), an admin's counts, paging,
the refresh after a submission and a decision, and what others never see there."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bot import ids
from flows.session import PersonKey
from tests.bot.slack_env import Bot, Person
from tests.bot.test_audit_slack import answer_to_review
from tests.slack_mock import Call

TEAM = "T0001"


def settle(bot: Bot) -> None:
    ctx = bot.ctx
    assert ctx is not None
    ctx.executor.shutdown(wait=True)
    ctx.executor = ThreadPoolExecutor(4, "itss-after-ack")


def submit(bot: Bot, user: str, level: int) -> None:
    person = Person(bot, user)
    before = len(person.posts())
    person.command("start SO")
    person.wait_posts(before + 1)
    screen = answer_to_review(person, level)
    person.click(person.button(screen, ids.CONFIRM), screen)
    settle(bot)


def homes(bot: Bot, user: str) -> list[dict[str, Any]]:
    return [c.args["view"] for c in bot.api.calls("views.publish") if c.args["user_id"] == user]


def opened(bot: Bot, user: str) -> dict[str, Any]:
    assert bot.slack.app_home_opened(user).status == 200
    settle(bot)
    return homes(bot, user)[-1]


def text(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def button_value(view: dict[str, Any], action_id: str, starts: str = "") -> str:
    for block in view["blocks"]:
        for element in block.get("elements") or []:
            value = str(element.get("value", ""))
            if element.get("action_id") == action_id and value.startswith(starts):
                return value
    raise AssertionError(f"no {action_id} button {starts!r}")


def test_a_person_sees_their_result_plan_and_campaign(bot: Bot) -> None:
    bot.store.set_managers(TEAM, {"UH1": ["UHM"]})
    assert bot.slack.slash("UADMIN", "campaign start 上期2099 2099-03-15 all").status == 200
    settle(bot)
    submit(bot, "UH1", 3)
    view = opened(bot, "UH1")
    shown = text(view)
    assert "システムオペレーション" in shown
    assert "自己評価 *レベル 3*" in shown
    assert "承認待ち" in shown
    assert "レベル 4 に向けた育成計画" in shown  # the plan's first items
    assert "上期2099" in shown
    assert "提出済み" in shown
    # no admin part, no team part for a plain member
    assert '"text": "管理者"' not in shown
    assert '"text": "チーム"' not in shown


def test_a_manager_decides_from_home_and_every_home_is_refreshed(bot: Bot) -> None:
    bot.store.set_managers(TEAM, {"UH2": ["UHM2"], "UH3": ["UHM2"], "UH9": ["UOTHER"]})
    opened(bot, "UHM2")  # the manager has the tab open while their reports submit
    opened(bot, "UH2")
    submit(bot, "UH2", 4)
    submit(bot, "UH3", 2)
    submit(bot, "UH9", 2)
    # the submissions already published the manager's Home: both waiting
    refreshed = text(homes(bot, "UHM2")[-1])
    assert "<@UH2>" in refreshed
    assert "<@UH3>" in refreshed
    view = opened(bot, "UHM2")
    shown = text(view)
    assert "承認待ち（2 件）" in shown
    assert "部下 2 人: 承認待ち 2" in shown
    assert "UH9" not in shown  # another manager's report
    value = button_value(view, ids.REVIEW_APPROVE, "UH2|")
    before = len(homes(bot, "UH2"))
    result = bot.slack.block_action("UHM2", ids.REVIEW_APPROVE, value, view=view)
    assert result.status == 200
    settle(bot)
    review = bot.store.latest_review(PersonKey(team=TEAM, user="UH2"))
    assert review is not None
    assert (review.status, review.decided_by) == ("approved", "UHM2")
    after = text(homes(bot, "UHM2")[-1])
    assert "承認待ち（1 件）" in after
    assert "UH2|" not in after  # decided: no buttons left for it
    assert len(homes(bot, "UH2")) > before  # the person's Home shows the decision
    assert "確定" in text(homes(bot, "UH2")[-1])


def test_an_admin_sees_campaigns_and_the_roster(bot: Bot) -> None:
    bot.store.set_managers(TEAM, {"UA1": ["UAM"], "UA2": ["UAM"], "UA3": ["UAM2"]})
    assert bot.slack.slash("UADMIN", "roster set <@UA3> <@UAM2> CS").status == 200
    assert bot.slack.slash("UADMIN", "campaign start 全社 2099-03-15 all").status == 200
    settle(bot)
    shown = text(opened(bot, "UADMIN"))
    assert "「全社」 期限 2099-03-15: 提出 0 / 3 人" in shown
    assert "*名簿*: 登録 3 / マネージャー 2 / 専門分野の登録 1" in shown
    assert ids.CAMPAIGN_OPEN in shown
    assert "「全社」" not in text(opened(bot, "UA3")).replace("キャンペーン「全社」", "")


def test_a_long_home_is_paged(bot: Bot) -> None:
    ctx = bot.ctx
    assert ctx is not None
    reports = [f"UP{i:02d}" for i in range(60)]
    bot.store.set_managers(TEAM, {r: ["UPM"] for r in reports})
    for user in reports:
        from tests.bot.test_picture_slack import complete

        complete(bot, user, "system_operations", 2)
    first = opened(bot, "UPM")
    assert len(first["blocks"]) <= 100
    assert "1 / 2 ページ" in text(first)
    nxt = button_value(first, f"{ids.HOME_PAGE}:next")
    result = bot.slack.block_action("UPM", f"{ids.HOME_PAGE}:next", nxt, view=first)
    assert result.status == 200
    settle(bot)
    second = homes(bot, "UPM")[-1]
    assert "2 / 2 ページ" in text(second)
    shown = text(first) + text(second)
    assert all(f"<@{r}>" in shown for r in reports), "every pending sign-off on some page"


def test_refreshes_reach_only_open_tabs_of_those_who_may_see(bot: Bot) -> None:
    """A submission republishes the Home of the person and their managers, and only of those
    who opened it lately (a tab not on screen is drawn afresh when next opened)."""
    bot.store.set_managers(TEAM, {"UR1": ["URM", "URM2"], "UR2": ["UROTHER"]})
    for user in ("URM", "UROTHER"):
        opened(bot, user)
    bot.api.clear()
    submit(bot, "UR1", 2)
    published: list[Call] = bot.api.calls("views.publish")
    assert [c.args["user_id"] for c in published] == ["URM"]
    assert "<@UR1>" in text(published[0].args["view"])


def test_a_tab_opened_long_ago_is_not_republished() -> None:
    from bot.home import WATCH_SECONDS, HomeWatchers
    from tests.bot.slack_env import FakeNow

    clock = FakeNow()
    watchers = HomeWatchers(clock)
    watchers.opened(PersonKey(team=TEAM, user="UW1"))
    assert watchers.watching(TEAM, "UW1")
    assert not watchers.watching(TEAM, "UW2")
    assert not watchers.watching("T0002", "UW1")
    clock.advance(WATCH_SECONDS + 1)
    assert not watchers.watching(TEAM, "UW1")
