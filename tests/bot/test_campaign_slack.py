"""Campaigns through signed requests into the real app, a real Redis and the recording Web
API, with a clock the test moves (never sleeping for a schedule): invitations with a start
button, reminders at 10:00 in each person's timezone on working days only, none after a
submission, the manager's digest the working day before the due date, status by team, close
and late submissions; then every denial."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from bot import ids
from bot.context import BotContext
from flows.session import PersonKey
from flows.storage.redis_store import RedisStore
from tests.bot.slack_env import SECRET, Bot, FakeNow, Person, blocks_text, running_bot
from tests.bot.test_slack_e2e import answer_until_review
from tests.slack_mock import Call, MockSlackApi
from tests.slack_requests import SlackClient

TEAM = "T0001"
START = datetime(2027, 3, 19, 0, 0, tzinfo=UTC)  # Friday 09:00 JST
ROSTER = {
    "UA1": ["UBOSS"],
    "UA2": ["UBOSS"],
    "UA3": ["UBOSS"],
    "UNY": ["UBOSS"],
    "UA4": ["UBOSS2"],
}
NAME = "2027上期"


@pytest.fixture
def clock() -> FakeNow:
    return FakeNow(START)


@pytest.fixture
def bot(
    api: MockSlackApi, redis_store: RedisStore, redis_url: str, clock: FakeNow
) -> Iterator[Bot]:
    api.set_user("UNY", tz="America/New_York")
    redis_store.set_managers(TEAM, ROSTER)
    with running_bot(api, redis_store, redis_url, clock) as running:
        yield running


def ctx_of(bot: Bot) -> BotContext:
    assert bot.ctx is not None
    return bot.ctx


def settle(bot: Bot) -> None:
    """Wait for the after-ack work of every request sent so far."""
    ctx = ctx_of(bot)
    ctx.executor.shutdown(wait=True)
    ctx.executor = ThreadPoolExecutor(4, "itss-after-ack")


def command(bot: Bot, user: str, text: str, slack: SlackClient | None = None) -> str:
    """`/itss text`; the ephemeral reply (response_url) it ends in."""
    before = len(bot.api.calls("response_url"))
    result = (slack or bot.slack).slash(user, text)
    assert result.status == 200, result
    settle(bot)
    replies = bot.api.calls("response_url")[before:]
    return "\n".join(str(c.args.get("text", "")) for c in replies)


def kind_posts(api: MockSlackApi, user: str, word: str) -> list[Call]:
    return [
        c
        for c in api.calls("chat.postMessage")
        if c.args.get("channel") == f"D{user}" and word in str(c.args.get("text", ""))
    ]


def reminders(api: MockSlackApi, user: str) -> list[Call]:
    return kind_posts(api, user, "リマインダー")


def invitations(api: MockSlackApi, user: str) -> list[Call]:
    return kind_posts(api, user, "参加のお願い")


def said_to(api: MockSlackApi, user: str) -> str:
    """Every reply and DM the recording Web API saw reach `user`."""
    parts = [json.dumps(c.args, ensure_ascii=False, default=str) for c in api.calls("response_url")]
    parts += [
        json.dumps(c.args, ensure_ascii=False, default=str)
        for c in api.calls()
        if c.args.get("channel") == f"D{user}"
    ]
    return "\n".join(parts)


def run_clock(
    bot: Bot, clock: FakeNow, until: datetime, sent_at: dict[str, list[datetime]]
) -> None:
    """Move the clock an hour at a time, draining after each step; note when each reminder
    reached whom."""
    ctx = ctx_of(bot)
    while clock.now < until:
        clock.advance(3600)
        seen = {u: len(reminders(bot.api, u)) for u in sent_at}
        ctx.courier.drain_due(1000)
        for user, before in seen.items():
            sent_at[user] += [clock.now] * (len(reminders(bot.api, user)) - before)


def submit(bot: Bot, user: str) -> None:
    """Start from the invitation's button, choose SO, answer as a level-1 persona, confirm."""
    person = Person(bot, user)
    (invite,) = invitations(bot.api, user)
    posts = len(person.posts())
    person.click(person.button(invite, ids.CAMPAIGN_START), invite, block_id="campaign")
    person.wait_posts(posts + 1)
    choice = person.screen()
    posts = len(person.posts())
    person.click(person.button(choice, ids.CHOOSE, "system_operations"), choice)
    person.wait_posts(posts + 1)
    review = answer_until_review(person, "system_operations", 1)
    person.click(person.button(review, ids.CONFIRM), review)
    settle(bot)


def test_a_campaign_from_invitation_to_close(bot: Bot, api: MockSlackApi, clock: FakeNow) -> None:
    reply = command(bot, "UADMIN", f"campaign start {NAME} 3/25 all")
    assert "5 人に招待を送りました" in reply, reply
    assert "2027年3月25日（木）" in reply
    for user in ROSTER:
        (invite,) = invitations(api, user)
        assert ids.CAMPAIGN_START in blocks_text(invite.args["blocks"])
        assert invite.args["metadata"]["event_type"] == "itss_delivery"
    (campaign,) = bot.store.campaigns(TEAM)
    assert campaign.members == sorted(ROSTER)

    sent_at: dict[str, list[datetime]] = {u: [] for u in ROSTER}
    # Tokyo: the first reminder is Tuesday 3/23 10:00 JST (weekend, then 振替休日 3/22)
    run_clock(bot, clock, datetime(2027, 3, 23, 3, 0, tzinfo=UTC), sent_at)
    assert sent_at["UA1"] == [datetime(2027, 3, 23, 1, 0, tzinfo=UTC)]
    submit(bot, "UA1")
    member = bot.store.memberships(PersonKey(team=TEAM, user="UA1"))[campaign.id]
    assert member.submitted_at is not None
    assert not member.late
    (record,) = bot.store.history(PersonKey(team=TEAM, user="UA1"))
    assert record.campaign == campaign.id

    run_clock(bot, clock, datetime(2027, 3, 26, 3, 0, tzinfo=UTC), sent_at)
    jst = [datetime(2027, 3, d, 1, 0, tzinfo=UTC) for d in (23, 24, 25)]
    assert sent_at["UA1"] == jst[:1]  # none after the submission
    assert sent_at["UA2"] == jst
    assert sent_at["UA4"] == jst
    # New York: Friday 3/19 is a day after the start there; 10:00 EDT is 14:00 UTC
    assert sent_at["UNY"] == [
        datetime(2027, 3, 19, 14, 0, tzinfo=UTC),
        datetime(2027, 3, 24, 14, 0, tzinfo=UTC),
        datetime(2027, 3, 25, 14, 0, tzinfo=UTC),
    ]
    for user in ROSTER:
        texts = [c.args["text"] for c in reminders(api, user)]
        assert all("2027年3月25日" in t for t in texts)

    # the managers' one list, on Wednesday 3/24 (the working day before the due date)
    (digest,) = kind_posts(api, "UBOSS", "未提出")
    listed = blocks_text(digest.args["blocks"])
    assert "未提出 3 人" in digest.args["text"]
    assert all(f"<@{u}>" in listed for u in ("UA2", "UA3", "UNY"))
    assert "UA1" not in listed
    (digest2,) = kind_posts(api, "UBOSS2", "未提出")
    assert "<@UA4>" in blocks_text(digest2.args["blocks"])

    # a late submission, then the status and the close
    submit(bot, "UA2")
    assert bot.store.memberships(PersonKey(team=TEAM, user="UA2"))[campaign.id].late
    assert "DM に送りました" in command(bot, "UADMIN", f"campaign status {NAME}")
    status = blocks_text(api.calls("chat.postMessage")[-1].args["blocks"])
    assert (
        "<@UBOSS> のチーム: 完了 0 / 承認待ち 2 / 回答中 0 / 未着手 2（4 人、期限後の提出 1）"
        in status
    )
    assert (
        "<@UBOSS2> のチーム: 完了 0 / 承認待ち 0 / 回答中 0 / 未着手 1（1 人）" in status
    )  # admin
    assert "*全体*: 完了 0 / 承認待ち 2" in status
    closed = command(bot, "UADMIN", f"campaign close {NAME}")
    assert "提出 2 / 5 人、うち期限後 1 人" in closed
    assert not bot.store.campaign_named(TEAM, NAME).open  # type: ignore[union-attr]
    assert "既に終了" in command(bot, "UADMIN", f"campaign close {NAME}")
    trail = [(e.action.value, e.actor, e.campaign) for e in bot.store.audit.events(TEAM)]
    assert trail[0] == ("campaign.started", "UADMIN", campaign.id)
    assert ("result.submitted", "UA1", campaign.id) in trail  # the submission names it
    assert trail[-1] == ("campaign.closed", "UADMIN", campaign.id)


def test_a_managers_status_hides_teams_smaller_than_three(bot: Bot, api: MockSlackApi) -> None:
    assert "1 人に招待" in command(bot, "UBOSS2", "campaign start 小チーム 4/30 team")
    assert "DM に送りました" in command(bot, "UBOSS2", "campaign status")
    status = blocks_text(api.calls("chat.postMessage")[-1].args["blocks"])
    assert "<@UBOSS2> のチーム: 非表示（3 人未満）" in status
    assert "*全体*: 非表示（3 人未満）" in status
    assert "UA4" not in status
    # a manager's mentions of their own reports are allowed
    assert "2 人に招待" in command(bot, "UBOSS", "campaign start 二人 4/30 <@UA1> <@UA2|a2>")


def test_a_reminder_missed_while_every_replica_was_down(
    bot: Bot, api: MockSlackApi, clock: FakeNow
) -> None:
    command(bot, "UADMIN", f"campaign start {NAME} 3/25 <@UA1>")
    ctx = ctx_of(bot)
    # down from Friday until Tuesday 3/23 19:30 JST: still within that day's allowed hours
    clock.now = datetime(2027, 3, 23, 10, 30, tzinfo=UTC)
    ctx.courier.drain_due()
    assert len(reminders(api, "UA1")) == 1
    # down again from then until Wednesday 20:30 JST (quiet hours): that day's one is dropped
    clock.now = datetime(2027, 3, 24, 11, 30, tzinfo=UTC)
    ctx.courier.drain_due()
    assert len(reminders(api, "UA1")) == 1
    clock.now = datetime(2027, 3, 25, 1, 0, tzinfo=UTC)
    ctx.courier.drain_due()
    assert [c.args["blocks"][-1]["elements"][0]["text"] for c in reminders(api, "UA1")] == [
        "リマインダー 1/3。提出すると次のリマインダーは届きません。",
        "リマインダー 3/3。提出すると次のリマインダーは届きません。",
    ]
    assert bot.store.outbox.pending(PersonKey(team=TEAM, user="UA1")) == []


# ---------------------------------------------------------------------- denials


def nothing_reached_anyone_but(api: MockSlackApi, actor: str) -> None:
    others = [c for c in api.calls("chat.postMessage") if c.args.get("channel") != f"D{actor}"]
    assert others == [], [c.args.get("channel") for c in others]


@pytest.mark.parametrize(
    ("actor", "text", "says"),
    [
        ("UA1", f"campaign start {NAME} 3/25 all", "管理者と名簿に部下がいるマネージャーだけ"),
        ("UA1", f"campaign start {NAME} 3/25 <@UA2>", "管理者と名簿に部下がいるマネージャーだけ"),
        ("UBOSS", f"campaign start {NAME} 3/25 all", "管理者のみ"),
        ("UBOSS", f"campaign start {NAME} 3/25 <@UA4>", "あなたの部下だけ"),
        ("UBOSS", f"campaign start {NAME} 3/25 <@UA1> <@UA4>", "あなたの部下だけ"),
        ("UEXT", f"campaign start {NAME} 3/25 all", "管理者と名簿に部下がいるマネージャーだけ"),
    ],
)
def test_who_may_not_start_a_campaign(
    bot: Bot, api: MockSlackApi, actor: str, text: str, says: str
) -> None:
    api.set_user("UEXT", is_admin=True, is_owner=True, team_id="T9EXTERNAL")
    assert says in command(bot, actor, text)
    assert bot.store.campaigns(TEAM) == []
    assert bot.store.memberships(PersonKey(team=TEAM, user="UA4")) == {}
    assert bot.store.outbox.pending(PersonKey(team=TEAM, user="UA4")) == []
    nothing_reached_anyone_but(api, actor)
    assert "UA4" not in said_to(api, actor).replace("<@UA4>", "")  # only what they typed


@pytest.mark.parametrize(
    ("actor", "team"),
    [("UBOSS2", TEAM), ("UA1", TEAM), ("UEXT", TEAM), ("UADMIN2", "T0002")],
)
def test_status_and_close_by_anyone_but_the_owner_and_admins(
    bot: Bot, api: MockSlackApi, actor: str, team: str
) -> None:
    api.set_user("UEXT", is_admin=True, is_owner=True, team_id="T9EXTERNAL")
    api.set_user("UADMIN2", is_admin=True, team_id="T0002")
    assert "4 人に招待" in command(bot, "UBOSS", f"campaign start {NAME} 3/25 team")
    (campaign,) = bot.store.campaigns(TEAM)
    api.clear()
    slack = SlackClient(bot.slack.base_url, SECRET, team, hooks_url=api.hooks_url)
    for text in (f"campaign status {NAME}", "campaign status", f"campaign close {NAME}"):
        reply = command(bot, actor, text, slack)
        assert "見つからないか" in reply or "確認できるキャンペーンはありません" in reply, reply
    said = said_to(api, actor)
    for secret in ("UA1", "UA2", "UA3", "UNY", "UBOSS", "完了", "未着手"):
        assert secret not in said, f"{secret} reached {actor}"
    assert api.calls("chat.postMessage") == []
    assert bot.store.campaign_by_id(TEAM, campaign.id) == campaign  # still open, unchanged
