"""Text typed into the bot's DM is answered with a short help (start, status, skill); the
bot's own posts, edits, other subtypes, other bots and channels are left alone. Signed
`message` events into the real app, replies recorded by the Web API mock."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.bot.slack_env import Bot, Person
from tests.slack_mock import BOT_ID, BOT_USER_ID


def settle(bot: Bot) -> None:
    """Every reply the requests sent so far may cause has been sent: the after-ack work is
    finished (the running_bot fixture's close() tolerates a second shutdown)."""
    assert bot.ctx is not None
    bot.ctx.executor.shutdown(wait=True)


def dm_event(user: str, text: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    ts = f"{time.time():.6f}"
    event = {
        "type": "message",
        "channel": f"D{user}",
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "im",
    }
    return {**event, **(extra or {})}


def test_a_typed_dm_gets_the_short_help(bot: Bot) -> None:
    sato = Person(bot, "UDM1")
    typed = bot.slack.dm_message(sato.user, "こんにちは、診断を始めたいです")
    assert typed.status == 200
    (reply,) = sato.wait_posts(1)
    text = reply.args["text"]
    for command in ("/itss start", "/itss status", "/itss skill"):
        assert command in text
    assert "こんにちは" not in text  # nothing typed is echoed back


def test_a_repeated_delivery_is_answered_once(bot: Bot) -> None:
    suzuki = Person(bot, "UDM2")
    first = bot.slack.event(dm_event(suzuki.user, "help"), event_id="EvDM2")
    again = bot.slack.event(dm_event(suzuki.user, "help"), event_id="EvDM2", retry_num=1)
    assert first.status == again.status == 200
    settle(bot)
    assert len(suzuki.posts()) == 1


IGNORED: dict[str, dict[str, Any]] = {
    "the bot's own reply": {"user": BOT_USER_ID, "bot_id": BOT_ID},
    "another bot's message": {"bot_id": "B0OTHER", "subtype": "bot_message"},
    "an edit": {"subtype": "message_changed", "hidden": True},
    "a deletion": {"subtype": "message_deleted", "hidden": True},
    "a file shared": {"subtype": "file_share"},
    "a channel message": {"channel": "C0001", "channel_type": "channel"},
    "a group DM": {"channel": "G0001", "channel_type": "mpim"},
}


@pytest.mark.parametrize("case", IGNORED, ids=list(IGNORED))
def test_what_is_not_typed_by_a_person_in_a_dm_is_left_alone(bot: Bot, case: str) -> None:
    tanaka = Person(bot, "UDM3")
    result = bot.slack.event(dm_event(tanaka.user, "それ以外", IGNORED[case]))
    assert result.status == 200  # acknowledged: Slack does not retry it
    settle(bot)
    assert bot.api.calls("chat.postMessage") == []
    assert bot.api.calls("conversations.open") == []


def test_a_forged_dm_event_gets_no_reply(bot: Bot) -> None:
    forged = bot.slack.dm_message("UDM4", "help", forge=True)
    assert forged.status == 401
    settle(bot)
    assert bot.api.calls("chat.postMessage") == []


def test_the_manifest_delivers_typed_dms_to_the_bot() -> None:
    """The help above only reaches people if Slack sends the events: message.im with its
    scope, and a DM tab people can type in."""
    path = Path(__file__).resolve().parents[2] / "slack-manifest.yaml"
    manifest = yaml.safe_load(path.read_text(encoding="utf-8"))
    tab = manifest["features"]["app_home"]
    assert tab["messages_tab_enabled"] is True
    assert tab["messages_tab_read_only_enabled"] is False
    assert "message.im" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert {"im:history", "chat:write", "im:write"} <= set(
        manifest["oauth_config"]["scopes"]["bot"]
    )
