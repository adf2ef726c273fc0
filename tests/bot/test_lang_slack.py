"""Each person's language through signed requests into the real app: their Slack locale
(users.info with include_locale, cached), `/itss lang en|ja|auto`, what a failure falls back
to, and that `/itss forget` erases the choice (bot/locales.py, docs/i18n.md)."""

from __future__ import annotations

from typing import Any

from flows.session import PersonKey
from flows.storage.redis_store import RedisStore
from tests.bot.slack_env import Bot, Person
from tests.i18n_check import japanese_left

TEAM = "T0001"


def help_text(bot: Bot, user: str) -> str:
    reply: dict[str, Any] = Person(bot, user).command("help")
    return str(reply["text"]) + "\n" + str(reply.get("blocks"))


def locale_lookups(bot: Bot, user: str) -> int:
    return sum(
        1
        for c in bot.api.calls("users.info")
        if c.args.get("user") == user and str(c.args.get("include_locale")).lower() in ("1", "true")
    )


def test_an_english_slack_user_reads_help_in_english_a_japanese_one_as_before(bot: Bot) -> None:
    bot.api.set_user("UEN", locale="en-US")
    bot.api.set_user("UJA", locale="ja-JP")
    english = help_text(bot, "UEN")
    assert "How to use the ITSS skill assessment bot" in english
    assert "`/itss start [specialty]` Start or resume the interview in a DM" in english
    # only the examples of what to type stay Japanese (the standard's own words)
    assert set(japanese_left(english)) <= {"オペレーション", "バックアップ", "レベル"}
    japanese = help_text(bot, "UJA")
    assert "ITSS スキル診断ボットの使い方" in japanese
    assert "`/itss start [専門分野]` DM でインタビューを開始・再開（SO / NO / CS）" in japanese


def test_other_slack_languages_read_english_and_no_locale_reads_japanese(bot: Bot) -> None:
    bot.api.set_user("UFR", locale="fr-FR")
    bot.api.set_user("UNONE")  # Slack answers ja-JP by default in the mock
    bot.api.missing_user("UGONE")  # users.info fails: Japanese, the default
    assert "How to use" in help_text(bot, "UFR")
    assert "使い方" in help_text(bot, "UNONE")
    assert "使い方" in help_text(bot, "UGONE")


def test_the_locale_is_asked_once_and_cached(bot: Bot) -> None:
    bot.api.set_user("UEN", locale="en-US")
    for _ in range(3):
        assert "How to use" in help_text(bot, "UEN")
    assert locale_lookups(bot, "UEN") == 1


def test_lang_en_switches_a_japanese_user_and_auto_follows_slack_again(
    bot: Bot, redis_store: RedisStore
) -> None:
    bot.api.set_user("UJA", locale="ja-JP")
    person = Person(bot, "UJA")
    assert "使い方" in help_text(bot, "UJA")
    reply = person.command("lang en")
    assert reply["text"] == "From now on I'll talk to you in English."
    assert "How to use" in help_text(bot, "UJA")
    assert redis_store.language(PersonKey(team=TEAM, user="UJA")) == "en"
    reply = person.command("lang auto")
    assert reply["text"] == "これからは Slack の言語設定に従います（いまは日本語）。"
    assert "使い方" in help_text(bot, "UJA")
    assert redis_store.language(PersonKey(team=TEAM, user="UJA")) is None
    reply = person.command("lang ja")
    assert reply["text"] == "これからは日本語で表示します。"


def test_lang_chosen_wins_over_slack_and_bad_input_gets_the_usage(bot: Bot) -> None:
    bot.api.set_user("UEN", locale="en-US")
    person = Person(bot, "UEN")
    assert person.command("lang")["text"].startswith("Usage: `/itss lang en` (English)")
    assert "It is now English." in person.command("lang klingon")["text"]
    assert person.command("lang 日本語")["text"] == "これからは日本語で表示します。"
    assert "使い方" in help_text(bot, "UEN")
    usage = person.command("lang ??")["text"]
    assert usage.startswith("使い方: `/itss lang en`（英語）")
    assert usage.endswith("いまは日本語です。")


def test_forget_erases_the_language_chosen(bot: Bot, redis_store: RedisStore) -> None:
    bot.api.set_user("UJA", locale="ja-JP")
    person = Person(bot, "UJA")
    person.command("lang en")
    key = PersonKey(team=TEAM, user="UJA")
    assert redis_store.language(key) == "en"
    redis_store.forget(key)
    assert redis_store.language(key) is None
