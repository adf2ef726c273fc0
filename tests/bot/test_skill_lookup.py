"""`/itss skill` through signed slash-command requests into the real app: the queries issue 11
names find definitions, and a query that finds nothing gets 「もしかして」, ephemerally."""

from __future__ import annotations

import json

import pytest

from tests.bot.slack_env import Bot, Person, blocks_text


@pytest.mark.parametrize(
    ("query", "shown"),
    [("障害対応", "障害対策"),
     ("ネットワーク監視", "ネットワークオペレーション"),
     ("知識項目 バックアップ", "知識項目: サービス支援管理 &gt; バックアップ/リカバリ管理"),
     ("スキル 構成管理", "スキル項目: サービス支援管理"),
     ("ネットワークオペレーション", "スキル項目: ネットワークオペレーション")],
)  # fmt: skip
def test_issue_11_queries_find_definitions(bot: Bot, query: str, shown: str) -> None:
    reply = Person(bot, "U710").command(f"skill {query}")
    text = blocks_text(reply["blocks"])
    assert "見つかりませんでした" not in text
    assert shown in text or shown.replace("&gt;", ">") in text
    assert reply.get("response_type", "ephemeral") == "ephemeral"


def test_partial_match_is_explained(bot: Bot) -> None:
    reply = Person(bot, "U711").command("skill 障害対応")
    assert "一部を含む定義を表示しています" in blocks_text(reply["blocks"])


def test_nothing_found_suggests_queries(bot: Bot) -> None:
    reply = Person(bot, "U712").command("skill CS 高可用性")
    text = blocks_text(reply["blocks"])
    assert "「CS 高可用性」に一致する定義は見つかりませんでした。" in text
    assert "もしかして:" in text
    assert "`/itss skill SO 高可用性`（専門分野: システムオペレーション）" in text
    assert reply.get("response_type", "ephemeral") == "ephemeral"
    assert len(json.dumps(reply["blocks"], ensure_ascii=False)) < 3000


def test_suggestions_repeat_what_was_typed_escaped(bot: Bot) -> None:
    text = blocks_text(Person(bot, "U714").command("skill CS 高可用性 <!channel>")["blocks"])
    assert "もしかして:" in text
    assert "<!channel>" not in text
    assert "&lt;!channel&gt;" in text


def test_nothing_close_gets_examples(bot: Bot) -> None:
    text = blocks_text(Person(bot, "U713").command("skill xyzzy")["blocks"])
    assert "`/itss skill バックアップ`（例）" in text
