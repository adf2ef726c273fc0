"""Bad input, case by case, through the real WSGI app: unsigned and malformed requests, unknown
and foreign buttons, overlong, odd and hostile answers, slash commands without what they need.

Every case checks three things: the HTTP status Slack expects (200 for anything Slack signed,
since Slack shows the person an error otherwise; 401 for what it did not sign), a clear Japanese
reply without a traceback, and that nothing stored changed (the person's session, results and
the team roster are compared before and after).
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from bot import ids
from bot.app import create_app
from bot.context import BotContext
from bot.server import wsgi_app
from flows.interview import Command
from flows.personas import persona
from flows.session import InterviewSession, PersonKey, Phase
from flows.storage.base import SessionStore
from flows.storage.redis_store import RedisStore
from tests.bot.slack_env import SECRET, Bot, Person, blocks_text, settings_for
from tests.slack_mock import Call, MockSlackApi
from tests.slack_requests import FORM, JSON, HttpResult, SlackClient, serve_wsgi

TEAM = "T0001"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# Everything the bot says to people: Web API messages, views and response_url replies.
SENT = (
    "chat.postMessage",
    "chat.update",
    "chat.postEphemeral",
    "views.open",
    "views.update",
    "views.push",
    "views.publish",
    "response_url",
)
QUESTION_TS = "1700000000.000200"


class RecordingClient(SlackClient):
    """SlackClient that keeps every HTTP answer (acks carry replies, too)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.results: list[HttpResult] = []

    def raw(self, body: bytes | str, headers: Any) -> HttpResult:
        result = super().raw(body, headers)
        self.results.append(result)
        return result


@dataclass
class Harness:
    bot: Bot
    ctx: BotContext
    slack: RecordingClient
    caplog: pytest.LogCaptureFixture
    marks: dict[str, int] = field(default_factory=dict)

    @property
    def api(self) -> MockSlackApi:
        return self.bot.api

    @property
    def store(self) -> SessionStore:
        return self.bot.store

    def settle(self) -> None:
        """Wait until the after-ack work of every request sent so far has finished."""
        self.ctx.executor.shutdown(wait=True)
        self.ctx.executor = ThreadPoolExecutor(4, "itss-after-ack")

    def mark(self) -> None:
        """From here on, `sent()` and `acks()` report only what follows."""
        self.settle()
        self.marks = {"calls": len(self.api.calls()), "acks": len(self.slack.results)}

    def sent(self, *methods: str) -> list[Call]:
        self.settle()
        calls = self.api.calls()[self.marks.get("calls", 0) :]
        return [c for c in calls if c.method in (methods or SENT)]

    def acks(self) -> list[HttpResult]:
        return self.slack.results[self.marks.get("acks", 0) :]

    def errors_logged(self) -> list[str]:
        self.settle()
        return [
            r.getMessage()
            for r in self.caplog.records
            if r.name == "itss.bot" and r.levelno >= logging.ERROR
        ]


@pytest.fixture
def api() -> Iterator[MockSlackApi]:
    with MockSlackApi() as mock:
        yield mock


@pytest.fixture
def h(
    api: MockSlackApi, redis_store: RedisStore, redis_url: str, caplog: pytest.LogCaptureFixture
) -> Iterator[Harness]:
    settings = settings_for(api, redis_url)
    app, ctx = create_app(settings, redis_store)
    try:
        with serve_wsgi(wsgi_app(app, redis_store)) as base:
            slack = RecordingClient(base, SECRET, hooks_url=api.hooks_url)
            harness = Harness(Bot(api, slack, redis_store, settings), ctx, slack, caplog)
            yield harness
            assert not harness.errors_logged(), "a listener failed"
    finally:
        ctx.executor.shutdown(wait=True)


# ---------------------------------------------------------------------- helpers


def key(user: str) -> PersonKey:
    return PersonKey(team=TEAM, user=user)


def stored(store: SessionStore, *users: str) -> dict[str, Any]:
    """What is stored about these people and their team, as plain data."""
    out: dict[str, Any] = {"roster": store.roster(TEAM)}
    for user in users:
        session = store.load(key(user))
        out[user] = {
            "session": session.model_dump(mode="json") if session else None,
            "history": [r.model_dump(mode="json") for r in store.history(key(user))],
            "latest": {k: r.model_dump(mode="json") for k, r in store.latest(key(user)).items()},
        }
    return out


def ack_text(result: HttpResult) -> str:
    """What an ack shows the person: JSON bodies re-dumped readable, text bodies as they are."""
    if result.body.startswith("{"):
        return json.dumps(result.json(), ensure_ascii=False)
    return result.body


def call_text(call: Call) -> str:
    return json.dumps(call.args, ensure_ascii=False, default=str)


def everything_said(h: Harness) -> str:
    return "\n".join([*map(ack_text, h.acks()), *map(call_text, h.sent())])


def assert_reply_ok(text: str) -> None:
    assert JAPANESE.search(text), f"not a Japanese reply: {text[:300]!r}"
    assert "Traceback" not in text, text
    assert "Exception" not in text, text


def assert_replies_ok(h: Harness) -> None:
    """Every reply since the mark reads as Japanese and shows no traceback."""
    for result in h.acks():
        if result.status == 200 and result.body:
            assert_reply_ok(ack_text(result))
    for call in h.sent("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url"):
        assert_reply_ok(str(call.args.get("text", "")) + blocks_text(call.args.get("blocks") or []))


def start_at_question(h: Harness, user: str, specialty: str = "system_operations") -> Any:
    """Start by /itss start the way a person does; returns the first question's message."""
    person = Person(h.bot, user)
    person.command(f"start {specialty}")
    person.wait_posts(1)
    return person.screen()


def at_number_question(h: Harness, user: str) -> InterviewSession:
    """A session stored at `operations_count` (a count typed into a number input)."""
    h.ctx.service.start(key(user), "system_operations")
    out = h.ctx.service.act(key(user), Command(action="answer", fact="role", value="member"))
    assert out.session.current == "operations_count"
    return out.session


def at_review(h: Harness, user: str) -> InterviewSession:
    """A session stored at the review screen (every question answered)."""
    h.ctx.service.start(key(user), "system_operations")
    facts = persona("system_operations", 2)
    while True:
        session = h.ctx.service.current(key(user))
        assert session is not None
        if session.state is not Phase.ASKING:
            break
        assert session.current is not None
        value = facts[session.current]
        out = h.ctx.service.act(
            key(user),
            Command(
                action="answer",
                fact=session.current,
                value=sorted(value) if isinstance(value, frozenset) else value,
            ),
        )
        assert out.applied, out.message
    assert session.state is Phase.REVIEWING
    return session


def type_number(h: Harness, user: str, session: InterviewSession, text: str | None) -> HttpResult:
    ref = ids.Ref(session.id, session.step, session.current or "")
    return h.slack.block_action(
        user,
        ids.NUMBER,
        None,
        block_id=f"number:{ref.encode()}",
        channel_id=f"D{user}",
        message_ts=QUESTION_TS,
        action_type="plain_text_input",
        text_value=text,
    )


def save_note(
    h: Harness, user: str, session: InterviewSession, text: str, dimension: str = "task"
) -> HttpResult:
    state = {
        ids.NOTE_DIMENSION_BLOCK: {
            "dimension": {"type": "static_select", "selected_option": {"value": dimension}}
        },
        ids.NOTE_BLOCK: {"text": {"type": "plain_text_input", "value": text}},
    }
    return h.slack.view_submission(
        user,
        ids.NOTE_MODAL,
        state,
        private_metadata=ids.Ref(session.id, session.step).encode(),
    )


def updates_of(h: Harness, user: str) -> list[Call]:
    return [c for c in h.sent("chat.update") if c.args.get("channel") == f"D{user}"]


def posts_to(h: Harness, user: str) -> list[Call]:
    return [c for c in h.sent("chat.postMessage") if c.args.get("channel") == f"D{user}"]


# ---------------------------------------------------------------------- unsigned requests


def _without(*names: str) -> Callable[[SlackClient, str], dict[str, str]]:
    def headers(client: SlackClient, body: str) -> dict[str, str]:
        signed = client.signed(body)
        return {k: v for k, v in signed.items() if k not in names}

    return headers


UNSIGNED: dict[str, Callable[[SlackClient, str], dict[str, str]]] = {
    "forged signature": lambda c, body: c.signed(body, forge=True),
    "timestamp 301 s old": lambda c, body: c.signed(body, timestamp=int(time.time()) - 301),
    "timestamp 10 min ahead": lambda c, body: c.signed(body, timestamp=int(time.time()) + 600),
    "signature of another body": lambda c, body: c.signed(body + "&x=1"),
    "no signature header": _without("X-Slack-Signature"),
    "no timestamp header": _without("X-Slack-Request-Timestamp"),
    "no Slack headers": _without("X-Slack-Signature", "X-Slack-Request-Timestamp"),
    "timestamp not a number": lambda c, body: c.signed(body, timestamp="soon"),
}


@pytest.mark.parametrize("request_kind", ["click", "slash"])
@pytest.mark.parametrize("case", list(UNSIGNED))
def test_requests_slack_did_not_sign_are_refused(h: Harness, case: str, request_kind: str) -> None:
    """A click on a real answer button or `/itss start SO`: applied if signed, 401 if not."""
    question = start_at_question(h, "UA1")
    alice = Person(h.bot, "UA1")
    before = stored(h.store, "UA1", "UB1")
    h.mark()
    if request_kind == "click":
        button = alice.button(question, ids.ANSWER, "member")
        payload = h.slack.block_action_payload(
            "UA1",
            button["action_id"],
            button["value"],
            channel_id="DUA1",
            message_ts=question.response["ts"] if question.response else None,
        )
        body = urlencode({"payload": json.dumps(payload)})
    else:
        body = urlencode(h.slack.slash_form("UB1", "start SO"))
    result = h.slack.raw(body, UNSIGNED[case](h.slack, body))
    assert result.status == 401, result
    assert "Traceback" not in result.body
    assert h.sent() == []
    assert stored(h.store, "UA1", "UB1") == before


# ---------------------------------------------------------------------- malformed bodies

MALFORMED: dict[str, tuple[str | bytes, str]] = {
    "payload= not JSON": ("payload=" + quote("{not json"), FORM),
    "payload= truncated JSON": ("payload=" + quote('{"type": "block_actions", "user": '), FORM),
    "payload= a JSON list": ("payload=" + quote("[1, 2]"), FORM),
    "payload= a JSON string": ("payload=" + quote('"block_actions"'), FORM),
    "payload= JSON null": ("payload=null", FORM),
    "JSON body not JSON": ("{not json", JSON),
    "form body starting with {": ("{team_id=T0001", FORM),
    "body not UTF-8": (b"payload=\xff\xfe\xfd", FORM),
    "form body of garbage": ("%%%&&&===;;", FORM),
    "empty body": ("", FORM),
    "payload= empty object": ("payload=" + quote("{}"), FORM),
    "block_actions without actions": (
        "payload=" + quote(json.dumps({"type": "block_actions", "user": {"id": "UA1"}})),
        FORM,
    ),
    "slash form without command": ("team_id=T0001&user_id=UA1&text=start", FORM),
}


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_bodies_get_a_4xx_and_change_nothing(h: Harness, case: str, signed: bool) -> None:
    """Slack never sends these. A 4xx (Bolt: 401 unsigned, 404 `unhandled request`) is fine;
    a 500 is not (gunicorn logs a traceback for every such request)."""
    start_at_question(h, "UA1")
    before = stored(h.store, "UA1")
    h.mark()
    body, content_type = MALFORMED[case]
    headers = h.slack.signed(body, content_type=content_type)
    if not signed:
        headers = {"Content-Type": content_type}
    result = h.slack.raw(body, headers)
    assert result.status != 500, f"{case}: HTTP 500 {result.body!r}"
    assert 400 <= result.status < 500 or result.status == 200, result
    assert "Traceback" not in result.body
    assert h.sent() == []
    assert stored(h.store, "UA1") == before


# ---------------------------------------------------------------------- unknown actions

UNKNOWN_ACTIONS = ["itss_retired_button", "itss_answer_old", "itss_answer:x", "", "itss_number2"]


@pytest.mark.parametrize("action_id", UNKNOWN_ACTIONS)
def test_unknown_action_ids_are_acknowledged_without_effect(h: Harness, action_id: str) -> None:
    """A button of an older app version still gets a 200: Slack shows an error icon otherwise."""
    question = start_at_question(h, "UA1")
    value = Person(h.bot, "UA1").button(question, ids.ANSWER, "member")["value"]
    before = stored(h.store, "UA1")
    h.mark()
    result = h.slack.block_action(
        "UA1", action_id, value, channel_id="DUA1", message_ts=QUESTION_TS
    )
    assert result.status == 200, result
    assert "Traceback" not in result.body
    assert stored(h.store, "UA1") == before
    assert not h.sent("chat.update", "chat.postMessage")
    assert_replies_ok(h)


def test_unknown_modal_submission_is_acknowledged_without_effect(h: Harness) -> None:
    session = at_review(h, "UA1")
    before = stored(h.store, "UA1")
    h.mark()
    result = h.slack.view_submission(
        "UA1", "itss_retired_modal", {}, private_metadata=ids.Ref(session.id, session.step).encode()
    )
    assert result.status == 200, result
    assert stored(h.store, "UA1") == before
    assert not h.sent("chat.update", "chat.postMessage")


GARBAGE_VALUES = {
    "no value": None,
    "empty": "",
    "not a reference": "garbage",
    "step not a number": "abc|x|member",
    "negative step": "{sid}|-1|member",
    "superscript step": "{sid}|²|member",
    "circled-digit step": "{sid}|⓵|member",
    "5000-digit step": "{sid}|" + "9" * 5000 + "|member",
    "interview id over 64 chars": "x" * 65 + "|1|member",
    "old step": "{sid}|0|member",
}


@pytest.mark.parametrize("case", list(GARBAGE_VALUES))
def test_garbage_button_values_get_the_stale_note(h: Harness, case: str) -> None:
    question = start_at_question(h, "UA1")
    session = h.store.load(key("UA1"))
    assert session is not None
    template = GARBAGE_VALUES[case]
    value = None if template is None else template.replace("{sid}", session.id)
    before = stored(h.store, "UA1")
    h.mark()
    result = h.slack.block_action(
        "UA1",
        f"{ids.ANSWER}:1",
        value,
        channel_id="DUA1",
        message_ts=question.response["ts"] if question.response else None,
    )
    assert result.status == 200, result
    assert result.body == ""
    notes = h.sent("chat.postEphemeral")
    assert len(notes) == 1, [c.args for c in h.sent()]
    assert "最新のメッセージ" in notes[0].args["text"]
    assert not h.sent("chat.update", "chat.postMessage")
    assert stored(h.store, "UA1") == before
    assert_replies_ok(h)


# ---------------------------------------------------------------------- someone else's interview


@pytest.mark.parametrize("b_has_interview", [False, True], ids=["B idle", "B interviewing"])
@pytest.mark.parametrize("channel", ["DUB1", "DUA1"], ids=["in B's DM", "in A's DM"])
def test_a_button_copied_from_someone_elses_question_does_nothing(
    h: Harness, channel: str, b_has_interview: bool
) -> None:
    """Clicks are keyed by the clicking user: B's click never reaches A's interview."""
    question = start_at_question(h, "UA1")
    if b_has_interview:
        start_at_question(h, "UB1", "customer_support")
    button = Person(h.bot, "UA1").button(question, ids.ANSWER, "member")
    a_session = h.store.load(key("UA1"))
    assert a_session is not None
    number_ref = ids.Ref(a_session.id, a_session.step, "operations_count").encode()
    before = stored(h.store, "UA1", "UB1")
    h.mark()
    clicked = h.slack.block_action(
        "UB1", button["action_id"], button["value"], channel_id=channel, message_ts=QUESTION_TS
    )
    typed = h.slack.block_action(
        "UB1",
        ids.NUMBER,
        None,
        block_id=f"number:{number_ref}",
        channel_id=channel,
        message_ts=QUESTION_TS,
        action_type="plain_text_input",
        text_value="5",
    )
    assert clicked.status == typed.status == 200
    assert stored(h.store, "UA1", "UB1") == before
    assert not h.sent("chat.update", "chat.postMessage"), "nobody's messages change"
    notes = h.sent("chat.postEphemeral")
    assert notes, "B is told the button is not theirs to use"
    assert all(c.args["user"] == "UB1" for c in notes), "only B sees the note"
    assert_replies_ok(h)


# ---------------------------------------------------------------------- overlong input


@pytest.mark.parametrize("text", ["1" * 10_000, "あ" * 10_000, "<!channel>" * 1_000])
def test_10000_character_number_is_rejected_with_a_reason(h: Harness, text: str) -> None:
    session = at_number_question(h, "UA1")
    before = stored(h.store, "UA1")
    h.mark()
    assert type_number(h, "UA1", session, text).status == 200
    (update,) = updates_of(h, "UA1")
    assert update.args["ts"] == QUESTION_TS
    shown = blocks_text(update.args["blocks"])
    assert "入力が長すぎます" in shown
    assert "<!channel>" not in shown
    assert all(len((b.get("text") or {}).get("text", "")) <= 3000 for b in update.args["blocks"])
    assert not posts_to(h, "UA1")
    assert stored(h.store, "UA1") == before
    assert_replies_ok(h)


def test_longest_option_value_slack_carries_is_rejected_with_a_reason(h: Harness) -> None:
    """Slack caps a button value at 2000 characters; the reason must still be visible."""
    question = start_at_question(h, "UA1")
    session = h.store.load(key("UA1"))
    assert session is not None
    before = stored(h.store, "UA1")
    h.mark()
    prefix = ids.Ref(session.id, session.step).encode()
    value = prefix + "x" * (2000 - len(prefix))
    result = h.slack.block_action(
        "UA1", f"{ids.ANSWER}:0", value, channel_id="DUA1", message_ts=question.response["ts"]
    )
    assert result.status == 200
    (update,) = updates_of(h, "UA1")
    assert "選択肢にありません" in blocks_text(update.args["blocks"])
    assert all(len((b.get("text") or {}).get("text", "")) <= 3000 for b in update.args["blocks"])
    assert stored(h.store, "UA1") == before
    assert_replies_ok(h)


@pytest.mark.parametrize("length", [1001, 10_000])
def test_overlong_note_is_refused_in_the_modal(h: Harness, length: int) -> None:
    session = at_review(h, "UA1")
    before = stored(h.store, "UA1")
    h.mark()
    result = save_note(h, "UA1", session, "メ" * length)
    assert result.status == 200
    assert result.json() == {
        "response_action": "errors",
        "errors": {ids.NOTE_BLOCK: "1000文字以内で入力してください。"},
    }
    assert h.sent() == []
    assert stored(h.store, "UA1") == before


def test_note_of_exactly_1000_characters_is_saved(h: Harness) -> None:
    session = at_review(h, "UA1")
    h.mark()
    assert save_note(h, "UA1", session, "メ" * 1000).status == 200
    (review,) = posts_to(h, "UA1")
    assert "メ" * 1000 in blocks_text(review.args["blocks"])
    saved = h.store.load(key("UA1"))
    assert saved is not None
    assert saved.notes == {"task": "メ" * 1000}


# ---------------------------------------------------------------------- control characters, emoji

ODD_NUMBERS = {
    "NUL in full-width digits": ("１０\x00人", "使えない文字"),
    "zero-width space": ("1\u200b0", "使えない文字"),
    "right-to-left override": ("\u202e01", "使えない文字"),
    "terminal escape": ("\x1b[31m5", "使えない文字"),
    "emoji after the unit": ("10人😀", "数字として読み取れません"),
    "only an emoji": ("🔟", "数字として読み取れません"),
}


@pytest.mark.parametrize("case", list(ODD_NUMBERS))
def test_control_characters_and_emoji_in_numbers_are_rejected(h: Harness, case: str) -> None:
    text, reason = ODD_NUMBERS[case]
    session = at_number_question(h, "UA1")
    before = stored(h.store, "UA1")
    h.mark()
    assert type_number(h, "UA1", session, text).status == 200
    (update,) = updates_of(h, "UA1")
    assert reason in blocks_text(update.args["blocks"])
    assert stored(h.store, "UA1") == before
    assert_replies_ok(h)


def test_whitespace_around_a_number_is_fine(h: Harness) -> None:
    session = at_number_question(h, "UA1")
    h.mark()
    assert type_number(h, "UA1", session, "\t１２回\n").status == 200
    assert posts_to(h, "UA1"), "the next question follows"
    saved = h.store.load(key("UA1"))
    assert saved is not None
    assert saved.answers["operations_count"] == 12
    assert saved.raw_answers["operations_count"] == "\t１２回\n"


@pytest.mark.parametrize(
    "note",
    ["監視基盤の移行 🚀🔥 2024年\n\t役割: リーダー 👩‍💻", "SLA 99.9%\r\n夜間対応 ☎️"],
)
def test_emoji_and_line_breaks_in_notes_are_kept_verbatim(h: Harness, note: str) -> None:
    session = at_review(h, "UA1")
    h.mark()
    assert save_note(h, "UA1", session, note).status == 200
    (review,) = posts_to(h, "UA1")
    assert json.dumps(note.strip(), ensure_ascii=False)[1:-1] in blocks_text(review.args["blocks"])
    saved = h.store.load(key("UA1"))
    assert saved is not None
    assert saved.notes == {"task": note.strip()}
    assert_replies_ok(h)


def test_control_characters_in_a_note_do_not_break_anything(h: Harness) -> None:
    session = at_review(h, "UA1")
    h.mark()
    result = save_note(h, "UA1", session, "手順書\x00\x07\x1b[2J 改訂")
    assert result.status == 200
    (review,) = posts_to(h, "UA1")
    assert "回答の確認" in review.args["text"]
    saved = h.store.load(key("UA1"))
    assert saved is not None
    assert saved.notes.get("task") == "手順書[2J 改訂", "control characters are dropped"
    assert saved.step == session.step + 1
    assert_replies_ok(h)


# ---------------------------------------------------------------------- mrkdwn injection

HOSTILE = (
    "<!channel> <!here> <@U0INJECT> <#C0INJECT> <https://evil.example|ここをクリック> &lt;b&gt;"
)
RAW_FRAGMENTS = [
    "<!channel>",
    "<!here>",
    "<@U0INJECT>",
    "<#C0INJECT>",
    "<https://evil.example",
    "&lt;b&gt;",
]


def assert_never_raw(h: Harness) -> None:
    said = everything_said(h)
    for raw in RAW_FRAGMENTS:
        assert raw not in said, f"{raw!r} echoed unescaped:\n{said[:2000]}"


def test_hostile_number_input_is_echoed_escaped(h: Harness) -> None:
    session = at_number_question(h, "UA1")
    h.mark()
    type_number(h, "UA1", session, "約<!channel>人")
    type_number(h, "UA1", session, HOSTILE[:90])
    assert len(updates_of(h, "UA1")) == 2
    assert "&lt;!channel&gt;" in everything_said(h)
    assert_never_raw(h)
    assert_replies_ok(h)


def test_hostile_option_value_is_echoed_escaped(h: Harness) -> None:
    question = start_at_question(h, "UA1")
    session = h.store.load(key("UA1"))
    assert session is not None
    h.mark()
    value = ids.Ref(session.id, session.step, HOSTILE).encode()
    h.slack.block_action(
        "UA1", f"{ids.ANSWER}:0", value, channel_id="DUA1", message_ts=question.response["ts"]
    )
    assert "選択肢にありません" in blocks_text(updates_of(h, "UA1")[0].args["blocks"])
    assert_never_raw(h)


def test_hostile_note_is_escaped_for_the_person_and_the_manager(h: Harness) -> None:
    h.store.set_managers(TEAM, {"UA1": ["UMGR1"]})
    session = at_review(h, "UA1")
    h.mark()
    assert save_note(h, "UA1", session, HOSTILE).status == 200
    (review,) = posts_to(h, "UA1")
    assert "&lt;!channel&gt;" in blocks_text(review.args["blocks"])
    saved = h.store.load(key("UA1"))
    assert saved is not None
    assert saved.notes["task"] == HOSTILE, "stored as typed, escaped when shown"
    confirm = ids.Ref(saved.id, saved.step).encode()
    result = h.slack.block_action(
        "UA1", ids.CONFIRM, confirm, channel_id="DUA1", message_ts=QUESTION_TS
    )
    assert result.status == 200
    manager_dm = posts_to(h, "UMGR1")
    assert manager_dm, "the result reached the manager"
    assert "&lt;!channel&gt;" in blocks_text(manager_dm[0].args["blocks"])
    assert_never_raw(h)
    assert_replies_ok(h)


@pytest.mark.parametrize(
    "text",
    [
        HOSTILE,  # the subcommand itself
        f"start {HOSTILE}",
        f"skill {HOSTILE}",
        f"lookup {HOSTILE}",
        f"level {HOSTILE} 3",
        f"team {HOSTILE}",
        f"status {HOSTILE}",
    ],
)
def test_hostile_slash_text_is_echoed_escaped(h: Harness, text: str) -> None:
    h.mark()
    result = h.slack.slash("UA1", text)
    assert result.status == 200
    assert_never_raw(h)
    assert_replies_ok(h)
    assert stored(h.store, "UA1")["UA1"]["session"] is None


@pytest.mark.parametrize(
    "text",
    [
        "roster set <!channel> <@UMGR1>",
        "roster set <@UM1> <https://evil.example|boss>",
        "roster remove <!here>",
        "roster import\n<!channel>,UMGR1\nUM2,<https://evil.example|boss>\nUM3,&lt;b&gt;",
    ],
)
def test_hostile_roster_input_is_echoed_escaped(h: Harness, text: str) -> None:
    h.mark()
    Person(h.bot, "UADMIN").command(text)
    (reply,) = h.sent("response_url")
    assert "ユーザーではありません" in reply.args["text"]
    assert_never_raw(h)
    assert h.store.roster(TEAM) == {}


# ---------------------------------------------------------------------- numbers typed wrongly

WRONG_NUMBERS = {
    "-3": "マイナスの数は入力できません",
    "１０〜２０人": "範囲ではなく",
    "10-20": "範囲ではなく",
    "たくさん": "数字として読み取れません",
    "1e9": "指数表記",
    "1.5": "小数は入力できません",
    "": "数字を入力してください",
    "10000000000000000": "数が大きすぎます",
}


@pytest.mark.parametrize("text", list(WRONG_NUMBERS))
def test_numbers_typed_wrongly_update_the_question_with_the_reason(h: Harness, text: str) -> None:
    session = at_number_question(h, "UA1")
    before = stored(h.store, "UA1")
    h.mark()
    assert type_number(h, "UA1", session, text).status == 200
    (update,) = updates_of(h, "UA1")
    assert update.args["ts"] == QUESTION_TS, "the question message itself shows the reason"
    shown = blocks_text(update.args["blocks"])
    assert f":warning: {WRONG_NUMBERS[text]}" in shown or WRONG_NUMBERS[text] in shown
    assert ids.NUMBER in shown, "the input is offered again"
    assert not posts_to(h, "UA1"), "no next question"
    assert stored(h.store, "UA1") == before
    assert_replies_ok(h)


def test_missing_input_value_is_treated_as_empty(h: Harness) -> None:
    session = at_number_question(h, "UA1")
    before = stored(h.store, "UA1")
    h.mark()
    assert type_number(h, "UA1", session, None).status == 200
    (update,) = updates_of(h, "UA1")
    assert "数字を入力してください" in blocks_text(update.args["blocks"])
    assert stored(h.store, "UA1") == before


# ---------------------------------------------------------------------- slash command usage

USAGE_CASES: list[tuple[str, str, str]] = [
    ("UA1", "level", "使い方: `/itss level"),
    ("UA1", "level SO", "使い方: `/itss level"),
    ("UA1", "level SO ⓵", "使い方: `/itss level"),
    ("UA1", "level SO ፩", "使い方: `/itss level"),
    ("UA1", "level XX 3", "使い方: `/itss level"),
    ("UA1", "level SO 123", "使い方: `/itss level"),
    ("UA1", "skill", "使い方: `/itss skill"),
    ("UA1", "lookup   ", "使い方: `/itss skill"),
    ("UA1", "start XX", "専門分野「XX」が分かりません"),
    ("UA1", "start " + "あ" * 10_000, "が分かりません"),
    ("UA1", "dance", "「dance」というサブコマンドはありません"),
    ("UA1", "\x00\x07", "サブコマンドはありません"),
    ("UA1", "team all", "管理者のみ"),
    ("UA1", "roster show", "管理者のみ"),
    ("UADMIN", "roster", "使い方（管理者のみ）"),
    ("UADMIN", "roster set", "使い方（管理者のみ）"),
    ("UADMIN", "roster set <@UM1>", "使い方（管理者のみ）"),
    ("UADMIN", "roster set <@UM1> <@UM1>", "自分自身をマネージャーにはできません"),
    ("UADMIN", "roster remove", "使い方（管理者のみ）"),
    ("UADMIN", "roster frobnicate", "使い方（管理者のみ）"),
    ("UADMIN", "roster import", "取り込む行がありません"),
]


@pytest.mark.parametrize(("user", "text", "expected"), USAGE_CASES)
def test_slash_commands_without_what_they_need_explain_themselves(
    h: Harness, user: str, text: str, expected: str
) -> None:
    h.store.set_managers(TEAM, {"UM9": ["UMGR9"]})
    before = stored(h.store, user)
    h.mark()
    result = h.slack.slash(user, text)
    assert result.status == 200, result
    replies = [ack_text(result), *(call_text(c) for c in h.sent("response_url"))]
    assert any(expected in r for r in replies), replies
    assert_replies_ok(h)
    assert stored(h.store, user) == before
    assert not h.sent("chat.postMessage"), "no interview was started"


# ---------------------------------------------------------------------- roster CSV


def test_roster_import_with_bad_lines_reports_each_and_applies_nothing(h: Harness) -> None:
    h.store.set_managers(TEAM, {"UOLD": ["UOLDMGR"]})
    lines = [
        "<@U10>,<@U11>",  # 1 fine
        "U12",  # 2 one cell
        "U13,U13",  # 3 own manager
        "<!channel>,U14",  # 4 not a user
        "U15,U16,U17",  # 5 three cells
        "# comment",  # 6 skipped
        "",  # 7 skipped
        "U18,",  # 8 empty manager
        "u19,u20",  # 9 lower case: not an id
        "U21,<@U22|name>",  # 10 fine
        "メンバー,マネージャー",  # 11 a header row
    ]
    h.mark()
    Person(h.bot, "UADMIN").command("roster import\n" + "\n".join(lines))
    (reply,) = h.sent("response_url")
    text = reply.args["text"]
    assert "1 行も反映していません" in text
    reported = {int(n) for n in re.findall(r"^(\d+) 行目", text, re.MULTILINE)}
    assert reported == {2, 3, 4, 5, 8, 9, 11}
    assert reply.args.get("response_type") == "ephemeral"
    assert h.store.roster(TEAM) == {"UOLD": ["UOLDMGR"]}
    assert_never_raw(h)
    assert_replies_ok(h)


def test_roster_import_by_a_non_admin_is_refused_before_parsing(h: Harness) -> None:
    h.mark()
    Person(h.bot, "UA1").command("roster import\nU1,U2\nbad")
    (reply,) = h.sent("response_url")
    assert "管理者のみ" in reply.args["text"]
    assert "行目" not in reply.args["text"]
    assert h.store.roster(TEAM) == {}
