"""Properties of the request handlers for arbitrary input (hypothesis), through the real WSGI app.

Whatever text a slash command, a number input, an answer button or the note modal carries, the
app answers 200 (the status Slack expects for what it signed), no listener fails (no ERROR from
logger "itss.bot"), and what is stored is either unchanged or changed exactly as the interview
engine applies that input as an answer. One app serves every example of a test; each example
uses a person of its own, so no state leaks between examples.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from bot import ids
from bot.app import create_app
from bot.context import BotContext
from bot.roster import RosterError, parse_import
from bot.server import wsgi_app
from flows.interview import Command
from flows.numbers import MAX_VALUE
from flows.personas import persona
from flows.session import InterviewSession, PersonKey, Phase
from flows.storage.redis_store import RedisStore
from flows.text import has_foreign_digits
from tests.bot.slack_env import SECRET, settings_for
from tests.slack_mock import Call, MockSlackApi
from tests.slack_requests import HttpResult, SlackClient, serve_wsgi

TEAM = "T0001"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_people = itertools.count(1)

# ---------------------------------------------------------------------- strategies


def weighted(*branches: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """Like st.one_of, with each branch drawn `weight` times as often (st.one_of's own choice
    leans towards the simplest branches, so valid input would be rare)."""
    table = [strategy for weight, strategy in branches for _ in range(weight)]
    return st.sampled_from(range(len(table))).flatmap(lambda i: table[i])


# st.text() never yields surrogates (JSON and UTF-8 cannot carry them); these add the
# characters most likely to trip a parser: controls, format characters, odd digits, markup.
ODD = st.characters(categories=["Cc", "Cf", "Nd", "No", "Zs", "Zl", "Zp", "So", "Sm", "Po"])
HOSTILE = st.sampled_from(
    ["<!channel>", "<@U0X>", "&lt;", "&amp;", "|", "\n", "\x00", "²", "⓵", "٣", "１０", "e9", "-"]
)
ANY_TEXT = st.one_of(
    st.text(),
    st.text(ODD),
    st.lists(st.one_of(st.text(max_size=3), HOSTILE), max_size=6).map("".join),
)
NUMBERISH = st.one_of(
    ANY_TEXT,
    st.integers(min_value=-1000, max_value=10**17).map(str),
    st.from_regex(r"(約|およそ)?[0-9０-９,，.]{1,8}(回|人|くらい|程度)?", fullmatch=True),
    st.from_regex(r"[一二三四五六七八九十百千万億兆]{1,6}回?", fullmatch=True),
    st.sampled_from(["三千", "1.5", "1e9", "-3", "１０〜２０人", "たくさん", "0", "  7  ", ""]),
)
SUBCOMMANDS = st.sampled_from(
    [
        *("start", "START", "ｓｔａｒｔ", "skill", "lookup", "level", "status", "forget"),
        *("team", "roster", "history", "help", "ヘルプ", "", "dance"),
    ]
)
SPECIALTY_WORDS = st.sampled_from(["SO", "no", "ＣＳ", "ヘルプデスク", "system_operations", "XX"])
# Digits int() reads, and look-alikes it does not (str.isdigit() is true for "²" and "⓵").
DIGITISH = st.text(
    st.one_of(st.sampled_from("09９٣²³⓵፩①¹"), st.characters(categories=["Nd", "No"])),
    min_size=1,
    max_size=3,
)
LEVEL_WORDS = st.one_of(DIGITISH, ANY_TEXT)
COMMAND_TEXT = weighted(
    (1, ANY_TEXT),
    (4, st.tuples(SUBCOMMANDS, ANY_TEXT).map(" ".join)),
    (1, st.tuples(st.just("start"), SPECIALTY_WORDS).map(" ".join)),
    (1, st.tuples(st.just("level"), SPECIALTY_WORDS, LEVEL_WORDS).map(" ".join)),
)


# ---------------------------------------------------------------------- the running app


class RecordingClient(SlackClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.results: list[HttpResult] = []

    def raw(self, body: bytes | str, headers: Any) -> HttpResult:
        result = super().raw(body, headers)
        self.results.append(result)
        return result


class App:
    """The running app and its surroundings (a plain class: hypothesis prints dataclass fixtures
    field by field, the whole framework included, with every failing example)."""

    def __init__(
        self,
        api: MockSlackApi,
        slack: RecordingClient,
        store: RedisStore,
        ctx: BotContext,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        self.api, self.slack, self.store, self.ctx, self.caplog = api, slack, store, ctx, caplog

    def __repr__(self) -> str:
        return f"App({self.slack.base_url})"

    def fresh(self) -> str:
        """A new person for one example; forget what the previous example left behind."""
        self.settle()
        self.api.clear()
        self.slack.results.clear()
        self.caplog.clear()
        return f"UP{next(_people):06d}"

    def settle(self) -> None:
        self.ctx.executor.shutdown(wait=True)
        self.ctx.executor = ThreadPoolExecutor(4, "itss-after-ack")

    def assert_quiet(self) -> None:
        """No listener and no after-ack work failed."""
        self.settle()
        errors = [
            f"{r.getMessage()}: {r.exc_info[1]!r}" if r.exc_info else r.getMessage()
            for r in self.caplog.records
            if r.name == "itss.bot" and r.levelno >= logging.ERROR
        ]
        assert not errors, errors

    def replies(self) -> list[str]:
        """What people were told: ack bodies, DMs, updates, ephemeral notes, response_url."""
        out = [r.body for r in self.slack.results if r.body]
        methods = ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url")
        out += [_said(c) for c in self.api.calls() if c.method in methods]
        return out


def _said(call: Call) -> str:
    return str(call.args.get("text", "")) + json.dumps(
        call.args.get("blocks") or [], ensure_ascii=False
    )


def assert_reply_ok(text: str) -> None:
    if text.startswith("{"):
        text = json.dumps(json.loads(text), ensure_ascii=False)
    assert JAPANESE.search(text), f"not a Japanese reply: {text[:300]!r}"
    assert "Traceback" not in text


@pytest.fixture
def app(redis_store: RedisStore, redis_url: str, caplog: pytest.LogCaptureFixture) -> Iterator[App]:
    with MockSlackApi() as api:
        bot_settings = settings_for(api, redis_url)
        bolt, ctx = create_app(bot_settings, redis_store)
        try:
            with serve_wsgi(wsgi_app(bolt, redis_store)) as base:
                slack = RecordingClient(base, SECRET, hooks_url=api.hooks_url)
                yield App(api, slack, redis_store, ctx, caplog)
        finally:
            ctx.executor.shutdown(wait=True)


def key(user: str) -> PersonKey:
    return PersonKey(team=TEAM, user=user)


def stored(app: App, user: str) -> dict[str, Any]:
    session = app.store.load(key(user))
    return {
        "session": session.model_dump(mode="json") if session else None,
        "history": [r.model_dump(mode="json") for r in app.store.history(key(user))],
        "roster": app.store.roster(TEAM),
    }


def moved(session: InterviewSession) -> dict[str, Any]:
    """A session as far as an answer changes it (updated_at is the clock's business)."""
    return session.model_dump(mode="json", exclude={"updated_at"})


def expect(app: App, before: InterviewSession, cmd: Command) -> InterviewSession | None:
    """The session after `cmd` as the interview engine applies it; None: it is refused."""
    outcome = app.ctx.service.interview.handle(before, cmd, datetime.now(before.updated_at.tzinfo))
    return outcome.session if outcome.applied else None


def check_answer_outcome(app: App, user: str, before: InterviewSession, cmd: Command) -> None:
    """Stored exactly as the engine applies `cmd`, or untouched; the person sees which."""
    after = app.store.load(key(user))
    assert after is not None
    expected = expect(app, before, cmd)
    event("answer applied" if expected is not None else "answer refused")
    channel = f"D{user}"
    updates = [c for c in app.api.calls("chat.update") if c.args.get("channel") == channel]
    posts = [c for c in app.api.calls("chat.postMessage") if c.args.get("channel") == channel]
    if expected is None:
        assert after == before, "a refused answer changed the session"
        assert not posts, "no next question after a refused answer"
        notes = app.api.calls("chat.postEphemeral")
        assert len(updates) + len(notes) == 1, "the person is told why, once"
    else:
        assert moved(after) == moved(expected)
        assert after.step == before.step + 1
        assert len(updates) == 1, "the answered question shows the recorded answer"
        assert len(posts) == 1, "the next screen follows"
    assert app.store.history(key(user)) == []


# ---------------------------------------------------------------------- sessions to act on


def at_question(app: App, user: str, fact: str) -> InterviewSession:
    """A session (system operations, level-2 answers) waiting at `fact`."""
    service = app.ctx.service
    service.start(key(user), "system_operations")
    facts = persona("system_operations", 2)
    while True:
        session = service.current(key(user))
        assert session is not None
        assert session.state is Phase.ASKING, f"{fact} never asked"
        if session.current == fact:
            return session
        assert session.current is not None
        value = facts[session.current]
        plain = sorted(value) if isinstance(value, frozenset) else value
        out = service.act(key(user), Command(action="answer", fact=session.current, value=plain))
        assert out.applied, out.message


def at_review(app: App, user: str) -> InterviewSession:
    service = app.ctx.service
    service.start(key(user), "system_operations")
    facts = persona("system_operations", 2)
    while (session := service.current(key(user))) is not None and session.current is not None:
        value = facts[session.current]
        plain = sorted(value) if isinstance(value, frozenset) else value
        service.act(key(user), Command(action="answer", fact=session.current, value=plain))
    assert session is not None
    assert session.state is Phase.REVIEWING
    return session


# ---------------------------------------------------------------------- slash commands


@EXAMPLES
@given(text=COMMAND_TEXT)
@example(text="level SO ⓵")
@example(text="start ｓｏ")
def test_any_slash_command_text_is_answered(app: App, text: str) -> None:
    user = app.fresh()
    before = stored(app, user)
    result = app.slack.slash(user, text)
    assert result.status == 200, result
    app.assert_quiet()
    for reply in app.replies():
        assert_reply_ok(reply)
    normalized = unicodedata.normalize("NFKC", text).strip()
    sub, _, rest = normalized.partition(" ")
    rest = rest.strip()
    starts = sub.casefold() == "start" and (not rest or app.ctx.framework.resolve_specialty(rest))
    known = {"start", "skill", "lookup", "level", "status", "forget", "team", "roster", "help"}
    event(f"/itss {sub.casefold()}" if sub.casefold() in known else "other subcommand")
    after = stored(app, user)
    if starts:
        session = app.store.load(key(user))
        assert session is not None
        assert session.specialty == (app.ctx.framework.resolve_specialty(rest) if rest else None)
        assert after["history"] == before["history"]
        assert after["roster"] == before["roster"]
    else:
        assert after == before


ROSTER_LINE = weighted(
    (3, st.from_regex(r"<@U[A-Z0-9]{2,4}>, ?<@U[A-Z0-9]{2,4}(\|[a-z]{1,5})?>", fullmatch=True)),
    (6, st.from_regex(r"U[0-9]{1,3},U[0-9]{1,3}", fullmatch=True)),
    (2, st.sampled_from(["# comment", "", "  ", "U1,U1", "U2", "U3,", "a,b"])),
    (1, ANY_TEXT),
)


@EXAMPLES
@given(lines=st.lists(ROSTER_LINE, max_size=5))
def test_any_roster_import_is_all_or_nothing(app: App, lines: list[str]) -> None:
    app.fresh()
    baseline = {"UBASE": ["UBOSS"]}
    app.store.set_managers(TEAM, {m: list[str]() for m in app.store.roster(TEAM)} | baseline)
    body = "\n".join(lines)
    result = app.slack.slash("UADMIN", "roster import\n" + body)
    assert result.status == 200, result
    app.assert_quiet()
    (reply,) = app.api.calls("response_url")
    assert_reply_ok(reply.args["text"])
    try:
        assignments = parse_import(unicodedata.normalize("NFKC", body).rstrip())
    except RosterError:
        event("import refused")
        assert app.store.roster(TEAM) == baseline, "nothing applied"
        assert "取り込" in reply.args["text"]
    else:
        event("import applied")
        assert app.store.roster(TEAM) == baseline | assignments
        assert f"{len(assignments)} 人分" in reply.args["text"]


# ---------------------------------------------------------------------- interview inputs


# Written by hand, not read by the product's parser: what a person typing these means.
KANJI_COUNTS = {
    "１２回": 12,
    "十二": 12,
    "二十回": 20,
    "百": 100,
    "三千": 3000,
    "一万": 10_000,
    "二万五千": 25_000,
    "三億": 300_000_000,
}


@EXAMPLES
@given(text=st.one_of(st.none(), NUMBERISH))
@example(text="１２回")
@example(text="一万")
@example(text="二万五千")
@example(text="三億")
def test_any_number_input_is_stored_as_the_engine_reads_it_or_refused(
    app: App, text: str | None
) -> None:
    user = app.fresh()
    before = at_question(app, user, "operations_count")
    ref = ids.Ref(before.id, before.step, "operations_count")
    result = app.slack.block_action(
        user,
        ids.NUMBER,
        None,
        block_id=f"number:{ref.encode()}",
        channel_id=f"D{user}",
        message_ts="1700000000.000200",
        action_type="plain_text_input",
        text_value=text,
    )
    assert result.status == 200, result
    assert result.body == ""
    app.assert_quiet()
    for reply in app.replies():
        assert_reply_ok(reply)
    cmd = Command(
        action="answer", interview=before.id, step=before.step, fact=ref.arg, value=text or ""
    )
    check_answer_outcome(app, user, before, cmd)
    after = app.store.load(key(user))
    assert after is not None
    if "operations_count" in after.answers:
        value = after.answers["operations_count"]
        assert isinstance(value, int)
        assert not isinstance(value, bool)
        assert 0 <= value <= MAX_VALUE
    plain = unicodedata.normalize("NFKC", text or "").strip()
    typed_digits = not has_foreign_digits(text or "")  # 「𝟒」 and 「¹」 are refused, not read
    if typed_digits and plain.isascii() and plain.isdigit() and int(plain) <= MAX_VALUE:
        assert after.answers.get("operations_count") == int(plain), "a plain number is taken"
    if text in KANJI_COUNTS:
        assert after.answers.get("operations_count") == KANJI_COUNTS[text], "kanji numerals"


def button_value(session: InterviewSession, shape: tuple[str, str, str]) -> str | None:
    """A button value: the real reference with any argument, or a damaged one."""
    which, step, arg = shape
    if which == "raw":
        return arg
    if which == "none":
        return None
    interview = {"own": session.id, "other": "someone-else", "empty": ""}[which]
    steps = {"own": str(session.step), "old": str(session.step - 1), "next": str(session.step + 1)}
    return f"{interview}|{steps.get(step, step)}|{arg}"


ARGS = st.one_of(
    ANY_TEXT,
    st.sampled_from(["はい", "いいえ", "yes", "NO", "1", "0", "true", "ある", " はい "]),
    st.sampled_from(["operator", "member", "leader", "head", "メンバー", "LEADER", "責任者"]),
)
VALID_ARGS = st.sampled_from(["はい", "いいえ", "yes", "0", "member", "leader", "責任者"])
BUTTON_SHAPES = weighted(
    (3, st.tuples(st.just("own"), st.just("own"), VALID_ARGS)),
    (2, st.tuples(st.just("own"), st.just("own"), ARGS)),
    (
        2,
        st.tuples(
            st.sampled_from(["own", "other", "empty"]),
            st.one_of(st.sampled_from(["old", "next"]), LEVEL_WORDS, st.just("9" * 5000)),
            ARGS,
        ),
    ),
    (1, st.tuples(st.just("raw"), st.just(""), ANY_TEXT)),
    (1, st.just(("none", "", ""))),
)


@EXAMPLES
@given(
    fact=st.sampled_from(["role", "followed_manuals"]),
    shape=BUTTON_SHAPES,
    action_id=st.sampled_from([ids.ANSWER, f"{ids.ANSWER}:0", f"{ids.ANSWER}:3"]),
)
@example(fact="role", shape=("own", "own", "leader"), action_id=ids.ANSWER)
@example(fact="role", shape=("own", "²", "leader"), action_id=ids.ANSWER)
@example(fact="followed_manuals", shape=("own", "9" * 5000, "はい"), action_id=ids.ANSWER)
def test_any_answer_button_value_is_applied_as_the_engine_reads_it_or_refused(
    app: App, fact: str, shape: tuple[str, str, str], action_id: str
) -> None:
    user = app.fresh()
    before = at_question(app, user, fact)
    value = button_value(before, shape)
    result = app.slack.block_action(
        user, action_id, value, channel_id=f"D{user}", message_ts="1700000000.000300"
    )
    assert result.status == 200, result
    assert result.body == ""
    app.assert_quiet()
    for reply in app.replies():
        assert_reply_ok(reply)
    ref = ids.Ref.decode(value)
    if ref is None:
        event("no reference")
        assert app.store.load(key(user)) == before
        (note,) = app.api.calls("chat.postEphemeral")
        assert "最新のメッセージ" in note.args["text"]
        assert not app.api.calls("chat.update")
        return
    cmd = Command(action="answer", interview=ref.interview, step=ref.step, value=ref.arg)
    check_answer_outcome(app, user, before, cmd)


VALID_DIMENSIONS = st.sampled_from(["responsibility", "complexity", "size", "task"])
DIMENSIONS = weighted((4, VALID_DIMENSIONS), (1, st.none()), (1, ANY_TEXT))
NOTE_TEXT = st.one_of(
    ANY_TEXT,
    st.text(min_size=995, max_size=1005, alphabet=st.sampled_from("メ <&>\n😀")),
)
METADATA = weighted((4, st.just("own")), (1, st.sampled_from(["old", "other"])), (1, ANY_TEXT))


@EXAMPLES
@given(metadata=METADATA, dimension=DIMENSIONS, text=st.one_of(st.none(), NOTE_TEXT))
@example(metadata="own", dimension="task", text="<!channel> 監視 😀")
@example(metadata="x|³|", dimension="task", text="memo")
def test_any_note_submission_is_saved_as_the_engine_reads_it_or_refused(
    app: App, metadata: str, dimension: str | None, text: str | None
) -> None:
    user = app.fresh()
    before = at_review(app, user)
    private_metadata = {
        "own": ids.Ref(before.id, before.step).encode(),
        "old": ids.Ref(before.id, before.step - 1).encode(),
        "other": ids.Ref("someone-else", before.step).encode(),
    }.get(metadata, metadata)
    selected = None if dimension is None else {"value": dimension}
    state = {
        ids.NOTE_DIMENSION_BLOCK: {
            "dimension": {"type": "static_select", "selected_option": selected}
        },
        ids.NOTE_BLOCK: {"text": {"type": "plain_text_input", "value": text}},
    }
    result = app.slack.view_submission(user, ids.NOTE_MODAL, state, private_metadata)
    assert result.status == 200, result
    app.assert_quiet()
    after = app.store.load(key(user))
    if len(text or "") > 1000:
        assert result.json()["response_action"] == "errors"
        assert_reply_ok(result.body)
        assert after == before
        # nothing sent: at most the writer's language was asked, for the refusal's words
        assert [c.method for c in app.api.calls()] in ([], ["users.info"])
        return
    assert result.body == "", "the modal closes"
    ref = ids.Ref.decode(private_metadata)
    expected = None
    if ref is not None:
        cmd = Command(
            action="note",
            interview=ref.interview,
            step=ref.step,
            dimension=dimension,
            text=text or "",
        )
        expected = expect(app, before, cmd)
    event("note refused" if expected is None else "note saved")
    if expected is None:
        assert after == before
    else:
        assert after is not None
        assert moved(after) == moved(expected)
        assert set(after.notes) <= {"responsibility", "complexity", "size", "task"}
    posts = app.api.calls("chat.postMessage")
    assert len(posts) == (0 if ref is None else 1), "the review is shown again after a save"
    for reply in app.replies():
        assert_reply_ok(reply)
