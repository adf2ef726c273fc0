"""The App Home campaign modal through signed requests into the real app, a real Redis and
the recording Web API: who sees 「キャンペーンを開始」, what the modal offers, the slash
command's checks shown beside the input at fault (`response_action: errors`), a start that is
the command's (campaign, invitations, audit event, the reply in the DM), and every denial —
which stores nothing, sends nothing and names nobody."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot import ids
from bot.blocks.campaign_modal import VALUE
from flows.session import PersonKey
from flows.storage.redis_store import RedisStore
from tests.bot.slack_env import Bot, FakeNow, blocks_text, running_bot
from tests.bot.test_campaign_slack import ROSTER, START, invitations, settle
from tests.slack_mock import Call, MockSlackApi
from tests.slack_requests import HttpResult

TEAM = "T0001"


@pytest.fixture
def bot(api: MockSlackApi, redis_store: RedisStore, redis_url: str) -> Iterator[Bot]:
    api.set_user("UEXT", is_admin=True, is_owner=True, team_id="T9EXTERNAL")
    redis_store.set_managers(TEAM, ROSTER, {"UA1": "customer_support"})
    with running_bot(api, redis_store, redis_url, FakeNow(START)) as running:
        yield running


def home_of(bot: Bot, user: str) -> dict[str, Any]:
    assert bot.slack.app_home_opened(user).status == 200
    settle(bot)
    (publish,) = [c for c in bot.api.calls("views.publish") if c.args["user_id"] == user]
    view: dict[str, Any] = publish.args["view"]
    return view


def open_modal(bot: Bot, user: str) -> dict[str, Any]:
    before = len(bot.api.calls("views.open"))
    home = {"id": "VHOME", "type": "home", "blocks": []}
    result = bot.slack.block_action(user, ids.CAMPAIGN_OPEN, "open", view=home)
    assert result.status == 200, result
    settle(bot)
    (opened,) = bot.api.calls("views.open")[before:]
    view: dict[str, Any] = opened.args["view"]
    return view


def form(
    name: str = "上期",
    due: str | None = "2027-03-25",
    target: str = "all",
    people: tuple[str, ...] = (),
) -> dict[str, Any]:
    values: dict[str, Any] = {
        ids.CAMPAIGN_NAME_BLOCK: {VALUE: {"type": "plain_text_input", "value": name}},
        ids.CAMPAIGN_DUE_BLOCK: {VALUE: {"type": "datepicker", "selected_date": due}},
        ids.CAMPAIGN_TARGET_BLOCK: {
            VALUE: {"type": "radio_buttons", "selected_option": {"value": target}}
        },
        ids.CAMPAIGN_PEOPLE_BLOCK: {
            VALUE: {"type": "multi_users_select", "selected_users": list(people)}
        },
    }
    return values


def submit(bot: Bot, user: str, values: dict[str, Any]) -> HttpResult:
    result = bot.slack.view_submission(user, ids.CAMPAIGN_MODAL, values)
    assert result.status == 200, result
    settle(bot)
    return result


def errors(result: HttpResult) -> dict[str, str]:
    body = result.json()
    assert body["response_action"] == "errors", body
    found: dict[str, str] = body["errors"]
    return found


def dms(api: MockSlackApi) -> list[Call]:
    return api.calls("chat.postMessage")


def nothing_started(bot: Bot) -> None:
    assert bot.store.campaigns(TEAM) == []
    for user in ROSTER:
        key = PersonKey(team=TEAM, user=user)
        assert bot.store.memberships(key) == {}
        assert bot.store.outbox.pending(key) == []
    assert dms(bot.api) == []
    assert [e.action.value for e in bot.store.audit.events(TEAM)] == []


# ---------------------------------------------------------------------- the button and the form


@pytest.mark.parametrize(
    ("user", "shown"),
    [("UADMIN", True), ("UBOSS", True), ("UA1", False), ("UEXT", False)],
    ids=["admin", "manager", "member", "admin of another workspace"],
)
def test_the_home_button_is_for_those_who_may_start_one(bot: Bot, user: str, shown: bool) -> None:
    assert (ids.CAMPAIGN_OPEN in blocks_text(home_of(bot, user)["blocks"])) is shown


def test_the_modal_offers_all_to_admins_only(bot: Bot) -> None:
    admin = open_modal(bot, "UADMIN")
    assert admin["callback_id"] == ids.CAMPAIGN_MODAL
    blocks = {b["block_id"]: b for b in admin["blocks"]}
    assert blocks[ids.CAMPAIGN_DUE_BLOCK]["element"]["type"] == "datepicker"
    assert blocks[ids.CAMPAIGN_PEOPLE_BLOCK]["element"]["type"] == "multi_users_select"
    options = blocks[ids.CAMPAIGN_TARGET_BLOCK]["element"]["options"]
    assert [o["value"] for o in options] == ["all", "team", "mentions"]
    manager = {b["block_id"]: b for b in open_modal(bot, "UBOSS")["blocks"]}
    options = manager[ids.CAMPAIGN_TARGET_BLOCK]["element"]["options"]
    assert [o["value"] for o in options] == ["team", "mentions"]


@pytest.mark.parametrize("user", ["UA1", "UEXT"], ids=["member", "admin of another workspace"])
def test_a_member_who_clicks_anyway_is_refused_without_a_form(bot: Bot, user: str) -> None:
    view = open_modal(bot, user)
    assert "callback_id" not in view
    assert [b["type"] for b in view["blocks"]] == ["section"]
    text = blocks_text(view["blocks"])
    assert "管理者と名簿に部下がいるマネージャーだけ" in text
    assert not any(u in text for u in ROSTER)
    assert set(bot.api.methods()) <= {"auth.test", "users.info", "views.open"}
    nothing_started(bot)


# ---------------------------------------------------------------------- a start


def test_an_admins_submission_starts_the_campaign_as_the_command_does(bot: Bot) -> None:
    result = submit(bot, "UADMIN", form())
    assert result.body == "", result  # closes the modal
    (campaign,) = bot.store.campaigns(TEAM)
    assert (campaign.name, campaign.scope, campaign.owner) == ("上期", "all", "UADMIN")
    assert campaign.members == sorted(ROSTER)
    assert str(campaign.due) == "2027-03-25"
    for user in ROSTER:
        (invite,) = invitations(bot.api, user)
        preset = "customer_support" if user == "UA1" else ""
        assert f'"{campaign.id}|{preset}"' in json.dumps(invite.args["blocks"])
    (event,) = bot.store.audit.events(TEAM)
    assert (event.action.value, event.actor, event.campaign) == (
        "campaign.started",
        "UADMIN",
        campaign.id,
    )
    assert event.detail == {"members": "5"}
    (reply,) = [c for c in dms(bot.api) if c.args["channel"] == "DUADMIN"]
    assert "5 人に招待を送りました" in reply.args["text"]


def test_a_manager_starts_one_for_chosen_reports(bot: Bot) -> None:
    result = submit(bot, "UBOSS", form(target="mentions", people=("UA1", "UA2")))
    assert result.body == ""
    (campaign,) = bot.store.campaigns(TEAM)
    assert campaign.members == ["UA1", "UA2"]
    assert [bool(invitations(bot.api, u)) for u in ("UA1", "UA2", "UA3")] == [True, True, False]


@pytest.mark.parametrize(
    ("values", "block", "says"),
    [
        (form(name="上 期"), ids.CAMPAIGN_NAME_BLOCK, "は使えません"),
        (form(name=""), ids.CAMPAIGN_NAME_BLOCK, "入力してください"),
        (form(due="2027-03-18"), ids.CAMPAIGN_DUE_BLOCK, "今日以降"),
        (form(due=None), ids.CAMPAIGN_DUE_BLOCK, "期限を選んでください"),
        (form(target="mentions"), ids.CAMPAIGN_PEOPLE_BLOCK, "対象にする人を選んで"),
        (form(target="team", people=("UA1",)), ids.CAMPAIGN_PEOPLE_BLOCK, "「指定した人」"),
        (form(target="mentions", people=("U1}",)), ids.CAMPAIGN_PEOPLE_BLOCK, "分かりません"),
        (form(target="mentions", people=("@UA1",)), ids.CAMPAIGN_PEOPLE_BLOCK, "分かりません"),
        (form(target="everyone"), ids.CAMPAIGN_TARGET_BLOCK, "対象を選んでください"),
        (form(target="team"), ids.CAMPAIGN_TARGET_BLOCK, "対象になる人がいません"),  # no reports
    ],
)
def test_mistakes_are_shown_beside_their_input(
    bot: Bot, values: dict[str, Any], block: str, says: str
) -> None:
    found = errors(submit(bot, "UADMIN", values))
    assert list(found) == [block], found
    assert says in found[block]
    nothing_started(bot)


def test_a_name_already_used_is_shown_in_the_modal(bot: Bot) -> None:
    assert submit(bot, "UADMIN", form()).body == ""
    bot.api.clear()
    found = errors(submit(bot, "UADMIN", form(target="team")))
    assert "既にあります" in found[ids.CAMPAIGN_NAME_BLOCK]
    assert len(bot.store.campaigns(TEAM)) == 1
    assert dms(bot.api) == []


# ---------------------------------------------------------------------- denials


@pytest.mark.parametrize(
    ("user", "values", "block", "says"),
    [
        ("UA1", form(target="team"), ids.CAMPAIGN_NAME_BLOCK, "管理者と名簿に部下がいる"),
        ("UA1", form(target="mentions", people=("UA2",)), ids.CAMPAIGN_NAME_BLOCK, "管理者と"),
        ("UEXT", form(), ids.CAMPAIGN_NAME_BLOCK, "管理者と名簿に部下がいる"),
        ("UBOSS", form(), ids.CAMPAIGN_TARGET_BLOCK, "管理者のみ"),
        (
            "UBOSS",
            form(target="mentions", people=("UA1", "UA4")),
            ids.CAMPAIGN_PEOPLE_BLOCK,
            "あなたの部下だけ",
        ),
    ],
    ids=[
        "member",
        "member naming someone",
        "admin of another workspace",
        "manager choosing all",
        "manager naming another team's report",
    ],
)
def test_who_may_not_start_one_from_the_modal(
    bot: Bot, user: str, values: dict[str, Any], block: str, says: str
) -> None:
    result = submit(bot, user, values)
    found = errors(result)
    assert list(found) == [block], found
    assert says in found[block]
    for other in [*ROSTER, "UBOSS", "UBOSS2"]:  # the reply names nobody, not even who was typed
        assert other not in result.body, other
    assert set(bot.api.methods()) <= {"auth.test", "users.info"}  # who asks; nothing sent
    nothing_started(bot)


def test_with_redis_down_the_modal_stays_open_and_says_so(api: MockSlackApi) -> None:
    down = RedisStore.from_url("redis://127.0.0.1:1/0")  # nothing listens on port 1
    with running_bot(api, down, "redis://127.0.0.1:1/0", FakeNow(START)) as unreachable:
        found = errors(submit(unreachable, "UADMIN", form()))
    assert "一時的にデータベースに接続できません" in found[ids.CAMPAIGN_NAME_BLOCK]
    assert api.calls("chat.postMessage") == []
