"""Redis goes away during an interview and comes back (same port, same AOF directory)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.context import unavailable
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
    wait_until,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def bot(api: SlackApi, aof_redis: RedisProcess, tmp_path: Path) -> Iterator[BotProcess]:
    process = BotProcess(api, aof_redis.url, tmp_path / "bot")
    try:
        yield process.start()
    finally:
        process.stop()


@pytest.fixture
def store(aof_redis: RedisProcess) -> Iterator[RedisStore]:
    opened = RedisStore.from_url(aof_redis.url)
    yield opened
    opened.close()


def test_redis_down_mid_interview_then_back_with_every_answer(
    api: SlackApi, aof_redis: RedisProcess, bot: BotProcess, store: RedisStore
) -> None:
    want = expected("network_operations", 4)
    store.set_managers("T0001", {"UR1": ["URMGR"]})
    rio = person(api, bot.slack, store, "UR1")
    rio.command("start NO")
    rio.wait_posts(1)
    for _ in range(3):
        screen = rio.screen()
        posts = len(rio.posts())
        answer_click(rio, screen, want.answers_by_fact[fact_on(screen)])()
        rio.wait_posts(posts + 1)
    before = store.load(key_of("UR1"))
    assert before is not None
    on_screen = rio.screen()
    waiting = fact_on(on_screen)

    aof_redis.kill()  # SIGKILL: a crash, not a shutdown

    # The next click: acknowledged, then a DM saying the answers so far are safe.
    posts = len(rio.posts())
    started = time.monotonic()
    answer_click(rio, on_screen, want.answers_by_fact[waiting])()
    (notice,) = rio.wait_posts(posts + 1)[posts:]
    assert notice.args["text"] == unavailable()
    assert "これまでの回答は安全に保存されています" in notice.args["text"]
    assert time.monotonic() - started < 5
    # What needs no Redis still answers.
    found = json.dumps(rio.command("skill バックアップ"), ensure_ascii=False)
    assert "バックアップ" in found
    level = json.dumps(rio.command("level NO 3"), ensure_ascii=False)
    assert "ネットワークオペレーション レベル 3" in level
    assert "/itss start" in json.dumps(rio.command("help"), ensure_ascii=False)
    # `/itss status` needs Redis: HTTP 200 and the same notice, no traceback.
    status = bot.slack.slash("UR1", "status")
    assert status.status == 200
    assert status.body == unavailable()
    # `/itss start` is acknowledged, then the notice comes by DM.
    assert "DM" in rio.command("start")["text"]
    rio.wait_posts(posts + 2)
    assert rio.posts()[-1].args["text"] == unavailable()
    # The load balancer's health check takes the replica out of rotation.
    code, health = bot.health()
    assert code == 503
    assert health["ok"] is False
    assert f"127.0.0.1:{aof_redis.port}" in health["error"]

    # A replica (re)started while Redis is down comes up and reports 503 until Redis is back.
    bot.stop()
    bot.start(healthy=False)
    assert bot.health()[0] == 503

    aof_redis.start()  # same port, same directory: the AOF is read back
    wait_until(lambda: bot.health()[0] == 200, 10, "/healthz to be 200 again")
    assert store.load(key_of("UR1")) == before, "nothing was written while Redis was down"
    # The same question, clicked again from the same message, now goes through.
    posts = len(rio.posts())
    answer_click(rio, on_screen, want.answers_by_fact[waiting])()
    rio.wait_posts(posts + 1)
    after = store.load(key_of("UR1"))
    assert after is not None
    assert after.asked == [*before.asked, waiting]

    review = answer_until_review(rio, want.answers_by_fact)
    confirm_click(rio, review)()
    wait_until(lambda: store.latest(key_of("UR1")), 10, "the result to be stored")
    api.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == "DURMGR")
    (record,) = store.history(key_of("UR1"))
    assert_result(record, want)

    # Completed results survive a Redis crash and restart (AOF: RedisProcess says which fsync).
    aof_redis.kill()
    aof_redis.start()
    fresh = RedisStore.from_url(aof_redis.url)
    try:
        assert fresh.history(key_of("UR1")) == [record]
        assert fresh.latest(key_of("UR1")) == {"network_operations": record}
        assert fresh.load(key_of("UR1")) is None
        assert fresh.roster("T0001") == {"UR1": ["URMGR"]}
    finally:
        fresh.close()
    wait_until(lambda: bot.health()[0] == 200, 10, "/healthz to be 200 again")
    assert "レベル 4" in json.dumps(rio.command("status"), ensure_ascii=False)
    log = bot.log_text()
    assert "store unavailable" in log  # logged as a warning, once per failed click
    assert "Traceback" not in log, log[-3000:]
