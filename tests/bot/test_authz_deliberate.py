"""Who may see the whole team and the roster, through the real app (signed requests, the
recording Web API, a real Redis). Written for issue 14's deliberate bugs "any user sees
`/itss team all`" and "any user sees the roster": each actor who is not an admin of this
workspace is denied, nothing about the team reaches them through any channel the Web API
saw, and the request reads and writes nothing in the store. An admin's request, the same
text, gets the data: the denials are not denials of everything."""

from __future__ import annotations

import pytest

from bot.team import DENIED as TEAM_DENIED
from flows.storage.redis_store import RedisStore
from tests.bot.slack_env import Bot
from tests.bot.test_audit_slack import (
    commands_on,
    replies,
    said_to,
    slash,
    touched_by_request,
)

TEAM = "T0001"
ROSTER_DENIED = "名簿の変更・表示は管理者のみが行えます。"
# The roster of the workspace: two teams; the member ids are what must not leak.
ROSTER = {"USECRETA1": ["UMGR4"], "USECRETA2": ["UMGR4"], "USECRETB1": ["UMGR5"]}
SECRETS = ("USECRETA1", "USECRETA2", "USECRETB1", "UMGR5")
ACTORS = {"member": "USECRETA1", "manager": "UMGR4", "foreign_admin": "UEXT"}


def deny_check(bot: Bot, redis_url: str, actor: str, text: str, denied: str) -> None:
    """`text` sent by `actor` is answered with `denied` alone: no DM, no file, no secret in
    anything that reached them, no store command, the roster unchanged."""
    store = bot.store
    assert isinstance(store, RedisStore)
    store.set_managers(TEAM, ROSTER)
    user = ACTORS[actor]
    if actor == "foreign_admin":
        bot.api.set_user("UEXT", is_admin=True, is_owner=True, team_id="T9EXTERNAL")
    bot.api.clear()
    with commands_on(redis_url) as seen:
        ack = slash(bot, user, text)
    (reply,) = replies(bot)
    assert reply.args["text"] == denied
    said = said_to(bot, user, [ack])
    leaked = [s for s in SECRETS if s in said and s != user]
    assert leaked == [], f"{leaked} reached the {actor}"
    assert not bot.api.calls("chat.postMessage")
    assert not bot.api.calls("files.getUploadURLExternal")
    assert not bot.api.calls("upload")
    touched = touched_by_request(seen, store, user)
    assert touched == [], f"a denied request touched the store: {touched}"
    assert store.roster(TEAM) == ROSTER


@pytest.mark.parametrize("actor", sorted(ACTORS))
@pytest.mark.parametrize("text", ["team all", "team ALL", "team  all "])
def test_team_all_is_for_admins_only(bot: Bot, redis_url: str, actor: str, text: str) -> None:
    deny_check(bot, redis_url, actor, text, TEAM_DENIED)


@pytest.mark.parametrize("actor", sorted(ACTORS))
def test_another_managers_team_is_for_admins_only(bot: Bot, redis_url: str, actor: str) -> None:
    deny_check(bot, redis_url, actor, "team <@UMGR5>", TEAM_DENIED)


@pytest.mark.parametrize("actor", sorted(ACTORS))
@pytest.mark.parametrize("text", ["roster show", "roster SHOW", "roster", "roster set <@U9> <@U8>"])
def test_the_roster_is_for_admins_only(bot: Bot, redis_url: str, actor: str, text: str) -> None:
    deny_check(bot, redis_url, actor, text, ROSTER_DENIED)


def test_an_admin_sees_the_whole_team_and_the_roster(bot: Bot) -> None:
    assert isinstance(bot.store, RedisStore)
    bot.store.set_managers(TEAM, ROSTER)
    slash(bot, "UADMIN", "team all")
    team = said_to(bot, "UADMIN", [])
    assert all(member in team for member in ROSTER), team
    bot.api.clear()
    slash(bot, "UADMIN", "roster show")
    shown = said_to(bot, "UADMIN", [])
    assert all(f"<@{m}>" in shown for m in ROSTER), shown
    assert "<@UMGR5>" in shown
