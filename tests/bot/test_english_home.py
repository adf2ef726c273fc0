"""App Home in English through signed requests into the real app: a member's, a manager's and
an admin's dashboard for readers whose Slack is in English, paging, and the tabs a decision
republishes, each in its owner's language (a Japanese manager's decision refreshes an
English member's tab in English). tests/i18n_check.py; the Japanese dashboards are
test_home_slack.py's."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot import ids
from bot.blocks.common import escape
from bot.blocks.help import help_blocks
from bot.blocks.home import AdminLine, CampaignLine, Dashboard, Pending, home_view
from bot.blocks.status import status_blocks
from bot.home import dashboard
from flows.explain import level_name
from flows.i18n import using
from flows.session import PersonKey
from framework_data.loader import load_default
from framework_data.translate import localized
from tests.bot.slack_env import Bot, Person, blocks_text
from tests.bot.test_home_slack import button_value, homes, opened, settle, text
from tests.bot.test_picture_slack import complete
from tests.i18n_check import framework_texts, japanese_left, strings_of

TEAM = "T0001"
SO = "system_operations"
FW = load_default()
EN = localized(FW, "en")


def others(bot: Bot, user: str) -> set[str]:
    """What other parts of the bot put on `user`'s Home, in English once they are converted:
    the help, the status of their interview, the plans' lines, level names, the framework."""
    assert bot.ctx is not None
    with using("en"):
        dash = dashboard(bot.ctx, PersonKey(team=TEAM, user=user))
        shown = set(strings_of(help_blocks()))
        shown |= set(strings_of(status_blocks(dash.session, [], bot.ctx.framework)))
        shown |= {escape(p) for line in dash.results for p in line.plan}
        shown |= {level_name(level) for level in range(7)}
    return shown | framework_texts(FW) | framework_texts(EN)


def english_home(bot: Bot, user: str) -> str:
    """`user` opens their Home: nothing of it in Japanese but what others render."""
    view = opened(bot, user)
    assert japanese_left(view["blocks"], others(bot, user)) == []
    return text(view)


def test_a_members_home_is_english(bot: Bot) -> None:
    bot.api.set_user("UEN1", locale="en-US")
    bot.store.set_managers(TEAM, {"UEN1": ["UJM1"]})
    assert bot.slack.slash("UADMIN", "campaign start H1-2099 2099-03-15 all").status == 200
    settle(bot)
    before = english_home(bot, "UEN1")
    assert "Start an assessment" in before
    assert "*Campaign “H1-2099”*: due Mar 15, 2099 (not submitted)" in before
    complete(bot, "UEN1", SO, 3)
    shown = english_home(bot, "UEN1")
    with using("en"):
        level = level_name(3)
    today = datetime.now(UTC)
    assert f"self-assessed *{level}* (awaiting sign-off, {today:%b} {today.day}, " in shown
    assert "Your team" not in shown
    assert '"Admin"' not in shown


def test_a_managers_home_is_english(bot: Bot) -> None:
    bot.api.set_user("UEM1", locale="en-US")
    bot.store.set_managers(TEAM, {"U1": ["UEM1"], "U2": ["UEM1"]})
    complete(bot, "U1", SO, 4)
    shown = english_home(bot, "UEM1")
    assert '"Your team"' in shown
    assert "Reports: 2 · not started 1 / awaiting sign-off 1" in shown
    assert "*Awaiting your sign-off (1)*" in shown
    assert "<@U1>: " in shown
    assert "(submitted " in shown
    assert "Get the team status and chart in a DM" in shown
    assert '"Approve"' in shown
    assert '"Return"' in shown
    assert '"Modify"' in shown
    assert "Start a campaign" in shown


def test_an_admins_home_is_english(bot: Bot) -> None:
    bot.api.set_user("UADMIN", is_admin=True, locale="en-US")
    bot.store.set_managers(TEAM, {"UA1": ["UAM"], "UA2": ["UAM"], "UA3": ["UAM2"]})
    assert bot.slack.slash("UADMIN", "roster set <@UA3> <@UAM2> CS").status == 200
    settle(bot)
    quiet = english_home(bot, "UADMIN")
    assert "*Open campaigns*\\nNone" in quiet
    assert bot.slack.slash("UADMIN", "campaign start All-hands 2099-03-15 all").status == 200
    settle(bot)
    shown = english_home(bot, "UADMIN")
    assert '"Admin"' in shown
    assert "• “All-hands” due Mar 15, 2099: 0 of 3 submitted" in shown
    assert "*Roster*: members 3 / managers 2 / with a specialty 1" in shown


def test_a_long_home_is_paged_in_english() -> None:
    at = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    pending = [Pending(f"U{i:05d}", f"i{i}", SO, 3, at) for i in range(60)]
    dash = Dashboard(
        None,
        campaigns=[CampaignLine("c1", "FY2027", date(2027, 3, 15), True)],
        team={"awaiting sign-off": 60},
        pending=pending,
        admin_campaigns=[AdminLine("FY2027", date(2027, 3, 15), 10, 120)],
        roster={"members": 120},
        may_start_campaign=True,
    )
    with using("en"):
        first, second = home_view(dash, EN, 0), home_view(dash, EN, 1)
        allowed = set(strings_of(help_blocks())) | set(strings_of(status_blocks(None, [], EN)))
        allowed |= {level_name(3)} | framework_texts(FW) | framework_texts(EN)
    for page in (first, second):
        blocks = page["blocks"]
        assert isinstance(blocks, list)
        assert len(blocks) <= 100
        assert japanese_left(blocks, allowed) == []
    assert "Page 1 of 2" in text(first)
    assert "Next page ▶" in text(first)
    assert "◀ Previous page" in text(second)
    assert "(submitted Mar 1, 2027)" in text(first)
    assert "• “FY2027” due Mar 15, 2027: 10 of 120 submitted" in text(first) + text(second)


def test_a_japanese_managers_decision_refreshes_an_english_members_home_in_english(
    bot: Bot,
) -> None:
    bot.api.set_user("UEN2", locale="en-US")
    bot.store.set_managers(TEAM, {"UEN2": ["UJM2"]})
    complete(bot, "UEN2", SO, 3)
    mine = english_home(bot, "UEN2")  # the member has their tab open
    assert "awaiting sign-off" in mine
    view = opened(bot, "UJM2")
    assert "承認待ち（1 件）" in text(view)  # the manager reads Japanese
    before = len(homes(bot, "UEN2"))
    value = button_value(view, ids.REVIEW_APPROVE, "UEN2|")
    assert bot.slack.block_action("UJM2", ids.REVIEW_APPROVE, value, view=view).status == 200
    settle(bot)
    review = bot.store.latest_review(PersonKey(team=TEAM, user="UEN2"))
    assert review is not None
    assert (review.status, review.decided_by) == ("approved", "UJM2")

    refreshed: list[dict[str, Any]] = homes(bot, "UEN2")[before:]
    assert refreshed, "the member's open tab is republished"
    assert japanese_left(refreshed[-1]["blocks"], others(bot, "UEN2")) == []
    assert "(confirmed, " in text(refreshed[-1])
    assert "self-assessed" in text(refreshed[-1])
    manager = text(homes(bot, "UJM2")[-1])
    assert "部下 1 人: 確定 1" in manager  # the manager's own tab: in Japanese
    assert "承認待ち（" not in manager
    told = [c for c in Person(bot, "UEN2").posts() if "approved" in (c.args.get("text") or "")]
    assert told, "the member is told the outcome in English"
    assert "ITSS result approved" in blocks_text(told[-1].args["blocks"])
