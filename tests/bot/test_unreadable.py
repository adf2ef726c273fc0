"""Stored data the bot cannot read — written by a newer release during a rolling deploy, or
corrupt — through signed requests into the real app: it costs one row of a team summary, never
a teammate's summary or result delivery, and an interview saved by a newer release is refused
with a clear message and left as it is."""

from __future__ import annotations

import json
import logging

import pytest
import redis
from redis.typing import EncodableT, FieldT

from flows.explain import level_name
from flows.session import PersonKey
from flows.storage.redis_store import RedisStore
from tests.bot.slack_env import Bot, Person, blocks_text
from tests.bot.test_slack_e2e import finish_interview
from tests.flows.storage.test_contract import asking, record, session

TEAM = "T0001"
UNREADABLE_ROW = "読み取れないデータ（新しい版で保存された可能性）"
NEWER_BOT = "この診断は新しい版のボットで保存されたため、いまは続けられません。しばらくしてからもう一度お試しください。"


def key(user: str) -> PersonKey:
    return PersonKey(team=TEAM, user=user)


def newer(document: str) -> str:
    """What a newer release would store: the same document, the next schema_version, a new
    field."""
    data = json.loads(document)
    return json.dumps({**data, "schema_version": data["schema_version"] + 1, "shift": "夜勤"})


def test_team_summary_shows_one_row_for_unreadable_data(
    bot: Bot, redis_store: RedisStore, redis_client: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    done, untouched, newer_result, bad_row = "UDONE", "UNEW", "UNEWER", "UBADROW"
    redis_store.set_managers(TEAM, {m: ["UBOSS"] for m in (done, untouched, newer_result)})
    redis_client.hset(redis_store.roster_key(TEAM), bad_row, "not json")
    finished = record(key(done), n=1)
    redis_store.save(session(key(done)), expected_step=None)
    redis_store.complete(session(key(done), step=1), finished, expected_step=0)
    latest_key = redis_store.latest_key(key(newer_result))
    redis_client.hset(
        latest_key, "system_operations", newer(record(key(newer_result)).model_dump_json())
    )

    with caplog.at_level(logging.WARNING, "itss.storage"):
        boss = Person(bot, "UBOSS")
        boss.command("team")
        bot.api.wait_for("files.completeUploadExternal")
        posts = boss.wait_posts(1)

    shown = "".join(blocks_text(c.args["blocks"]) for c in posts)
    level = finished.verdict.level
    assert f"<@{done}> | システムオペレーション | {level_name(level)} | 2026-01-06 | 完了" in shown
    assert f"<@{untouched}> | - | レベル - | - | 未着手" in shown
    assert f"<@{newer_result}> | - | レベル - | - | {UNREADABLE_ROW} | 不足 -" in shown
    assert shown.count(UNREADABLE_ROW) == 1
    assert bad_row not in shown  # whose manager it names cannot be read
    assert "エラー" not in shown
    csv_body = bot.api.uploads(".csv")[0].body.decode()
    assert f"{newer_result},,,,,{UNREADABLE_ROW}," in csv_body
    assert csv_body.count("\n") == 4  # header and three members
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(f"{latest_key} (system_operations)" in w and "newer" in w for w in warnings)
    assert any(f"{redis_store.roster_key(TEAM)} ({bad_row})" in w for w in warnings)
    assert "夜勤" not in caplog.text  # no stored content in the log
    assert redis_client.hget(redis_store.roster_key(TEAM), bad_row) == "not json"


def test_result_reaches_the_manager_while_a_teammates_roster_row_is_corrupt(
    bot: Bot, redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    redis_store.set_managers(TEAM, {"U100": ["UMGR"]})
    redis_client.hset(redis_store.roster_key(TEAM), "U101", "not json")
    alice = Person(bot, "U100")
    alice.command("start SO")
    alice.wait_posts(1)
    finish_interview(alice, ("system_operations", 3))
    manager_dm = Person(bot, "UMGR").wait_posts(1)[0]
    assert "<@U100> さんの判定結果" in manager_dm.args["text"]
    assert "レベル 3" in manager_dm.args["text"]


def test_interview_saved_by_a_newer_release_is_refused_and_kept(
    bot: Bot, redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    name = redis_store.session_key(key("U200"))
    stored: dict[FieldT, EncodableT] = {
        "step": "3",
        "data": newer(asking(key("U200")).model_dump_json()),
        "op": "v2",
    }
    redis_client.hset(name, mapping=stored)
    carol = Person(bot, "U200")

    status = carol.command("status")  # answered within the request
    assert NEWER_BOT in status["text"]
    carol.command("start")  # answered in the DM, after the ack
    texts = [c.args["text"] for c in carol.wait_posts(1)]
    assert any(NEWER_BOT in t for t in texts), texts
    carol.command("start SO")
    texts = [c.args["text"] for c in carol.wait_posts(2)]
    assert all(NEWER_BOT in t for t in texts), texts
    assert not any("エラーが発生しました" in t for t in texts)
    assert redis_client.hgetall(name) == stored  # never overwritten
