"""The audit trail through the real app: signed requests in, the recording Web API out, a
real Redis. What is recorded by each surface, `/itss audit [csv]` for admins, the denials
(nothing leaks, nothing is read), erasure leaving no content, a failed audit write."""

from __future__ import annotations

import csv
import io
import json
import logging
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
import redis

from bot import ids
from bot.audit import DENIED, RECENT
from flows.audit import AuditAction, AuditEvent, event
from flows.personas import persona
from flows.session import PersonKey
from flows.storage.redis_audit import RedisAudit
from flows.storage.redis_store import RedisStore
from tests.bot.slack_env import Bot, Person, blocks_text
from tests.slack_mock import Call

TEAM = "T0001"
SECRET_NOTE = "夜間の障害一次対応 ZQXNOTE42"
ADMIN = PersonKey(team=TEAM, user="UADMIN")


def settle(bot: Bot) -> None:
    """Wait until the after-ack work of every request sent so far has finished."""
    assert bot.ctx is not None
    bot.ctx.executor.shutdown(wait=True)
    bot.ctx.executor = ThreadPoolExecutor(4, "itss-after-ack")


def slash(bot: Bot, user: str, text: str) -> str:
    result = bot.slack.slash(user, text)
    assert result.status == 200, result
    settle(bot)
    return result.body


def said_to(bot: Bot, user: str, acks: list[str]) -> str:
    """Everything that reached `user`: acks, response_url replies, DMs, uploaded files."""
    parts = [
        *acks,
        *(json.dumps(c.args, ensure_ascii=False) for c in bot.api.calls("response_url")),
    ]
    for call in bot.api.calls():
        if f"D{user}" in (call.args.get("channel"), call.args.get("channel_id")):
            parts.append(json.dumps(call.args, ensure_ascii=False, default=str))
    parts += [c.body.decode("utf-8", "replace") for c in bot.api.calls("upload")]
    return "\n".join(parts)


def replies(bot: Bot) -> list[Call]:
    return bot.api.calls("response_url")


def touched_by_request(seen: list[str], store: RedisStore, user: str) -> list[str]:
    """The store commands a request made (its audit stream included, under the prefix), but
    the bot's own outbox poller, which looks at the outbox index whenever it likes, and the
    lookup of the requester's own language (the words the refusal is written in)."""
    own_language = f"GET {store.preferences_key(PersonKey(team=TEAM, user=user))}"
    return [
        c
        for c in seen
        if store.prefix in c and store.outbox_index_key not in c and c != own_language
    ]


def answer_to_review(person: Person, level: int) -> Call:
    """Answer as an SO persona of `level` until the review screen, which is returned."""
    facts = persona("system_operations", level)
    while True:
        posts = len(person.posts())
        screen = person.screen()
        if ids.CONFIRM in blocks_text(screen.args["blocks"]):
            return screen
        person.answer(facts[person.current_fact()], screen)
        person.wait_posts(posts + 1)


def finish_with_note(bot: Bot, person: Person) -> None:
    """Answer as a level-2 SO persona, add an evidence note at the review, confirm."""
    screen = answer_to_review(person, 2)
    person.click(person.button(screen, ids.NOTE), screen)
    view = bot.api.wait_for("views.open")[0].args["view"]
    state = {
        ids.NOTE_DIMENSION_BLOCK: {
            "dimension": {"type": "static_select", "selected_option": {"value": "task"}}
        },
        ids.NOTE_BLOCK: {"text": {"type": "plain_text_input", "value": SECRET_NOTE}},
    }
    posts = len(person.posts())
    saved = bot.slack.view_submission(
        person.user, ids.NOTE_MODAL, state, private_metadata=view["private_metadata"]
    )
    assert saved.status == 200
    review = person.wait_posts(posts + 1)[-1]
    person.click(person.button(review, ids.CONFIRM), review)


def audit_rows(bot: Bot) -> list[list[str]]:
    upload = bot.api.uploads(".csv")[-1]
    return list(csv.reader(io.StringIO(upload.body.decode("utf-8"))))


# ---------------------------------------------------------------------- the trail


def test_every_surface_is_recorded_and_erasure_keeps_no_content(bot: Bot) -> None:
    slash(bot, "UADMIN", "roster set <@U300> <@UMGR3>")
    slash(bot, "UADMIN", "roster import\n<@U301>,<@UMGR3>\n<@U302>,<@UMGR3>")
    slash(bot, "UADMIN", "roster remove <@U302>")
    assert bot.store.roster(TEAM) == {"U300": ["UMGR3"], "U301": ["UMGR3"]}

    ida = Person(bot, "U300")
    ida.command("start SO")
    ida.wait_posts(1)
    finish_with_note(bot, ida)
    Person(bot, "UMGR3").wait_posts(1)  # the manager got the result
    key = PersonKey(team=TEAM, user="U300")
    assert SECRET_NOTE in bot.store.history(key)[0].model_dump_json()

    slash(bot, "UMGR3", "team")
    slash(bot, "UADMIN", "team all")
    slash(bot, "UADMIN", "team <@UMGR3>")
    confirm = json.loads(slash(bot, "U300", "forget"))
    button = next(
        e for b in confirm["blocks"] for e in b.get("elements", []) if e["action_id"] == ids.FORGET
    )
    assert bot.slack.block_action("U300", ids.FORGET, button["value"]).status == 200
    settle(bot)
    assert bot.store.history(key) == []

    trail = list(bot.store.audit.events(TEAM))
    assert [(e.action.value, e.actor, e.subject) for e in trail] == [
        ("roster.changed", "UADMIN", "U300"),
        ("roster.changed", "UADMIN", "U301"),
        ("roster.changed", "UADMIN", "U302"),
        ("roster.changed", "UADMIN", "U302"),
        ("result.submitted", "U300", "U300"),
        ("team.summary", "UMGR3", "UMGR3"),
        ("team.csv", "UMGR3", "UMGR3"),
        ("team.summary", "UADMIN", None),
        ("team.csv", "UADMIN", None),
        ("team.summary", "UADMIN", "UMGR3"),
        ("team.csv", "UADMIN", "UMGR3"),
        ("data.erased", "U300", "U300"),
    ]
    assert trail[0].detail == {"managers": "UMGR3"}
    assert trail[3].detail == {"managers": ""}  # removed
    submitted = trail[4]
    assert submitted.detail["specialty"] == "system_operations"
    assert set(submitted.detail) == {"specialty", "interview"}  # no level, no answers
    assert [e.detail["scope"] for e in trail[5:11:2]] == ["own", "all", "manager"]
    assert [e.detail["members"] for e in trail[5:11:2]] == ["2", "2", "2"]
    assert trail[-1].detail == {}
    stored = json.dumps([e.model_dump(mode="json") for e in trail], ensure_ascii=False)
    assert "ZQXNOTE42" not in stored
    assert "レベル" not in stored
    assert '"level"' not in stored

    read_back(bot, trail)


def read_back(bot: Bot, trail: list[AuditEvent]) -> None:
    """`/itss audit` and `/itss audit csv` show `trail` (and record that they were read)."""
    slash(bot, "UADMIN", "audit")
    shown = replies(bot)[-1].args
    assert shown["response_type"] == "ephemeral"
    lines = "\n".join(
        b["text"]["text"] for b in shown["blocks"] if b["type"] == "section"
    ).splitlines()
    assert len(lines) == 12
    assert lines[0].split(" | ")[1:] == ["データの削除", "<@U300>"]  # newest first
    assert lines[-1].split(" | ")[1:] == [
        "名簿の変更",
        "<@UADMIN>",
        "対象 <@U300>",
        "managers=UMGR3",
    ]
    assert lines[0].startswith("<!date^")
    assert "ZQXNOTE42" not in json.dumps(shown, ensure_ascii=False)

    slash(bot, "UADMIN", "audit csv")
    rows = audit_rows(bot)
    assert rows[0] == ["at", "action", "actor", "subject", "campaign", "detail"]
    assert [r[1] for r in rows[1:]] == [e.action.value for e in trail] + ["audit.viewed"]
    assert rows[5][5].startswith("interview=")
    assert "ZQXNOTE42" not in "".join(map(str, rows))
    upload_dm = bot.api.calls("files.completeUploadExternal")[-1].args
    assert upload_dm["channel_id"] == "DUADMIN"
    assert "CSV で DM に送りました" in replies(bot)[-1].args["text"]
    assert [e.action for e in bot.store.audit.recent(TEAM, 2)] == [
        AuditAction.AUDIT_CSV,
        AuditAction.AUDIT_VIEWED,
    ]


def test_the_latest_fifty_within_slack_limits(bot: Bot) -> None:
    bot.store.audit.extend(
        [
            event(
                bot.ctx.now() if bot.ctx else None,  # type: ignore[arg-type]
                ADMIN,
                AuditAction.ROSTER_CHANGED,
                subject=f"U{n:04d}",
                managers=" ".join(f"UMANAGER{m:03d}" for m in range(30)),
                idx=f"{n:04d}",
            )
            for n in range(120)
        ]
    )
    slash(bot, "UADMIN", "audit")
    messages = replies(bot)
    assert 1 <= len(messages) <= 5
    text = ""
    for call in messages:
        assert len(call.args["blocks"]) <= 50
        for block in call.args["blocks"]:
            assert len((block.get("text") or {}).get("text", "")) <= 3000
        text += blocks_text(call.args["blocks"])
    assert f"最新 {RECENT} 件" in text
    shown = [n for n in range(120) if f"idx={n:04d}" in text]
    assert shown == list(range(70, 120))


def test_the_audit_of_another_workspace_is_never_shown(bot: Bot) -> None:
    other = PersonKey(team="T9EXTERNAL", user="UADMIN")
    bot.store.audit.append(
        event(bot.ctx.now(), other, AuditAction.DATA_ERASED, subject="UFOREIGN1")  # type: ignore[union-attr]
    )
    slash(bot, "UADMIN", "audit")
    slash(bot, "UADMIN", "audit csv")
    assert "UFOREIGN1" not in said_to(bot, "UADMIN", [])
    assert "監査ログはまだ空です" in replies(bot)[0].args["text"]


def test_a_workspace_admin_by_users_info_may_read(bot: Bot) -> None:
    bot.api.set_user("UOWN", is_admin=True)
    bot.store.audit.append(event(bot.ctx.now(), ADMIN, AuditAction.DATA_ERASED, subject="U77"))  # type: ignore[union-attr]
    slash(bot, "UOWN", "audit")
    assert "<@U77>" in said_to(bot, "UOWN", [])


# ---------------------------------------------------------------------- denials


@contextmanager
def commands_on(redis_url: str) -> Iterator[list[str]]:
    """Every command the server runs meanwhile (MONITOR), up to a marker sent at the end."""
    seen: list[str] = []
    marker = f"end-{uuid.uuid4().hex}"
    watcher = redis.Redis.from_url(redis_url)
    with watcher.monitor() as monitor:

        def listen() -> None:
            for command in monitor.listen():
                if marker in command["command"]:
                    return
                seen.append(command["command"])

        thread = threading.Thread(target=listen, daemon=True)
        thread.start()
        yield seen
        redis.Redis.from_url(redis_url).echo(marker)
        thread.join(10)
    watcher.close()


@pytest.mark.parametrize("actor", ["member", "manager", "foreign_admin"])
@pytest.mark.parametrize("text", ["audit", "audit csv", "audit anything"])
def test_denied_requests_read_nothing_and_leak_nothing(
    bot: Bot, redis_url: str, actor: str, text: str
) -> None:
    store = bot.store
    assert isinstance(store, RedisStore)
    store.set_managers(TEAM, {"U400": ["UMGR4"]})
    store.audit.extend(
        [
            event(
                bot.ctx.now(),  # type: ignore[union-attr]
                ADMIN,
                AuditAction.ROSTER_CHANGED,
                subject="USECRET9",
                managers="UMGR4",
                marker="ZZSECRET",
            ),
            event(bot.ctx.now(), PersonKey(team=TEAM, user="U400"), AuditAction.DATA_ERASED),  # type: ignore[union-attr]
        ]
    )
    before = list(store.audit.events(TEAM))
    user = {"member": "U400", "manager": "UMGR4", "foreign_admin": "UEXT"}[actor]
    if actor == "foreign_admin":
        bot.api.set_user("UEXT", is_admin=True, is_owner=True, team_id="T9EXTERNAL")
    bot.api.clear()
    with commands_on(redis_url) as seen:
        ack = slash(bot, user, text)
    (reply,) = replies(bot)
    assert reply.args["text"] == DENIED
    said = said_to(bot, user, [ack])
    for secret in ("USECRET9", "ZZSECRET", "UADMIN", "名簿の変更", "データの削除"):
        assert secret not in said, f"{secret} reached {actor}"
    assert not bot.api.calls("chat.postMessage")
    assert not bot.api.calls("files.getUploadURLExternal")
    assert not bot.api.calls("upload")
    touched = touched_by_request(seen, store, user)
    assert touched == [], f"a denied request touched the store: {touched}"
    assert list(store.audit.events(TEAM)) == before


# ---------------------------------------------------------------------- failures


def test_an_audit_write_that_fails_is_logged_and_the_action_stands(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    store = bot.store
    assert isinstance(store, RedisStore)
    down = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    store.audit = RedisAudit(down, store, store._reachable)
    try:
        with caplog.at_level(logging.ERROR, "itss.audit"):
            slash(bot, "UADMIN", "roster set <@U500> <@UMGR5>")
    finally:
        down.close()
    assert store.roster(TEAM) == {"U500": ["UMGR5"]}
    assert "マネージャーを" in replies(bot)[-1].args["text"]
    (lost,) = [r.getMessage() for r in caplog.records if "audit write failed" in r.getMessage()]
    logged = AuditEvent.model_validate_json(lost.split("event: ", 1)[1])
    assert (logged.action, logged.actor, logged.subject) == (
        AuditAction.ROSTER_CHANGED,
        "UADMIN",
        "U500",
    )


def test_the_retention_setting_reaches_the_store(redis_url: str) -> None:
    from bot.app import create_app
    from tests.bot.slack_env import settings_for
    from tests.slack_mock import MockSlackApi

    with MockSlackApi() as api:
        settings = settings_for(api, redis_url, audit_retention_days=10, outbox_poll_seconds=0)
        _, ctx = create_app(settings)
        try:
            assert ctx.store.audit.retention_seconds == 10 * 86400
            assert settings.aggregate_min_group == 3
        finally:
            ctx.close()
