"""The bot process is killed with SIGKILL (master and workers: a crash, an OOM kill, a node
lost) in the middle of an interview and started again on the same Redis: nothing the person
answered is lost and the interview goes on at the question it stood at."""

from __future__ import annotations

import json
import urllib.error
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.storage.redis_store import RedisStore
from tests.faults.conftest import (
    BotProcess,
    RedisProcess,
    SlackApi,
    answer_click,
    answer_until_review,
    assert_result,
    confirm_click,
    expected,
    fact_on,
    key_of,
    person,
    question_posts,
    wait_until,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def bot(api: SlackApi, private_redis: RedisProcess, tmp_path: Path) -> Iterator[BotProcess]:
    process = BotProcess(api, private_redis.url, tmp_path / "bot")
    try:
        yield process.start()
    finally:
        process.stop()


@pytest.fixture
def store(private_redis: RedisProcess) -> Iterator[RedisStore]:
    """What the bot stored, read the way the bot reads it (prefix `itss`)."""
    opened = RedisStore.from_url(private_redis.url)
    yield opened
    opened.close()


def test_kill_9_between_clicks_then_the_same_question_goes_on(
    api: SlackApi, bot: BotProcess, store: RedisStore
) -> None:
    want = expected("system_operations", 4)
    store.set_managers("T0001", {"UK1": ["UKMGR1"]})
    kim = person(api, bot.slack, store, "UK1")
    kim.command("start SO")
    kim.wait_posts(1)
    for _ in range(4):
        screen = kim.screen()
        posts = len(kim.posts())
        answer_click(kim, screen, want.answers_by_fact[fact_on(screen)])()
        kim.wait_posts(posts + 1)
    before = store.load(key_of("UK1"))
    assert before is not None
    assert len(before.answers) == 4
    on_screen = kim.screen()
    waiting = fact_on(on_screen)
    assert waiting == before.current

    bot.kill9()
    # While it is down, Slack's requests fail to connect (Slack shows the person an error).
    with pytest.raises(urllib.error.URLError):
        bot.slack.slash("UK1", "status")
    bot.start()

    assert store.load(key_of("UK1")) == before
    status = json.dumps(kim.command("status"), ensure_ascii=False)
    assert "回答中" in status
    # The question shown before the crash is still the one to answer; its buttons still work.
    posts = len(kim.posts())
    answer_click(kim, on_screen, want.answers_by_fact[waiting])()
    kim.wait_posts(posts + 1)
    after = store.load(key_of("UK1"))
    assert after is not None
    assert after.answers == {**before.answers, waiting: after.answers[waiting]}
    assert after.asked == [*before.asked, waiting]

    review = answer_until_review(kim, want.answers_by_fact)
    confirm_click(kim, review)()
    wait_until(lambda: store.latest(key_of("UK1")), 10, "the result to be stored")
    (record,) = store.history(key_of("UK1"))
    assert_result(record, want)
    # every question was asked once, in the order of an uninterrupted interview
    numbers = [c.args["text"].split(":")[0] for c in question_posts(kim)]
    assert numbers == [f"質問 {i}" for i in range(1, len(want.asked) + 1)]
    api.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == "DUKMGR1")
    assert bot.starts == 2


def test_kill_9_while_a_click_is_in_flight_resumes_with_itss_start(
    api: SlackApi, bot: BotProcess, store: RedisStore
) -> None:
    """The answer was stored, then the process died before the next question was posted: the
    person has nothing to click, `/itss start` picks the interview up at the next question."""
    want = expected("customer_support", 3)
    store.set_managers("T0001", {"UK2": ["UKMGR2"]})
    lee = person(api, bot.slack, store, "UK2")
    lee.command("start CS")
    lee.wait_posts(1)
    for answered in range(1, 3):
        screen = lee.screen()
        posts = len(lee.posts())
        answer_click(lee, screen, want.answers_by_fact[fact_on(screen)])()
        lee.wait_posts(posts + 1)
        lee.wait_method("chat.update", answered)  # the edit follows the next question's post
    clicked = lee.screen()
    fact = fact_on(clicked)
    before = store.load(key_of("UK2"))
    assert before is not None

    # Slack refuses to post the next question (500, retries included), and holds the reply
    # to the fallback edit that would show it in the answered message: the worker is stuck
    # after the compare-and-set save with the next question shown nowhere. Kill it there.
    updates = len(lee.wait_method("chat.update", 0))
    posts = len(api.delivered("UK2"))
    api.fail("chat.postMessage", times=3)
    api.delay("chat.update", 8)
    answer_click(lee, clicked, want.answers_by_fact[fact])()
    lee.wait_method("chat.update", updates + 1)
    bot.kill9()
    api.clear_faults()
    saved = store.load(key_of("UK2"))
    assert saved is not None
    assert saved.step == before.step + 1
    assert fact in saved.answers
    assert len(api.delivered("UK2")) == posts, "the next question was never posted"

    bot.start()
    lee.command("start")
    wait_until(lambda: len(api.delivered("UK2")) >= posts + 2, 10, "the resumed question")
    resumed = api.delivered("UK2")
    assert f"再開します（{len(saved.answers)} 件回答済み）" in resumed[-2].args["text"]
    assert fact_on(resumed[-1]) == saved.current
    # the button clicked before the crash is now stale: a note, and nothing changes
    notes = len(lee.wait_method("chat.postEphemeral", 0))
    answer_click(lee, clicked, want.answers_by_fact[fact])()
    note = lee.wait_method("chat.postEphemeral", notes + 1)[-1]
    assert "古い画面" in note.args["text"]
    assert store.load(key_of("UK2")) == saved

    review = answer_until_review(lee, want.answers_by_fact)
    confirm_click(lee, review)()
    wait_until(lambda: store.latest(key_of("UK2")), 10, "the result to be stored")
    (record,) = store.history(key_of("UK2"))
    assert_result(record, want)
