"""Results that always arrive, through signed requests into the real app: the outbox, edits
that fail without blocking anything, and a double start (issue 8, findings 1, 8, 10)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from bot import ids
from flows.session import PersonKey
from flows.storage.redis_store import RedisStore
from tests.bot.slack_env import Bot, FakeNow, Person, blocks_text, running_bot
from tests.bot.test_slack_e2e import answer_until_review
from tests.faults.conftest import SlackApi
from tests.interleave import barrier_store
from tests.slack_mock import Call

TEAM = "T0001"
RESULT = "判定結果: システムオペレーション レベル 1"


@pytest.fixture
def api() -> Iterator[SlackApi]:
    with SlackApi() as mock:
        yield mock


@pytest.fixture
def clock() -> FakeNow:
    return FakeNow()


@pytest.fixture
def bot(api: SlackApi, redis_store: RedisStore, redis_url: str, clock: FakeNow) -> Iterator[Bot]:
    with running_bot(api, redis_store, redis_url, clock) as running:
        yield running


def results(api: SlackApi, user: str) -> list[Call]:
    """Result DMs that reached `user` (ok at the Web API)."""
    return [c for c in api.delivered(user) if "判定結果" in str(c.args.get("text", ""))]


def wait_until(check: object, what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def settled(bot: Bot, user: str) -> bool:
    return not bot.store.outbox.pending(PersonKey(team=TEAM, user=user))


def confirm(person: Person) -> None:
    review = answer_until_review(person, "system_operations", 1)
    person.click(person.button(review, ids.CONFIRM), review)


def test_failing_edits_block_neither_the_next_question_nor_the_result(
    bot: Bot, api: SlackApi
) -> None:
    bot.store.set_managers(TEAM, {"U300": ["UM300"]})
    api.fail("chat.update", times=10_000)  # every edit fails, retries included
    ann = Person(bot, "U300")
    ann.command("start SO")
    ann.wait_posts(1)
    confirm(ann)
    wait_until(lambda: results(api, "UM300"), "the manager's result")
    assert [c.args["text"] for c in results(api, "U300")] == [RESULT]
    assert len(results(api, "UM300")) == 1
    assert not [c for c in api.dms("U300") if "エラー" in str(c.args.get("text", ""))]
    # every question was posted although no answered message could be edited
    asked = [c for c in ann.posts() if str(c.args.get("text", "")).startswith("質問 ")]
    assert len(asked) == 3


def test_a_result_post_failing_three_times_is_retried_and_arrives_once(
    bot: Bot, api: SlackApi, clock: FakeNow
) -> None:
    assert bot.ctx is not None
    bot.store.set_managers(TEAM, {"U301": ["UM301"]})
    bea = Person(bot, "U301")
    bea.command("start SO")
    bea.wait_posts(1)
    review = answer_until_review(bea, "system_operations", 1)
    api.fail("chat.postMessage", times=3)  # the person's result: the call and its 2 retries
    bea.click(bea.button(review, ids.CONFIRM), review)
    wait_until(lambda: results(api, "UM301"), "the manager's result")
    wait_until(
        lambda: len(bot.store.outbox.pending(PersonKey(team=TEAM, user="U301"))) == 1, "settle"
    )
    assert results(api, "U301") == []
    clock.advance(10)  # OUTBOX_RETRY_BASE_SECONDS
    bot.ctx.courier.drain_due()
    assert [c.args["text"] for c in results(api, "U301")] == [RESULT]
    assert len(results(api, "UM301")) == 1
    assert settled(bot, "U301")
    clock.advance(3600)
    bot.ctx.courier.drain_due()
    assert len(results(api, "U301")) == 1


def test_an_unreachable_manager_is_reported_with_the_true_reason_once(
    bot: Bot, api: SlackApi
) -> None:
    bot.store.set_managers(TEAM, {"U302": ["UGONE", "UM302"]})
    api.refuse_dm("UGONE", "user_disabled")
    cy = Person(bot, "U302")
    cy.command("start SO")
    cy.wait_posts(1)
    confirm(cy)
    wait_until(lambda: [c for c in cy.posts() if "UGONE" in str(c.args.get("text"))], "told")
    (told,) = [c for c in cy.posts() if "UGONE" in str(c.args.get("text"))]
    assert "アカウントが見つからないか無効です" in told.args["text"]
    assert "結果は保存されています" in told.args["text"]
    assert len(results(api, "UM302")) == 1
    (failed,) = bot.store.outbox.failed(PersonKey(team=TEAM, user="U302"))
    assert (failed[0].recipient, failed[1]) == ("UGONE", "user_disabled")


def test_server_errors_to_the_end_are_reported_as_server_errors(
    api: SlackApi, redis_store: RedisStore, redis_url: str, clock: FakeNow
) -> None:
    redis_store.set_managers(TEAM, {"U303": ["UM303"]})
    with running_bot(api, redis_store, redis_url, clock, outbox_max_attempts=2) as bot:
        assert bot.ctx is not None
        dee = Person(bot, "U303")
        dee.command("start SO")
        dee.wait_posts(1)  # the person's DM channel is open (and kept) from here on
        review = answer_until_review(dee, "system_operations", 1)
        api.fail("conversations.open", times=10_000)  # the manager's: Slack answers 500
        dee.click(dee.button(review, ids.CONFIRM), review)
        key = PersonKey(team=TEAM, user="U303")
        wait_until(
            lambda: [d.recipient for d in bot.store.outbox.pending(key)] == ["UM303"],
            "the first attempt settled",
        )
        assert results(api, "U303")
        clock.advance(10)
        bot.ctx.courier.drain_due()  # the second and last attempt

        def notices() -> list[Any]:
            return [c for c in dee.posts() if "UM303" in str(c.args.get("text"))]

        # the notice it queues may be sent by this drain or by the bot's own poller thread
        wait_until(lambda: bool(notices()), "the person's notice")
        (told,) = notices()
        assert "サーバーエラー" in told.args["text"]
        assert "見つからない" not in told.args["text"]
        assert results(api, "UM303") == []
        assert [e for _, e in bot.store.outbox.failed(key)] == ["server_error"]


def test_no_manager_tells_the_person_and_the_admins(bot: Bot, api: SlackApi) -> None:
    eve = Person(bot, "U304")
    eve.command("start SO")
    eve.wait_posts(1)
    confirm(eve)
    wait_until(lambda: api.delivered("UADMIN"), "the admin's notice")
    (admin,) = api.delivered("UADMIN")
    assert "<@U304>" in admin.args["text"]
    assert "/itss roster set" in admin.args["text"]
    texts = [str(c.args.get("text")) for c in api.delivered("U304")]
    assert RESULT in texts
    assert any("マネージャーが名簿に登録されていない" in t for t in texts)


def test_a_double_start_never_shows_an_interview_that_was_not_stored(
    api: SlackApi, redis_url: str, redis_prefix: str
) -> None:
    store = barrier_store(redis_url, redis_prefix)
    for trial in range(3):
        user = f"U31{trial}"
        store.barrier = threading.Barrier(2)
        with running_bot(api, store, redis_url) as bot:
            fay = Person(bot, user)
            fay.command("start SO")
            fay.command("start SO")
        # leaving running_bot waited for both after-ack jobs
        store.barrier = None
        stored = store.load(PersonKey(team=TEAM, user=user))
        assert stored is not None
        screens = [c for c in fay.posts() if c.args.get("blocks")]
        assert len(screens) == 1, [c.args.get("text") for c in fay.posts()]
        refs = {
            ref.interview
            for ref in map(
                ids.Ref.decode,
                re.findall(r'"value": "([^"]*)"', blocks_text(screens[0].args["blocks"])),
            )
            if ref is not None
        }
        assert refs == {stored.id}, "a screen of an interview that was never stored"
    store.close()
