"""Campaigns and notices in English (issue 13): every invitation, reminder, digest, status,
modal, reply and outbox notice rendered for an English reader shows no Japanese but the
standard's words and what people typed; the same campaign reaches each member in their own
language (their Slack locale), through signed requests into the real app."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from slack_sdk.models.views import View

from bot import ids
from bot.blocks.campaign import (
    digest_message,
    due_text,
    invite_message,
    reminder_message,
    status_blocks,
)
from bot.blocks.campaign_modal import campaign_modal, refused_modal
from bot.blocks.notices import REASONS, notice_text, reason_text
from bot.campaign_modal import Form, _problems
from bot.delivery import SlackSender
from flows.campaign import Denied, members_in_scope, tally
from flows.explain import level_name
from flows.i18n import t, using
from flows.outbox import Delivery
from flows.storage.redis_store import RedisStore
from framework_data.translate import localized
from tests.bot.slack_env import FW, Bot, FakeNow, blocks_text, running_bot
from tests.bot.test_blocks import check, record
from tests.bot.test_campaign_blocks import CAMPAIGN, PROGRESS, ROSTER
from tests.bot.test_campaign_modal_slack import errors, form, open_modal, submit
from tests.bot.test_campaign_slack import command, ctx_of, settle
from tests.i18n_check import framework_texts, japanese_left
from tests.slack_mock import Call, MockSlackApi

FW_TEXTS = framework_texts(FW)
TYPED = {CAMPAIGN.name, "上期"}  # campaign names people typed


def english(shown: Any) -> None:
    """Nothing Japanese is left for an English reader but the standard's and typed words."""
    assert japanese_left(shown, FW_TEXTS | TYPED) == []


# ---------------------------------------------------------------------- the messages


def test_the_due_date_reads_as_each_language_writes_it() -> None:
    weekdays = "月火水木金土日"
    for i in range(0, 3000, 7):  # every weekday, across leap years
        d = date(2026, 1, 1) + timedelta(days=i)
        assert due_text(d) == f"{d.year}年{d.month}月{d.day}日（{weekdays[d.weekday()]}）"
        assert due_text(d + timedelta(days=3))[-2] == weekdays[(d.weekday() + 3) % 7]
    with using("en"):
        assert due_text(date(2027, 3, 25)) == "Thu, Mar 25, 2027"
        assert due_text(date(2026, 12, 1)) == "Tue, Dec 1, 2026"


def test_invitation_reminder_and_digest_in_english() -> None:
    with using("en"):
        specialty = localized(FW, "en").specialty("network_operations").name
        text, blocks = invite_message(CAMPAIGN, "network_operations", specialty)
        check(blocks)
        english([text, blocks])
        assert text == "Please take the ITSS skill assessment “2027上期” (due Thu, Mar 25, 2027)"
        shown = blocks_text(blocks)
        assert "submit your self-assessment by *Thu, Mar 25, 2027*" in shown
        assert f"Specialty: {specialty}" in shown
        assert blocks[1]["elements"][0]["text"]["text"] == "Start the assessment"
        assert "Requested by <@UADMIN>" in shown

        text, blocks = reminder_message(CAMPAIGN, 2, 3)
        check(blocks)
        english([text, blocks])
        assert text.startswith("Reminder: the ITSS skill assessment “2027上期” is due Thu")
        assert "You haven’t submitted" in blocks_text(blocks)
        assert "Reminder 2/3." in blocks_text(blocks)

        text, blocks = digest_message(CAMPAIGN, ["UA3", "UA4"])
        check(blocks)
        english([text, blocks])
        assert "2 not submitted" in text
        assert "<@UA3>, <@UA4>" in blocks_text(blocks)
        assert "Your reports who haven’t submitted yet (2):" in blocks_text(blocks)


def test_the_status_in_english_for_an_admin_a_manager_and_many_teams() -> None:
    args = (CAMPAIGN.members, PROGRESS, ["UA2"], {**ROSTER, "UB1": []})
    with using("en"):
        admin = status_blocks(CAMPAIGN, tally(*args, reveal_small=True, min_group=3), 3)
        check(admin)
        english(admin)
        shown = blocks_text(admin)
        assert "— open, due Thu, Mar 25, 2027, requested by <@UADMIN>" in shown
        assert (
            "<@UM1>’s team: Done 2 / Awaiting sign-off 0 / In progress 1 / Not started 1"
            " (4 in all, 1 late)"
        ) in shown
        assert "No manager on the roster: Done 1" in shown
        assert "*Overall*: Done 3" in shown
        manager = status_blocks(CAMPAIGN, tally(*args, reveal_small=False, min_group=3), 3)
        english(manager)
        assert "No manager on the roster: Hidden (fewer than 3 people)" in blocks_text(manager)
        closed = CAMPAIGN.model_copy(update={"status": "closed"})
        rows = tally(*args, reveal_small=True, min_group=3)
        assert "— closed, due" in blocks_text(status_blocks(closed, rows, 3))

        members = [f"U{i:04d}" for i in range(2000)]
        roster = {m: [f"UM{i:04d}"] for i, m in enumerate(members)}
        rows = tally(members, {}, [], roster, reveal_small=True, min_group=3)
        many = status_blocks(CAMPAIGN, rows, 3)
        check(many)
        english(many)
        # longer lines than Japanese, so fewer a section, none cut: every team is counted
        assert len(many) <= 50
        lines = [line for b in many[1:-1] for line in b["text"]["text"].split("\n")]
        assert all(line.endswith(" in all)") for line in lines[:-1])
        more = re.fullmatch(r"…and (\d+) more teams", lines[-1])
        assert more is not None
        assert len(lines) - 1 + int(more.group(1)) == 2000


def test_the_modals_in_english_within_slacks_limits() -> None:
    with using("en"):
        for is_admin in (True, False):
            modal = campaign_modal(is_admin=is_admin)
            View(**modal).validate_json()  # type: ignore[arg-type]
            english(modal)
        modal = campaign_modal(is_admin=True)
        assert modal["title"] == {"type": "plain_text", "text": "Start a campaign"}
        for part in ("title", "submit", "close"):
            assert len(modal[part]["text"]) <= 24  # type: ignore[index]
        placeholder = modal["blocks"][0]["element"]["placeholder"]["text"]  # type: ignore[index]
        assert placeholder == "e.g. 2027-H1 (no spaces, @, <, >, | or &)"
        assert len(placeholder) <= 150
        labels = [b["label"]["text"] for b in modal["blocks"]]  # type: ignore[attr-defined]
        assert labels[:3] == ["Campaign name", "Due date", "Who takes part"]
        options = modal["blocks"][2]["element"]["options"]  # type: ignore[index]
        assert [o["text"]["text"] for o in options] == [
            "Everyone on the roster",
            "Your reports on the roster",
            "Specific people",
        ]
        refused = refused_modal(t("campaign.not_allowed"))
        View(**refused).validate_json()  # type: ignore[arg-type]
        english(refused)
        assert "Only admins, and managers with reports" in blocks_text(refused["blocks"])  # type: ignore[arg-type]


def test_the_forms_mistakes_and_the_denials_in_english() -> None:
    cases = [
        Form("", "", "", ()),
        Form("x", "2027-03-25", "team", ("UA1",)),
        Form("x", "2027-03-25", "mentions", ()),
        Form("x", "2027-03-25", "mentions", ("@UA1",)),
    ]
    scopes = [None, "team", "mentions", "mentions"]
    with using("en"):
        said = [_problems(f, s) for f, s in zip(cases, scopes, strict=True)]  # type: ignore[arg-type]
        english(said)
        assert list(said[0].values()) == [
            "Enter a campaign name.",
            "Pick a due date.",
            "Choose who takes part.",
        ]
        assert "“Specific people”" in said[1][ids.CAMPAIGN_PEOPLE_BLOCK]
        refusals = []
        for scope, actor, mentioned in (
            ("all", "UM1", []),
            ("mentions", "UM1", ["UB1"]),
            ("team", "UX", []),
        ):
            with pytest.raises(Denied) as denied:
                members_in_scope(scope, actor, is_admin=False, roster=ROSTER, mentioned=mentioned)  # type: ignore[arg-type]
            refusals.append(str(denied.value))
        english(refusals)
        assert refusals == [
            "Only admins can start a campaign for `all`.",
            "As a manager, you can only include your own reports on the roster.",
            "There’s nobody to include. Check that your reports are on the roster (`/itss roster`).",
        ]


NOTICE = Delivery(
    id="i1:n",
    team="T1",
    user="U1",
    recipient="U1",
    kind="no_manager",
    about="UM1",
    created_at=datetime(2027, 3, 19, tzinfo=UTC),
)


@pytest.mark.parametrize(
    "kind", ["no_manager", "no_manager_admin", "undelivered", "undelivered_admin"]
)
@pytest.mark.parametrize("reason", [*REASONS, "account_inactive"])
def test_every_notice_and_reason_in_english(kind: str, reason: str) -> None:
    delivery = NOTICE.model_copy(update={"kind": kind, "reason": reason})
    with using("en"):
        name = localized(FW, "en").specialty("system_operations").name
        text = notice_text(delivery, name)
    english(text)
    expected = {
        "no_manager": "Your result wasn’t sent to a manager",
        "no_manager_admin": f"<@U1> finished an ITSS assessment ({name})",
        "undelivered": "Your result couldn’t be sent to <@UM1> (",
        "undelivered_admin": f"<@U1>’s ITSS result ({name}) couldn’t be sent to them (",
    }
    assert text.startswith(expected[kind]), text
    if kind.startswith("undelivered"):
        with using("en"):
            assert f"({reason_text(reason)})" in text
        assert ("error “account_inactive”" in text) is (reason == "account_inactive")


# ---------------------------------------------------------------------- through Slack

TEAM = "T0001"
START = datetime(2027, 3, 19, 0, 0, tzinfo=UTC)  # Friday 09:00 JST
LANGS = {"UEN": ["UBOSS"], "UJA": ["UBOSS"], "UJA2": ["UBOSSJA"]}


@pytest.fixture
def clock() -> FakeNow:
    return FakeNow(START)


@pytest.fixture
def bot(
    api: MockSlackApi, redis_store: RedisStore, redis_url: str, clock: FakeNow
) -> Iterator[Bot]:
    api.set_user("UEN", locale="en-US", tz="Europe/London")
    api.set_user("UBOSS", locale="en-GB")
    redis_store.set_managers(TEAM, LANGS)
    with running_bot(api, redis_store, redis_url, clock) as running:
        yield running


def campaign_posts(api: MockSlackApi, user: str, kind: str) -> list[Call]:
    """What reached `user`'s DM as one kind of campaign delivery (by its metadata)."""
    return [
        c
        for c in api.calls("chat.postMessage")
        if c.args.get("channel") == f"D{user}"
        and f":{kind}" in str((c.args.get("metadata") or {}).get("event_payload", {}))
    ]


def test_one_campaign_reaches_each_member_in_their_own_language(
    bot: Bot, api: MockSlackApi, clock: FakeNow
) -> None:
    reply = command(bot, "UADMIN", "campaign start 上期 3/25 all")  # a Japanese admin
    assert "3 人に招待を送りました（期限 2027年3月25日（木））" in reply, reply
    (campaign,) = bot.store.campaigns(TEAM)

    (en,) = campaign_posts(api, "UEN", "invite")
    english(en.args)
    assert en.args["text"] == "Please take the ITSS skill assessment “上期” (due Thu, Mar 25, 2027)"
    assert "Start the assessment" in json.dumps(en.args["blocks"])
    (ja,) = campaign_posts(api, "UJA", "invite")
    assert (ja.args["text"], ja.args["blocks"]) == invite_message(campaign, "", "")
    assert ja.args["text"] == "ITSS スキル診断「上期」への参加のお願い（期限: 2027年3月25日（木））"

    ctx = ctx_of(bot)
    while clock.now < datetime(2027, 3, 26, tzinfo=UTC):
        clock.advance(3600)
        ctx.courier.drain_due(1000)
    reminded = campaign_posts(api, "UEN", "reminder")
    assert len(reminded) == 3
    english([c.args for c in reminded])
    assert [c.args["blocks"][-1]["elements"][0]["text"][:13] for c in reminded] == [
        "Reminder 1/3.",
        "Reminder 2/3.",
        "Reminder 3/3.",
    ]
    assert all(
        "リマインダー: ITSS" in c.args["text"] for c in campaign_posts(api, "UJA", "reminder")
    )
    (digest,) = campaign_posts(api, "UBOSS", "digest")  # an English manager
    english(digest.args)
    assert "2 not submitted" in digest.args["text"]
    (digest_ja,) = campaign_posts(api, "UBOSSJA", "digest")
    assert "未提出 1 人" in digest_ja.args["text"]


def test_an_english_admin_runs_a_campaign_in_english(bot: Bot, api: MockSlackApi) -> None:
    api.set_user("UADMIN", locale="en-US")
    replies = [
        command(bot, "UADMIN", "campaign"),
        command(bot, "UADMIN", "campaign start a@b 3/25 all"),
        command(bot, "UADMIN", "campaign start 上期 someday all"),
        command(bot, "UADMIN", "campaign status"),
        command(bot, "UADMIN", "campaign status nothing"),
    ]
    english(replies)
    assert replies[0].startswith("Usage:\n`/itss campaign start NAME DUE WHO`")
    assert replies[1].startswith("“a@b” can’t be used as a campaign name")
    assert "I don’t understand the due date “someday”" in replies[2]
    assert replies[3] == "There are no campaigns you can view."
    assert replies[4] == "Campaign “nothing” doesn’t exist, or you don’t have access to it."

    started = command(bot, "UADMIN", "campaign start 上期 3/25 all")
    english(started)
    assert started == (
        "Started campaign “上期”: 3 invited (due Thu, Mar 25, 2027). "
        "Check its progress with `/itss campaign status 上期`."
    )
    assert "A campaign named “上期” already exists" in command(
        bot, "UADMIN", "campaign start 上期 3/26 all"
    )
    assert "status of campaign “上期” to your DMs" in command(bot, "UADMIN", "campaign status")
    status = api.calls("chat.postMessage")[-1].args
    assert status["channel"] == "DUADMIN"
    english(status)
    assert status["text"] == "Status of campaign “上期”"
    assert "*Overall*: Done 0 / Awaiting sign-off 0 / In progress 0 / Not started 3" in (
        blocks_text(status["blocks"])
    )
    closed = command(bot, "UADMIN", "campaign close 上期")
    assert closed == (
        "Closed campaign “上期” (0 of 3 submitted, 0 late). No more reminders will be sent."
    )
    assert command(bot, "UADMIN", "campaign close 上期") == "Campaign “上期” is already closed."
    # the Japanese members were still invited in Japanese
    assert "参加のお願い" in campaign_posts(api, "UJA", "invite")[0].args["text"]


def test_an_english_manager_is_refused_in_english(bot: Bot) -> None:
    said = [
        command(bot, "UBOSS", "campaign start 上期 3/25 all"),
        command(bot, "UBOSS", "campaign start 上期 3/25 <@UJA2>"),
        command(bot, "UEN", "campaign start 上期 3/25 team"),
    ]
    english(said)
    assert said == [
        "Only admins can start a campaign for `all`.",
        "As a manager, you can only include your own reports on the roster.",
        "Only admins, and managers with reports on the roster, can start a campaign.",
    ]
    assert bot.store.campaigns(TEAM) == []
    # the next request, a Japanese member's, is answered in Japanese again
    assert command(bot, "UJA", "campaign start 上期 3/25 team") == (
        "キャンペーンを始められるのは、管理者と名簿に部下がいるマネージャーだけです。"
    )


def test_the_modal_speaks_english_to_an_english_manager(bot: Bot, api: MockSlackApi) -> None:
    view = open_modal(bot, "UBOSS")
    english(view)
    assert view["submit"]["text"] == "Start"
    found = errors(submit(bot, "UBOSS", form(name="", due=None, target="mentions")))
    english(found)
    assert found[ids.CAMPAIGN_NAME_BLOCK] == "Enter a campaign name."
    assert found[ids.CAMPAIGN_PEOPLE_BLOCK] == "Pick the people to include."
    assert submit(bot, "UBOSS", form(target="team")).body == ""
    (reply,) = [c for c in api.calls("chat.postMessage") if c.args["channel"] == "DUBOSS"]
    english(reply.args)
    assert reply.args["text"].startswith("Started campaign “上期”: 2 invited")
    refused = open_modal(bot, "UEN")
    english(refused)
    assert refused["close"]["text"] == "Close"


def test_a_result_reaches_an_english_manager_in_english(bot: Bot) -> None:
    rec = record("system_operations", 1, user="UJA").model_copy(update={"team": TEAM})
    base = {"team": TEAM, "user": "UJA", "interview_id": rec.interview_id, "created_at": START}
    sender = SlackSender(ctx_of(bot))
    to_manager = Delivery(id="r:m", recipient="UBOSS", kind="result_manager", **base)
    to_person = Delivery(id="r:p", recipient="UJA", kind="result", **base)
    with using("en"):
        name = localized(FW, "en").specialty("system_operations").name
        level = level_name(1)
    manager = sender.message(to_manager, rec)
    assert manager is not None
    assert manager["text"] == f"<@UJA>’s result: {name} {level}"
    assert japanese_left(manager["text"], FW_TEXTS | {level}) == []  # level: another area
    person = sender.message(to_person, rec)
    assert person is not None
    assert person["text"] == "判定結果: システムオペレーション レベル 1"
    settle(bot)


def test_a_large_campaign_learns_everyone_s_language_from_one_users_list_pass(
    api: MockSlackApi, redis_store: RedisStore, redis_url: str, clock: FakeNow
) -> None:
    """users.info is rate limited (Tier 4): the timezones read at the start (users.list for
    more than 20 people) also give each member's locale, so no invitation asks for it."""
    members = {f"UM{i:02d}": ["UBOSSJA"] for i in range(30)}
    for i, user in enumerate(members):
        api.set_user(user, locale="en-US" if i % 2 else "ja-JP")
    redis_store.set_managers(TEAM, members)
    with running_bot(api, redis_store, redis_url, clock) as running:
        command(running, "UADMIN", "campaign start 下期 3/25 all")
        ctx_of(running).courier.drain_due(1000)
    asked = [str(c.args.get("user")) for c in api.calls("users.info")]
    assert not set(asked) & set(members), f"users.info per member: {sorted(set(asked))}"
    assert api.calls("users.list")
    for i, user in enumerate(members):
        (invite,) = campaign_posts(api, user, "invite")
        expected = "Please take the ITSS" if i % 2 else "ITSS スキル診断「下期」への参加のお願い"
        assert invite.args["text"].startswith(expected), (user, invite.args["text"])
