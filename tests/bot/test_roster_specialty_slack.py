"""Roster specialty presets through signed requests into the real app, a real Redis and the
recording Web API: `/itss roster set … 専門分野` and the import's third column take the id,
the Japanese name and every alias; a campaign start presets each person's invitation with it,
and the start button opens the interview in that specialty. Roster rows of an earlier release
(manager lists only) still work. Denials change nothing and send nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from bot import ids
from flows.session import PersonKey
from flows.storage.redis_store import RedisStore
from tests.bot.slack_env import FW, Bot, FakeNow, Person, blocks_text, running_bot
from tests.bot.test_campaign_slack import START, command, invitations, said_to, settle
from tests.slack_mock import MockSlackApi

TEAM = "T0001"
ALIASES = [
    (alias, sp.id)
    for sp in FW.job_category.specialties
    for alias in dict.fromkeys((sp.id, sp.name, *sp.aliases))
]


@pytest.fixture
def bot(api: MockSlackApi, redis_store: RedisStore, redis_url: str) -> Iterator[Bot]:
    with running_bot(api, redis_store, redis_url, FakeNow(START)) as running:
        yield running


@pytest.mark.parametrize(("written", "specialty"), ALIASES, ids=[a for a, _ in ALIASES])
def test_roster_set_takes_every_name_of_a_specialty(bot: Bot, written: str, specialty: str) -> None:
    reply = command(bot, "UADMIN", f"roster set <@UA1> <@UBOSS> {written}")
    assert f"専門分野は {FW.specialty(specialty).name}" in reply, reply
    assert bot.store.roster(TEAM) == {"UA1": ["UBOSS"]}
    assert bot.store.specialties(TEAM) == {"UA1": specialty}


def test_roster_set_without_a_specialty_sets_the_whole_row(bot: Bot) -> None:
    command(bot, "UADMIN", "roster set <@UA1> <@UBOSS> <@UBOSS2> CS")
    assert bot.store.roster(TEAM) == {"UA1": ["UBOSS", "UBOSS2"]}
    reply = command(bot, "UADMIN", "roster set <@UA1> <@UBOSS>")
    assert "専門分野の指定はありません" in reply
    assert bot.store.specialties(TEAM) == {}
    command(bot, "UADMIN", "roster set <@UA1> <@UBOSS> SO")
    command(bot, "UADMIN", "roster show")
    shown = blocks_text(bot.api.calls("response_url")[-1].args["blocks"])
    assert "<@UA1> → <@UBOSS>（システムオペレーション）" in shown
    command(bot, "UADMIN", "roster remove <@UA1>")
    assert bot.store.roster(TEAM) == {}
    assert bot.store.specialties(TEAM) == {}


def test_roster_import_with_a_specialty_column(bot: Bot) -> None:
    lines = "\n".join(
        [
            "<@UA1>,<@UBOSS>,System Operations",
            "<@UA1>,<@UBOSS2>,",  # a second manager: the member's specialty stays
            "<@UA2>,<@UBOSS>,ヘルプデスク",
            "<@UA3>,<@UBOSS>",  # the two-column form of earlier releases
        ]
    )
    reply = command(bot, "UADMIN", "roster import\n" + lines)
    assert "3 人分の名簿を取り込みました（うち 2 人は専門分野つき）" in reply, reply
    assert bot.store.roster(TEAM) == {
        "UA1": ["UBOSS", "UBOSS2"],
        "UA2": ["UBOSS"],
        "UA3": ["UBOSS"],
    }
    assert bot.store.specialties(TEAM) == {"UA1": "system_operations", "UA2": "customer_support"}


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("roster set <@UA1> <@UBOSS> 営業", "専門分野「営業」が分かりません"),
        ("roster import\n<@UA1>,<@UBOSS>,SO\n<@UA2>,<@UBOSS>,営業", "2 行目: 専門分野「営業」"),
        ("roster import\n<@UA1>,<@UBOSS>,SO\n<@UA1>,<@UBOSS2>,CS", "別の専門分野"),
        ("roster import\n<@UA1>,<@UBOSS>,SO,x", "形式ではありません"),
    ],
)
def test_a_bad_specialty_changes_nothing(bot: Bot, text: str, says: str) -> None:
    bot.store.set_managers(TEAM, {"UA9": ["UBOSS"]}, {"UA9": "network_operations"})
    assert says in command(bot, "UADMIN", text)
    assert bot.store.roster(TEAM) == {"UA9": ["UBOSS"]}
    assert bot.store.specialties(TEAM) == {"UA9": "network_operations"}


@pytest.mark.parametrize("actor", ["UA1", "UBOSS", "UEXT"])
def test_only_admins_of_the_workspace_set_a_specialty(
    bot: Bot, api: MockSlackApi, actor: str
) -> None:
    api.set_user("UEXT", is_admin=True, is_owner=True, team_id="T9EXTERNAL")
    bot.store.set_managers(TEAM, {"UA1": ["UBOSS"]}, {"UA1": "network_operations"})
    for text in ("roster set <@UA1> <@UBOSS> SO", "roster import\n<@UA1>,<@UBOSS>,SO"):
        assert "管理者のみ" in command(bot, actor, text)
    assert bot.store.specialties(TEAM) == {"UA1": "network_operations"}
    assert api.calls("chat.postMessage") == []
    assert "network_operations" not in said_to(api, actor)


def test_a_campaign_presets_each_invitation_with_the_roster_specialty(
    bot: Bot, api: MockSlackApi, redis_client: redis.Redis
) -> None:
    # UOLD's row was written by an earlier release: a manager list and no preset
    redis_client.hset(bot.store.roster_key(TEAM), "UOLD", '["UBOSS"]')  # type: ignore[attr-defined]
    command(bot, "UADMIN", "roster set <@UA1> <@UBOSS> ネットワーク運用")
    command(bot, "UADMIN", "roster set <@UA2> <@UBOSS> CS")
    assert "3 人に招待" in command(bot, "UADMIN", "campaign start 上期 3/25 all")
    (campaign,) = bot.store.campaigns(TEAM)
    values = {}
    for user in ("UA1", "UA2", "UOLD"):
        (invite,) = invitations(api, user)
        (button,) = [
            e for b in invite.args["blocks"] for e in b.get("elements", []) if "action_id" in e
        ]
        values[user] = button["value"]
    assert values == {
        "UA1": f"{campaign.id}|network_operations",
        "UA2": f"{campaign.id}|customer_support",
        "UOLD": f"{campaign.id}|",
    }
    assert "専門分野: ネットワークオペレーション" in blocks_text(
        invitations(api, "UA1")[0].args["blocks"]
    )
    assert "専門分野" not in blocks_text(invitations(api, "UOLD")[0].args["blocks"])

    # the preset button opens the interview in that specialty; the old row's asks first
    for user, preset in (("UA1", True), ("UOLD", False)):
        person = Person(bot, user)
        (invite,) = invitations(api, user)
        posts = len(person.posts())
        person.click(person.button(invite, ids.CAMPAIGN_START), invite, block_id="campaign")
        person.wait_posts(posts + 1)
        settle(bot)
        shows_choice = ids.CHOOSE in blocks_text(person.screen().args["blocks"])
        assert shows_choice is not preset, user
    session = bot.store.load(PersonKey(team=TEAM, user="UA1"))
    assert session is not None
    assert session.specialty == "network_operations"
