"""The Slack app end to end: signed requests in, Web API calls out (recorded by the mock),
interviews stored in a real Redis."""

from __future__ import annotations

import json
import threading
import time

from bot import ids
from flows.personas import persona
from flows.session import PersonKey
from flows.storage.redis_store import RedisStore
from tests.bot.slack_env import Bot, FakeNow, Person, blocks_text, running_bot
from tests.slack_mock import Call, MockSlackApi

TEAM = "T0001"


def answer_until_review(person: Person, specialty: str, level: int) -> Call:
    """Answer every question as the persona would; returns the review screen."""
    facts = persona(specialty, level)
    while True:
        posts = len(person.posts())
        screen = person.screen()
        if ids.CONFIRM in blocks_text(screen.args["blocks"]):
            return screen
        person.answer(facts[person.current_fact()], screen)
        person.wait_posts(posts + 1)


def finish_interview(person: Person, specialty_level: tuple[str, int]) -> None:
    review = answer_until_review(person, *specialty_level)
    person.click(person.button(review, ids.CONFIRM), review)


def test_full_interview_by_clicks_reaches_person_and_manager(bot: Bot) -> None:
    bot.store.set_managers(TEAM, {"U100": ["UMGR"]})
    alice = Person(bot, "U100")
    ack = alice.command("start SO")
    assert "DM" in ack["text"]
    alice.wait_posts(1)
    assert "質問 1 / ≤" in blocks_text(alice.screen().args["blocks"])
    finish_interview(alice, ("system_operations", 3))
    manager = Person(bot, "UMGR")
    manager_dm = manager.wait_posts(1)[0]
    result_dm = alice.wait_posts(len(alice.posts()) + 0)[-1]
    assert "レベル 3" in manager_dm.args["text"]
    manager_text = blocks_text(manager_dm.args["blocks"])
    assert "<@U100>" in manager_text
    assert "レベル 4 に向けて不足している根拠" in manager_text
    # what the interview did not ask (its dimension was decided) is apart, never 未回答
    assert "未確認（判定に影響しないため質問していません）" in manager_text
    assert "未回答" not in manager_text
    assert "レベル 3 の判定理由" in manager_text
    deadline = time.monotonic() + 5
    while "判定結果" not in (result_dm.args.get("text") or "") and time.monotonic() < deadline:
        result_dm = alice.posts()[-1]
        time.sleep(0.01)
    assert "システムオペレーション レベル 3" in result_dm.args["text"]
    # every answered question message was updated in place to show the recorded answer
    updates = [c for c in bot.api.calls("chat.update") if c.args.get("channel") == "DU100"]
    assert any(":white_check_mark: メンバー" in blocks_text(c.args["blocks"]) for c in updates)
    # the result is stored, the session is gone
    key = PersonKey(team=TEAM, user="U100")
    assert bot.store.load(key) is None
    assert bot.store.latest(key)["system_operations"].verdict.level == 3


def test_no_manager_on_record_tells_person_and_admins(bot: Bot) -> None:
    bob = Person(bot, "U200")
    bob.command("start CS")
    bob.wait_posts(1)
    finish_interview(bob, ("customer_support", 1))
    admin = Person(bot, "UADMIN")
    assert "<@U200>" in admin.wait_posts(1)[0].args["text"]
    texts = [c.args["text"] for c in bob.wait_posts(3)]
    assert any("マネージャーが名簿に登録されていない" in t for t in texts)


def test_rejected_number_is_explained_inline_and_asked_again(bot: Bot) -> None:
    carol = Person(bot, "U300")
    carol.command("start system_operations")
    carol.wait_posts(1)
    carol.answer("member")
    carol.wait_posts(2)
    question = carol.screen()
    assert carol.current_fact() == "operations_count"
    carol.type_number("10〜20回", question)
    update = carol.wait_method("chat.update", 2)[-1]
    assert "範囲ではなく" in blocks_text(update.args["blocks"])
    carol.type_number("３回", question)
    carol.wait_posts(3)
    session = carol.bot.store.load(PersonKey(team=TEAM, user="U300"))
    assert session is not None
    assert session.answers["operations_count"] == 3


def test_stale_and_double_clicks_apply_once(bot: Bot) -> None:
    dave = Person(bot, "U400")
    dave.command("start NO")
    dave.wait_posts(1)
    first = dave.screen()
    button = dave.button(first, ids.ANSWER, "leader")
    threads = [threading.Thread(target=dave.click, args=(button, first)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    dave.wait_posts(2)
    ephemeral = dave.wait_method("chat.postEphemeral", 3)
    assert all("最新のメッセージ" in c.args["text"] or "古い" in c.args["text"] for c in ephemeral)
    session = bot.store.load(PersonKey(team=TEAM, user="U400"))
    assert session is not None
    assert session.answers == {"role": "leader"}
    assert session.asked == ["role"]
    # an old button clicked later: a short ephemeral note, nothing changes
    dave.click(dave.button(first, ids.ANSWER, "head"), first)
    dave.wait_method("chat.postEphemeral", 4)
    again = bot.store.load(PersonKey(team=TEAM, user="U400"))
    assert again is not None
    assert again.answers == {"role": "leader"}
    assert again.step == session.step


def test_resume_after_app_restart(
    api: MockSlackApi, redis_store: RedisStore, redis_url: str
) -> None:
    with running_bot(api, redis_store, redis_url) as bot:
        erin = Person(bot, "U500")
        erin.command("start CS")
        erin.wait_posts(1)
        erin.answer("member")
        erin.wait_posts(2)
        screen_before = erin.screen()
    # a new app instance (same Redis), as after a deploy: the old message still works
    with running_bot(api, redis_store, redis_url) as bot2:
        erin2 = Person(bot2, "U500")
        assert erin2.current_fact() == "operations_count"
        erin2.type_number("5", screen_before)
        erin2.wait_posts(3)
        erin2.command("start")
        texts = [c.args["text"] for c in erin2.wait_posts(5)]
        assert any("再開します（2 件回答済み）" in t for t in texts)


def test_back_pause_resume_by_buttons(bot: Bot) -> None:
    fay = Person(bot, "U600")
    fay.command("start SO")
    fay.wait_posts(1)
    fay.answer("head")
    fay.wait_posts(2)
    second = fay.screen()
    fay.click(fay.button(second, ids.BACK), second)
    update = fay.wait_method("chat.update", 2)[-1]
    assert "前回の回答: 責任者" in blocks_text(update.args["blocks"])
    fay.click(fay.button(second, ids.PAUSE), second)
    time.sleep(0.3)  # the click above is for an older step: nothing may change
    session = bot.store.load(PersonKey(team=TEAM, user="U600"))
    assert session is not None
    assert session.state.value == "asking"
    assert session.current == "role"


def test_lookup_and_level_are_ephemeral_and_readable(bot: Bot) -> None:
    gil = Person(bot, "U700")
    found = gil.command("skill バックアップ")
    text = json.dumps(found, ensure_ascii=False)
    assert "バックアップ" in text
    assert found.get("response_type", "ephemeral") == "ephemeral"
    assert len(found["blocks"]) <= 50
    level = gil.command("level CS 5")
    assert "カスタマサポート レベル 5" in json.dumps(level, ensure_ascii=False)
    usage = gil.command("level")
    assert "使い方" in usage["text"]
    unknown = gil.command("dance")
    assert "dance" in unknown["text"]
    assert "/itss help" in unknown["text"]
    helped = gil.command("")
    assert "/itss start" in json.dumps(helped, ensure_ascii=False)


def test_team_summary_for_200_members_within_limits(bot: Bot) -> None:
    members = [f"UM{i:04d}" for i in range(200)]
    bot.store.set_managers(TEAM, {m: ["UBOSS"] for m in members})
    bot.api.set_user("UM0007", name="suzuki", real_name="鈴木 一郎")
    boss = Person(bot, "UBOSS")
    boss.command("team")
    upload = bot.api.wait_for("files.completeUploadExternal")
    posts = boss.wait_posts(1)
    shown = "".join(blocks_text(c.args["blocks"]) for c in posts)
    assert all(f"<@{m}>" in shown for m in members)
    for call in posts:
        assert len(call.args["blocks"]) <= 50
        for block in call.args["blocks"]:
            assert len((block.get("text") or {}).get("text", "")) <= 3000
    csv_body = bot.api.uploads(".csv")[0].body.decode()
    assert csv_body.count("\n") == 201
    assert "UM0007,鈴木 一郎," in csv_body
    assert "未着手" in csv_body
    assert upload


def test_authorization_denials(bot: Bot) -> None:
    bot.store.set_managers(TEAM, {"U900": ["UMGR9"]})
    outsider = Person(bot, "U901")
    outsider.command("roster set <@U901> <@U902>")
    outsider.command("team")
    outsider.command("team all")
    replies = bot.api.wait_for("response_url", 3)
    texts = [r.args.get("text", "") for r in replies]
    assert any("管理者のみ" in t for t in texts)
    assert any("部下が登録されていません" in t for t in texts)
    assert bot.store.roster(TEAM) == {"U900": ["UMGR9"]}
    assert not any("U900" in t for t in texts), "a denial reveals nothing about others"


def test_admin_roster_import_is_all_or_nothing(bot: Bot) -> None:
    admin = Person(bot, "UADMIN")
    admin.command("roster import\n<@U1>,<@U2>\nU3,U2\nnot a line\nU4,")
    bad = bot.api.wait_for("response_url", 1)[-1].args["text"]
    assert "3 行目" in bad
    assert "4 行目" in bad
    assert bot.store.roster(TEAM) == {}
    admin.command("roster import\n<@U1|one>,<@U2>\nU3,U2")
    done = bot.api.wait_for("response_url", 2)[-1].args["text"]
    assert "2 人分" in done, done
    assert bot.store.roster(TEAM) == {"U1": ["U2"], "U3": ["U2"]}


def test_forged_and_stale_signatures_are_rejected(bot: Bot) -> None:
    forged = bot.slack.slash("U1", "help", forge=True)
    assert forged.status == 401
    stale = bot.slack.slash("U1", "help", timestamp=int(time.time()) - 600)
    assert stale.status == 401
    assert not bot.api.calls("chat.postMessage")


def test_app_home_and_repeated_event(bot: Bot) -> None:
    first = bot.slack.app_home_opened("U111", event_id="Ev1")
    again = bot.slack.app_home_opened("U111", event_id="Ev1", retry_num=1)
    assert first.status == again.status == 200
    bot.api.wait_for("views.publish")
    time.sleep(0.3)
    assert len(bot.api.calls("views.publish")) == 1


def test_forget_deletes_everything(bot: Bot) -> None:
    hal = Person(bot, "U120")
    hal.command("start SO")
    hal.wait_posts(1)
    confirm = hal.command("forget")
    button = next(
        e
        for b in confirm["blocks"]
        for e in b.get("elements", [])
        if e.get("action_id") == ids.FORGET
    )
    result = bot.slack.block_action("U120", ids.FORGET, button["value"], channel_id="C0001")
    assert result.status == 200
    bot.api.wait_for("response_url")
    assert bot.store.load(PersonKey(team=TEAM, user="U120")) is None


def test_evidence_note_by_modal_is_escaped_for_the_manager(bot: Bot) -> None:
    bot.store.set_managers(TEAM, {"U130": ["UMGR13"]})
    ida = Person(bot, "U130")
    ida.command("start SO")
    ida.wait_posts(1)
    review = answer_until_review(ida, "system_operations", 2)
    ida.click(ida.button(review, ids.NOTE), review)
    opened = bot.api.wait_for("views.open")[0]
    view = opened.args["view"]
    state = {
        ids.NOTE_DIMENSION_BLOCK: {
            "dimension": {"type": "static_select", "selected_option": {"value": "task"}}
        },
        ids.NOTE_BLOCK: {
            "text": {"type": "plain_text_input", "value": "<!channel> 監視基盤 2024 & <@U999>"}
        },
    }
    posts = len(ida.posts())
    saved = bot.slack.view_submission(
        "U130", ids.NOTE_MODAL, state, private_metadata=view["private_metadata"]
    )
    assert saved.status == 200
    new_review = ida.wait_posts(posts + 1)[-1]
    assert "&lt;!channel&gt; 監視基盤 2024 &amp; &lt;@U999&gt;" in blocks_text(
        new_review.args["blocks"]
    )
    ida.click(ida.button(new_review, ids.CONFIRM), new_review)
    manager_dm = Person(bot, "UMGR13").wait_posts(1)[0]
    text = blocks_text(manager_dm.args["blocks"])
    assert "&lt;!channel&gt; 監視基盤 2024" in text
    assert "<!channel>" not in text
    assert "<@U999>" not in text


def test_home_tab_shows_status_and_team_entry_for_managers(bot: Bot) -> None:
    bot.store.set_managers(TEAM, {"U140": ["UMGR14"]})
    bot.slack.app_home_opened("UMGR14")
    bot.slack.app_home_opened("U140")
    published = bot.api.wait_for("views.publish", 2)
    by_user = {c.args["user_id"]: blocks_text(c.args["view"]["blocks"]) for c in published}
    assert ids.TEAM in by_user["UMGR14"]
    assert ids.TEAM not in by_user["U140"]
    assert ids.START in by_user["U140"]


def test_status_and_finished_interview_buttons(bot: Bot) -> None:
    jo = Person(bot, "U150")
    assert "進行中のインタビューはありません" in json.dumps(
        jo.command("status"), ensure_ascii=False
    )
    jo.command("start SO")
    jo.wait_posts(1)
    first_question = jo.screen()
    status = json.dumps(jo.command("status"), ensure_ascii=False)
    assert "回答中" in status
    assert "システムオペレーション" in status
    finish_interview(jo, ("system_operations", 1))
    deadline = time.monotonic() + 10
    key = PersonKey(team=TEAM, user="U150")
    while not bot.store.latest(key) and time.monotonic() < deadline:
        time.sleep(0.02)
    status = json.dumps(jo.command("status"), ensure_ascii=False)
    assert "レベル 1" in status
    assert "最新の結果" in status
    ephemerals = len(jo.wait_method("chat.postEphemeral", 0))
    jo.click(jo.button(first_question, ids.ANSWER, "member"), first_question)
    note = jo.wait_method("chat.postEphemeral", ephemerals + 1)[-1]
    assert "終了" in note.args["text"]
    assert [r.verdict.level for r in bot.store.history(key)] == [1]


def test_workspace_owner_may_edit_the_roster(bot: Bot) -> None:
    bot.api.set_user("UOWNER", is_owner=True)
    owner = Person(bot, "UOWNER")
    owner.command("roster set <@U160> <@U161> <@U162>")
    reply = bot.api.wait_for("response_url")[-1].args["text"]
    assert "<@U160>" in reply
    assert bot.store.roster(TEAM) == {"U160": ["U161", "U162"]}
    owner.command("roster show")
    shown = bot.api.wait_for("response_url", 2)[-1].args
    assert "<@U161>" in json.dumps(shown, ensure_ascii=False)
    owner.command("roster remove <@U160>")
    bot.api.wait_for("response_url", 3)
    assert bot.store.roster(TEAM) == {}


def test_manager_dm_timing_out_is_retried_later_and_arrives_once(
    api: MockSlackApi, redis_store: RedisStore, redis_url: str
) -> None:
    redis_store.set_managers(TEAM, {"U170": ["USLOW"]})
    clock = FakeNow()
    with running_bot(api, redis_store, redis_url, clock, slack_api_timeout=1) as bot:
        assert bot.ctx is not None
        kim = Person(bot, "U170")
        kim.command("start SO")
        kim.wait_posts(1)
        review = answer_until_review(kim, "system_operations", 1)
        api.delay("conversations.open", 3)  # the next one: the manager's DM channel
        kim.click(kim.button(review, ids.CONFIRM), review)
        mine = kim.wait_posts(len(kim.posts()) + 1, timeout=15)[-1]
        assert mine.args["text"] == "判定結果: システムオペレーション レベル 1"
        key = PersonKey(team=TEAM, user="U170")
        deadline = time.monotonic() + 15
        while [d.recipient for d in bot.store.outbox.pending(key)] != ["USLOW"]:
            assert time.monotonic() < deadline, "the person's delivery was never settled"
            time.sleep(0.05)  # the manager's send times out after 1 s, then both are settled
        manager = Person(bot, "USLOW")
        assert manager.posts() == []
        assert bot.ctx.courier.drain_due() == 0  # its retry is not due yet
        assert manager.posts() == []
        clock.advance(11)  # past the first retry (OUTBOX_RETRY_BASE_SECONDS = 10)
        assert bot.ctx.courier.drain_due() == 1
        (got,) = manager.wait_posts(1)
        assert got.args["text"] == "<@U170> さんの判定結果: システムオペレーション レベル 1"
        assert api.calls("conversations.history"), "an unsure send is looked up first"
        assert bot.store.outbox.pending(key) == []
        assert not [p for p in kim.posts() if "送れませんでした" in p.args.get("text", "")]
        assert bot.store.latest(key)["system_operations"].verdict.level == 1
