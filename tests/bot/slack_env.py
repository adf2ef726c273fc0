"""A running bot for tests: the real WSGI app on loopback, the Web API mock, a real Redis.

`Person` plays someone clicking through their DM the way Slack would deliver the clicks.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot import ids
from bot.app import create_app
from bot.context import BotContext, utcnow
from bot.server import wsgi_app
from bot.settings import Settings
from flows.facts import FactValue
from flows.storage.base import SessionStore
from framework_data.loader import load_default
from framework_data.models import FactDef
from framework_data.translate import localized
from tests.slack_mock import Call, MockSlackApi
from tests.slack_requests import SlackClient, serve_wsgi

SECRET = "test-signing-secret-0123456789"
FW = load_default()


@dataclass
class Bot:
    api: MockSlackApi
    slack: SlackClient
    store: SessionStore
    settings: Settings
    ctx: BotContext | None = None  # in-process bots only: its courier, its clock


def settings_for(api: MockSlackApi, redis_url: str, **extra: Any) -> Settings:
    return Settings(
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SECRET,
        slack_api_url=api.url,
        redis_url=redis_url,
        itss_admins=("UADMIN",),
        **extra,
    )


class FakeNow:
    """A wall clock for the app that moves only when told to (outbox retry times)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@contextmanager
def running_bot(
    api: MockSlackApi,
    store: SessionStore,
    redis_url: str,
    clock: Callable[[], datetime] | None = None,
    **extra: Any,
) -> Iterator[Bot]:
    """The app on loopback. With a `clock` the outbox thread is off (OUTBOX_POLL_SECONDS=0)
    and the test drains with `bot.ctx.courier.drain_due()` after moving the clock."""
    if clock is not None:
        extra.setdefault("outbox_poll_seconds", 0)
    settings = settings_for(api, redis_url, **extra)
    app, ctx = create_app(settings, store, clock or utcnow)
    try:
        with serve_wsgi(wsgi_app(app, store)) as base:
            slack = SlackClient(base, SECRET, hooks_url=api.hooks_url)
            yield Bot(api, slack, store, settings, ctx)
    finally:
        ctx.close()


def asked_fact(text: str) -> str | None:
    """The fact whose question `text` (a message's blocks) shows, in any specialty's wording:
    the fixed parts of its template, in order, as one bold line, in Japanese or English."""
    for fact in (*FW.facts, *localized(FW, "en").facts):
        for template in {fact.question, *fact.question_by_specialty.values()}:
            parts = [re.escape(p) for p in re.split(r"\{[^{}]*\}", template)]
            if re.search(r"\*" + r"[^*\n]+?".join(parts) + r"\*", text):
                return fact.id
    return None


def ticked(fact: FactDef, value: FactValue) -> list[str]:
    """What a person ticks to answer `value`: the options of a set fact, or every statement of
    a statement fact for true and none for false."""
    if fact.statements:
        return [st.id for st in fact.statements] if value else []
    assert isinstance(value, frozenset)
    return sorted(value)


def checked(values: list[str]) -> dict[str, Any]:
    """The message state of the checkboxes with `values` ticked, as Slack sends it."""
    options = [{"value": v, "text": {"type": "plain_text", "text": v}} for v in values]
    return {"set": {ids.SET_CHECKS: {"type": "checkboxes", "selected_options": options}}}


def blocks_text(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


class Person:
    def __init__(self, bot: Bot, user: str) -> None:
        self.bot = bot
        self.user = user
        self.channel = f"D{user}"

    # ------------------------------------------------------------------ what they see

    def _mine(self, method: str) -> list[Call]:
        return [c for c in self.bot.api.calls(method) if c.args.get("channel") == self.channel]

    def posts(self) -> list[Call]:
        return self._mine("chat.postMessage")

    def wait_posts(self, count: int, timeout: float = 10.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        while len(self.posts()) < count:
            if time.monotonic() > deadline:
                texts = [c.args.get("text") for c in self.posts()]
                raise AssertionError(f"{self.user}: expected {count} DMs, got {texts}")
            time.sleep(0.01)
        return self.posts()

    def wait_method(self, method: str, count: int, timeout: float = 10.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        while len(self._mine(method)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{self.user}: expected {count} × {method}, got {len(self._mine(method))}"
                )
            time.sleep(0.01)
        return self._mine(method)

    def screen(self) -> Call:
        """The newest interview message in the DM (a question, the choice or the review)."""
        for call in reversed(self.posts()):
            text = blocks_text(call.args.get("blocks") or [])
            if ids.CONFIRM in text or ids.BACK in text or ids.CHOOSE in text or ids.RESUME in text:
                return call
        raise AssertionError(f"no interview screen in {self.user}'s DM")

    def current_fact(self) -> str:
        fact = asked_fact(blocks_text(self.screen().args["blocks"]))
        if fact is None:
            raise AssertionError("screen shows no known question")
        return fact

    # ------------------------------------------------------------------ what they do

    def command(self, text: str) -> Any:
        result = self.bot.slack.slash(self.user, text)
        assert result.status == 200, result
        if result.body.startswith("{"):
            return result.json()
        return {"text": result.body}  # Bolt answers a text-only ack as plain text

    def click(self, element: dict[str, Any], call: Call, block_id: str = "b", **kw: Any) -> None:
        result = self.bot.slack.block_action(
            self.user,
            element["action_id"],
            element.get("value"),
            block_id=block_id,
            channel_id=self.channel,
            message_ts=call.response.get("ts") if call.response else None,
            message={
                "ts": call.response.get("ts") if call.response else "",
                "blocks": call.args.get("blocks"),
            },
            **kw,
        )
        assert result.status == 200, result

    def button(self, call: Call, action_prefix: str, arg: str | None = None) -> dict[str, Any]:
        for block in call.args.get("blocks") or []:
            elements: list[dict[str, Any]] = block.get("elements", []) + (
                [block["accessory"]] if "accessory" in block else []
            )
            for element in elements:
                if not element.get("action_id", "").startswith(action_prefix):
                    continue
                ref = ids.Ref.decode(element.get("value"))
                if arg is None or (ref is not None and ref.arg == arg):
                    return element
        raise AssertionError(f"no {action_prefix} button ({arg}) on the screen")

    def answer(self, value: FactValue, call: Call | None = None) -> None:
        """Answer the question on `call` (default: the current screen) as a person would."""
        call = call or self.screen()
        fact = FW.fact(self.current_fact())
        if fact.kind == "set" or fact.statements:
            state = checked(ticked(fact, value))
            self.click(self.button(call, ids.SET_SUBMIT), call, state_values=state)
        elif fact.kind == "bool":
            yes_or_no = f"{ids.ANSWER}:{0 if value else 1}"  # in the reader's language
            self.click(self.button(call, yes_or_no), call)
        elif fact.kind == "ordinal":
            self.click(self.button(call, ids.ANSWER, str(value)), call)
        else:
            self.type_number(str(value), call)

    def type_number(self, text: str, call: Call | None = None) -> None:
        call = call or self.screen()
        block = next(b for b in call.args["blocks"] if b.get("block_id", "").startswith("number:"))
        result = self.bot.slack.block_action(
            self.user,
            ids.NUMBER,
            None,
            block_id=block["block_id"],
            channel_id=self.channel,
            message_ts=call.response.get("ts") if call.response else None,
            action_type="plain_text_input",
            text_value=text,
        )
        assert result.status == 200, result
