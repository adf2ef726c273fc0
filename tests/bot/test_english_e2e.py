"""A person whose Slack language is English, end to end through signed requests into the
real app: the whole interview, the result with its plan, `/itss help`, `/itss skill`,
`/itss status` and App Home, all in English but for the standard's own words; their Japanese
manager receives the same result in Japanese, and a Japanese person's run reads as before."""

from __future__ import annotations

import json
from typing import Any

from bot import ids
from tests.bot.slack_env import FW, Bot, Person, blocks_text
from tests.bot.test_audit_slack import answer_to_review
from tests.bot.test_home_slack import opened, settle
from tests.i18n_check import japanese_left, seed_texts
from tests.slack_mock import Call

TEAM = "T0001"
# the standard's own words, the names of its parts shown beside their English, and what the
# person typed or is shown to type (`/itss skill バックアップ`, `SO レベル4`)
PARTS = {"達成度指標", "スキル熟達度", "知識項目", "スキル項目"}
KEPT = seed_texts(FW) | PARTS | {"バックアップ", "レベル4"}


def everything_said(bot: Bot, user: str, acks: list[dict[str, Any]]) -> list[str]:
    """Every text `user` was shown: DMs, updates, ephemeral replies, acks, their App Home."""
    out = [json.dumps(a, ensure_ascii=False) for a in acks]
    for call in bot.api.calls():
        args = call.args
        mine = (
            args.get("channel") == f"D{user}"
            or args.get("user_id") == user
            or (call.method == "response_url")
        )
        if mine:
            out.append(
                "\n".join(
                    str(v) for v in (args.get("text"), blocks_text(args.get("blocks") or [])) if v
                )
            )
            if "view" in args:
                out.append(blocks_text(args["view"].get("blocks") or []))
    return out


def english_only(texts: list[str]) -> None:
    left = sorted({run for text in texts for run in japanese_left(text, KEPT)})
    assert left == [], f"an English reader saw Japanese: {left}"


def interview_to_result(bot: Bot, person: Person, level: int) -> tuple[Call, Call]:
    person.command("start SO")
    person.wait_posts(1)
    review = answer_to_review(person, level)
    posts = len(person.posts())
    person.click(person.button(review, ids.CONFIRM), review)
    settle(bot)
    bot.ctx.courier.drain_due()  # type: ignore[union-attr]
    for call in person.wait_posts(posts + 1)[posts:]:
        if any(b.get("type") == "header" for b in call.args.get("blocks") or []):
            return review, call
    raise AssertionError("no result reached the person")


def test_an_english_person_runs_the_whole_interview_and_reads_everything_in_english(
    bot: Bot,
) -> None:
    bot.api.set_user("UEN1", locale="en-US")
    bot.api.set_user("UJAM", locale="ja-JP")
    bot.store.set_managers(TEAM, {"UEN1": ["UJAM"]})
    person = Person(bot, "UEN1")
    acks = []
    _, result = interview_to_result(bot, person, 3)
    result_text = blocks_text(result.args["blocks"])
    assert "Level 3" in result_text
    assert "development plan" in result_text.lower()
    assert "Responsibility (責任性)" in result_text
    acks.append(person.command("help"))
    assert "How to use the ITSS skill assessment bot" in acks[-1]["text"]
    acks.append(person.command("skill バックアップ"))
    assert "Search results for" in acks[-1]["text"]
    acks.append(person.command("status"))
    assert acks[-1]["text"] == "Your ITSS assessment"
    home = opened(bot, "UEN1")
    assert "Level 3" in blocks_text(home["blocks"])
    english_only(everything_said(bot, "UEN1", acks))

    # the manager reads Slack in Japanese: the same result reaches them in Japanese
    manager = [c for c in bot.api.calls("chat.postMessage") if c.args["channel"] == "DUJAM"]
    assert manager, "the manager got the result"
    assert "さんの判定結果" in manager[-1].args["text"]
    assert "レベル3" in manager[-1].args["text"] or "レベル 3" in manager[-1].args["text"]


def test_a_japanese_person_reads_the_interview_as_before(bot: Bot) -> None:
    bot.api.set_user("UJA1", locale="ja-JP")
    person = Person(bot, "UJA1")
    _, result = interview_to_result(bot, person, 3)
    text = blocks_text(result.args["blocks"])
    assert "ITSS 判定結果" in text
    assert "Level" not in text
    assert "Responsibility" not in text
