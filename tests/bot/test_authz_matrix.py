"""The authorization matrix (issue 14): every surface that reads or changes someone's data ×
every actor, through signed requests into the real app, a real Redis and the recording Web
API.

The world: two people with results and evidence notes, `UTGT` (managed by `UMGR`) and `UOTH`
(managed by `UOMGR`); `UTGT` also has an interview in progress and is in campaign `CSECRET`,
which `UMGR` started. The actors: the person (`self` = UTGT), their manager, another manager,
a plain member, an admin of this workspace and an admin of another workspace.

For every row, an actor may see the people `visible()` gives (themself, their reports, everyone
for an admin) and nobody else. After each request:

* **denied** — a denial reached the actor; no Web API call made for the request (messages,
  ephemerals, `response_url` replies, views, uploaded files) carries anything of a person the
  actor may not see (their user id, their evidence note, their campaign's name); and the
  stored data is byte for byte what it was (every key of the test's prefix, audit included);
* **allowed** — what the row promises is seen (`shows`) or stored (`changes`).

Adding a surface: write its request as a function of (world, actor), add a `Row` with who
may use it and what an allowed use shows or changes (docs/testing.md#authorization-matrix).
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
import redis

from bot import ids
from bot.blocks.campaign_modal import VALUE
from bot.commands import SUBCOMMANDS
from flows.facts import to_json_value
from flows.interview import Command
from flows.personas import persona
from flows.session import PersonKey, Phase
from flows.storage.redis_store import RedisStore
from tests.bot.slack_env import Bot
from tests.slack_mock import Call

TEAM = "T0001"
NOTES = {"UTGT": "夜間一次対応 ZQTGTNOTE", "UOTH": "月次報告 ZQOTHNOTE"}
CAMPAIGN = "CSECRET"
ACTORS = {
    "self": "UTGT",
    "manager": "UMGR",
    "other_manager": "UOMGR",
    "member": "UPLAIN",
    "admin": "UADMIN",
    "foreign_admin": "UEXT",
}
MANAGERS = {"UTGT": ["UMGR"], "UOTH": ["UOMGR"], "UPLAIN": []}


def visible(actor: str) -> set[str]:
    """Whose data `actor` may see: themself, their reports, and everyone for an admin here."""
    if actor == "UADMIN":
        return set(NOTES)
    return {actor} | {p for p, managers in MANAGERS.items() if actor in managers}


def markers(person: str) -> list[str]:
    """What would give a person's data away."""
    found = [person, NOTES[person]]
    return [*found, CAMPAIGN] if person == "UTGT" else found


# ---------------------------------------------------------------------- the world


@dataclass
class World:
    bot: Bot
    store: RedisStore
    interview: str = ""  # UTGT's interview in progress
    step: int = 0
    said: list[str] = field(default_factory=list)  # acks of the request
    typed: list[str] = field(default_factory=list)  # what the actor sent

    def settle(self) -> None:
        ctx = self.bot.ctx
        assert ctx is not None
        ctx.executor.shutdown(wait=True)
        ctx.executor = ThreadPoolExecutor(4, "itss-after-ack")

    def slash(self, user: str, text: str) -> None:
        self.typed.append(text)
        result = self.bot.slack.slash(user, text)
        assert result.status == 200, result
        self.said.append(result.body)
        self.settle()

    def action(self, user: str, action_id: str, value: str, **kw: object) -> None:
        self.typed.append(value)
        result = self.bot.slack.block_action(user, action_id, value, **kw)  # type: ignore[arg-type]
        assert result.status == 200, result
        self.said.append(result.body)
        self.settle()


def to_review(world: World, user: str, level: int) -> None:
    """`user` answers an SO interview as the persona of `level`, up to the review."""
    ctx = world.bot.ctx
    assert ctx is not None
    svc, key = ctx.service, PersonKey(team=TEAM, user=user)
    facts = persona("system_operations", level)
    assert svc.start(key, "system_operations").outcome.applied
    while (session := svc.current(key)) is not None and session.state is Phase.ASKING:
        value = to_json_value(facts[session.current or ""])
        assert svc.act(key, Command(action="answer", value=value)).applied


def finish(world: World, user: str, level: int) -> None:
    """`user` completes an SO interview as the persona of `level`, with an evidence note."""
    to_review(world, user, level)
    ctx = world.bot.ctx
    assert ctx is not None
    svc, key = ctx.service, PersonKey(team=TEAM, user=user)
    note = Command(action="note", dimension="task", text=NOTES[user])
    assert svc.act(key, note).applied
    assert svc.act(key, Command(action="confirm")).record is not None


def build(bot: Bot) -> World:
    store = bot.store
    assert isinstance(store, RedisStore)
    world = World(bot, store)
    store.set_managers(TEAM, MANAGERS)
    bot.api.set_user("UEXT", is_admin=True, is_owner=True, team_id="T9EXTERNAL")
    world.slash("UMGR", f"campaign start {CAMPAIGN} 2099-03-15 team")
    finish(world, "UTGT", 2)
    finish(world, "UOTH", 3)
    ctx = bot.ctx
    assert ctx is not None
    to_review(world, "UTGT", 1)  # a second interview, at its review
    session = ctx.service.current(PersonKey(team=TEAM, user="UTGT"))
    assert session is not None
    world.interview, world.step = session.id, session.step
    assert ctx.courier is not None
    while ctx.courier.drain_due():  # the invitations and results go out before we look
        pass
    bot.api.clear()
    world.said.clear()
    world.typed.clear()
    return world


def stored(raw: redis.Redis, prefix: str) -> dict[str, bytes | None]:
    """Every key of the test's prefix, as Redis would restore it (type, value; no TTL)."""
    keys = sorted(raw.scan_iter(match=f"{prefix}:*", count=1000))
    return {k.decode(): raw.dump(k) for k in keys}


# ---------------------------------------------------------------------- what reached the actor

ROUTING = {"channel", "user", "users", "channel_id", "trigger_id", "token", "ts", "thread_ts"}


def content(call: Call) -> str:
    """What a call shows to whoever receives it (not where it goes)."""
    args = {k: v for k, v in call.args.items() if k not in ROUTING}
    text = json.dumps(args, ensure_ascii=False, default=str)
    return text + call.body.decode("utf-8", "replace") if call.method == "upload" else text


def everything(world: World) -> str:
    return "\n".join([*world.said, *(content(c) for c in world.bot.api.calls())])


# ---------------------------------------------------------------------- the surfaces


def note_modal(world: World, actor: str) -> None:
    state = {
        ids.NOTE_DIMENSION_BLOCK: {
            "dimension": {"type": "static_select", "selected_option": {"value": "task"}}
        },
        ids.NOTE_BLOCK: {"text": {"type": "plain_text_input", "value": "ZQFORGED"}},
    }
    ref = ids.Ref(world.interview, world.step).encode()
    result = world.bot.slack.view_submission(actor, ids.NOTE_MODAL, state, private_metadata=ref)
    assert result.status == 200
    world.said.append(result.body)
    world.settle()


def edit_button(world: World, actor: str) -> None:
    ref = ids.Ref(world.interview, world.step, "role").encode()
    world.action(actor, ids.EDIT, ref, channel_id=f"D{actor}", message_ts="1700000000.000100")


def forget_button(world: World, actor: str) -> None:
    world.action(actor, ids.FORGET, "UTGT", channel_id=f"D{actor}")


def home(world: World, actor: str) -> None:
    result = world.bot.slack.app_home_opened(actor)
    assert result.status == 200
    world.settle()


def campaign_modal(world: World, actor: str) -> None:
    """The App Home campaign modal, submitted for UTGT (bot/blocks/campaign_modal.py)."""
    state = {
        ids.CAMPAIGN_NAME_BLOCK: {VALUE: {"type": "plain_text_input", "value": "CMODAL"}},
        ids.CAMPAIGN_DUE_BLOCK: {VALUE: {"type": "datepicker", "selected_date": "2099-03-15"}},
        ids.CAMPAIGN_TARGET_BLOCK: {VALUE: {"type": "radio_buttons", "selected_option": {"value": "mentions"}}},
        ids.CAMPAIGN_PEOPLE_BLOCK: {VALUE: {"type": "multi_users_select", "selected_users": ["UTGT"]}},
    }  # fmt: skip
    world.typed.append("CMODAL UTGT")
    result = world.bot.slack.view_submission(actor, ids.CAMPAIGN_MODAL, state)
    assert result.status == 200
    world.said.append(result.body)
    world.settle()


def campaign_button(world: World, actor: str) -> None:
    world.action(actor, ids.CAMPAIGN_OPEN, "open", view={"id": "VHOME", "type": "home"})


def review_ref(world: World) -> str:
    """The sign-off buttons' value for UTGT's submitted result (pending)."""
    review = world.store.latest_review(PersonKey(team=TEAM, user="UTGT"))
    assert review is not None
    return ids.ReviewRef("UTGT", review.interview_id).encode()


def review_button(action_id: str) -> Callable[[World, str], None]:
    def run(world: World, actor: str) -> None:
        world.action(
            actor,
            action_id,
            review_ref(world),
            block_id="review",
            channel_id=f"D{actor}",
            message_ts="1700000000.000100",
        )

    return run


def review_modal(
    callback: str, state: dict[str, object], draft: bool = False
) -> Callable[[World, str], None]:
    def run(world: World, actor: str) -> None:
        meta = review_ref(world)
        if draft:  # the confirm step of a modification carries the changes
            meta = json.dumps({"r": meta, "why": "ZQREASON", "c": {"role": "leader"}})
        result = world.bot.slack.view_submission(actor, callback, state, private_metadata=meta)
        assert result.status == 200
        world.said.append(result.body)
        world.settle()

    return run


def decided(status: str) -> Callable[[RedisStore], bool]:
    def check(store: RedisStore) -> bool:
        review = store.latest_review(PersonKey(team=TEAM, user="UTGT"))
        return review is not None and review.status == status

    return check


@dataclass(frozen=True)
class Row:
    surface: str
    run: Callable[[World, str], None]
    allowed: frozenset[str]  # actor names (ACTORS keys)
    shows: str = ""  # what an allowed actor sees: a user id or note of UTGT's
    changes: Callable[[RedisStore], bool] | None = None  # what an allowed use stored


def slash(text: str) -> Callable[[World, str], None]:
    return lambda world, actor: world.slash(actor, text)


def roster_of(user: str) -> Callable[[RedisStore], bool]:
    return lambda store: store.managers_of(TEAM, "UTGT") == ([user] if user else [])


def campaign_closed(store: RedisStore) -> bool:
    campaign = store.campaign_named(TEAM, CAMPAIGN)
    return campaign is not None and not campaign.open


def reopened(store: RedisStore) -> bool:
    session = store.load(PersonKey(team=TEAM, user="UTGT"))
    return session is not None and session.state is Phase.ASKING and session.current == "role"


def erased(store: RedisStore) -> bool:
    return store.history(PersonKey(team=TEAM, user="UTGT")) == []


def noted(store: RedisStore) -> bool:
    session = store.load(PersonKey(team=TEAM, user="UTGT"))
    return session is not None and "ZQFORGED" in session.notes.values()


ADMIN = frozenset({"admin"})
SELF = frozenset({"self"})
MANAGER = frozenset({"manager", "admin"})
NOBODY: frozenset[str] = frozenset()
ROWS = [
    Row("/itss team", slash("team"), frozenset({"manager"}), shows="UTGT"),
    Row("team button (App Home)", lambda w, a: w.action(a, ids.TEAM, ""), frozenset({"manager"}), shows="UTGT"),
    Row("/itss team all", slash("team all"), ADMIN, shows="UTGT"),
    Row("/itss team @manager", slash("team <@UMGR>"), MANAGER, shows="UTGT"),
    Row("/itss roster show", slash("roster show"), ADMIN, shows="UTGT"),
    Row("/itss roster set", slash("roster set <@UTGT> <@UPLAIN>"), ADMIN, changes=roster_of("UPLAIN")),
    Row("/itss roster remove", slash("roster remove <@UTGT>"), ADMIN, changes=roster_of("")),
    Row("/itss roster import", slash("roster import\n<@UTGT>,<@UOMGR>"), ADMIN, changes=roster_of("UOMGR")),
    Row("/itss audit", slash("audit"), ADMIN, shows="UTGT"),
    Row("/itss audit csv", slash("audit csv"), ADMIN, shows="UTGT"),
    Row("/itss campaign status", slash(f"campaign status {CAMPAIGN}"), MANAGER, shows=CAMPAIGN),
    Row("/itss campaign close", slash(f"campaign close {CAMPAIGN}"), MANAGER, changes=campaign_closed),
    Row(
        "/itss campaign start @person",
        slash("campaign start CNEW 2099-03-15 <@UTGT>"),
        MANAGER,
        changes=lambda store: store.campaign_named(TEAM, "CNEW") is not None,
    ),
    Row(
        "/itss roster set with a specialty",
        slash("roster set <@UTGT> <@UMGR> CS"),
        ADMIN,
        changes=lambda store: store.specialties(TEAM) == {"UTGT": "customer_support"},
    ),
    Row("campaign button (App Home)", campaign_button, MANAGER),
    Row(
        "campaign modal naming UTGT",
        campaign_modal,
        MANAGER,
        changes=lambda store: store.campaign_named(TEAM, "CMODAL") is not None,
    ),
    Row("/itss history @person", slash("history <@UTGT>"), frozenset({"self", "manager", "admin"}), shows="UTGT"),
    Row("承認 button of UTGT's result", review_button(ids.REVIEW_APPROVE), MANAGER, changes=decided("approved")),
    Row("差し戻し button of UTGT's result", review_button(ids.REVIEW_RETURN), MANAGER, shows="UTGT"),
    Row("修正 button of UTGT's result", review_button(ids.REVIEW_MODIFY), MANAGER, shows="UTGT"),
    Row(
        "return modal of UTGT's result",
        review_modal(ids.RETURN_MODAL, {ids.COMMENT_BLOCK: {"v": {"type": "plain_text_input", "value": "ZQC"}}}),
        MANAGER,
        changes=decided("returned"),
    ),
    Row(
        "modify modal of UTGT's result (to its confirm step)",
        review_modal(ids.MODIFY_MODAL, {
            ids.FACT_BLOCK + "role": {"v": {"type": "static_select", "selected_option": {"value": "leader"}}},
            ids.REASON_BLOCK: {"v": {"type": "plain_text_input", "value": "ZQR"}},
        }),
        MANAGER,
        shows='"response_action": "update"',  # to the confirm step (nothing decided yet)
    ),
    Row("modify confirm of UTGT's result", review_modal(ids.MODIFY_CONFIRM_MODAL, {}, draft=True), MANAGER, changes=decided("modified")),
    # Surfaces that only ever act on the actor's own data: no one may reach UTGT's through them.
    Row("修正して再提出 button (UTGT's, not returned)", review_button(ids.REVIEW_REOPEN), NOBODY),
    Row("edit button of UTGT's review", edit_button, SELF, changes=reopened),
    Row("note modal of UTGT's interview", note_modal, SELF, changes=noted),
    Row("erase button (value naming UTGT)", forget_button, SELF, changes=erased),
    Row("App Home", home, NOBODY),
    Row(
        "App Home page button",
        lambda w, a: w.action(a, f"{ids.HOME_PAGE}:next", "1", view={"id": "V1", "blocks": []}),
        NOBODY,
    ),
]  # fmt: skip


def step_button(action_id: str, arg: str = "") -> Callable[[World, str], None]:
    """An interview button carrying UTGT's interview and step: it may move only the clicker's
    own interview (a stale one for anyone else)."""

    def run(world: World, actor: str) -> None:
        ref = ids.Ref(world.interview, world.step, arg).encode()
        world.action(actor, action_id, ref, channel_id=f"D{actor}", message_ts="1700000000.000100")

    return run


# Every interview button, with UTGT's interview in its value (a forged or forwarded click).
ROWS += [
    Row(f"{action} button of UTGT's interview", step_button(action, arg), SELF)
    for action, arg in (
        (ids.ANSWER, "leader"), (ids.CHOOSE, "system_operations"), (ids.SET_SUBMIT, ""),
        (ids.NUMBER, ""), (ids.SKIP, ""), (ids.BACK, ""), (ids.PAUSE, ""), (ids.RESTART, ""),
        (ids.CONFIRM, ""), (ids.NOTE, ""), (ids.RESUME, ""), (ids.START, ""),
        (ids.CAMPAIGN_START, ""),
    )
]  # fmt: skip


def others_keys(raw: redis.Redis, store: RedisStore, actor: str) -> dict[str, bytes | None]:
    """`stored` without the actor's own keys (their own interview, their own erasure), the
    event claims (every event is claimed) and the audit log (compared by `new_events`)."""
    own = f"{{{TEAM}:{actor}}}"
    return {
        k: v
        for k, v in stored(raw, store.prefix).items()
        if own not in k and ":event:" not in k and not k.endswith(":audit")
    }


@pytest.mark.slow
@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("row", ROWS, ids=[r.surface for r in ROWS])
def test_authorization(bot: Bot, redis_url: str, row: Row, actor: str) -> None:
    world = build(bot)
    user = ACTORS[actor]
    raw = redis.Redis.from_url(redis_url)
    before = others_keys(raw, world.store, user)
    audit_before = len(list(world.store.audit.events(TEAM)))
    row.run(world, user)
    said = everything(world)
    if actor in row.allowed:
        if row.shows:
            assert row.shows in said, f"{row.surface}: {actor} should see {row.shows}"
        if row.changes is not None:
            assert row.changes(world.store), f"{row.surface}: {actor}'s change was not stored"
        return
    assert said.strip() or row.run is home, f"{row.surface}: {actor} was told nothing"
    typed = " ".join(world.typed)  # echoing what the actor typed gives nothing away
    for person in (p for p in NOTES if p not in visible(user)):
        for marker in markers(person):
            if marker not in typed:
                assert marker not in said, f"{row.surface}: {marker} of {person} reached {actor}"
    after = others_keys(raw, world.store, user)
    raw.close()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert changed == [], f"{row.surface} by {actor} changed {changed}"
    added = list(world.store.audit.events(TEAM))[audit_before:]
    assert all(e.actor == user and e.subject in {"", user} | visible(user) for e in added), added


def test_every_actor_and_surface_is_in_the_matrix() -> None:
    """A new `/itss` subcommand must get a row (or be listed here as touching only its
    caller's own data), so the matrix cannot silently fall behind the app."""
    own_only = {
        "",
        "help",
        "ヘルプ",
        "start",
        "skill",
        "lookup",
        "level",
        "status",
        "forget",
        "lang",
        "language",
        "言語",  # i18n: input  (the caller's own language)
    }
    covered = {r.surface.split()[1] for r in ROWS if r.surface.startswith("/itss ")}
    assert set(SUBCOMMANDS) - own_only <= covered, set(SUBCOMMANDS) - own_only - covered


def _ids_in(func: object) -> set[str]:
    """The `itss_…` ids a function names through its closure (a constraint or an argument)."""
    found: set[str] = set()
    for cell in getattr(func, "__closure__", None) or ():
        value = cell.cell_contents
        text = getattr(value, "pattern", None) or (value if isinstance(value, str) else "")
        found |= set(re.findall(r"itss_[a-z_]+", str(text)))
        if callable(value):
            found |= _ids_in(value)
    try:  # and the ids its own code names (`ids.CAMPAIGN_OPEN`)
        source = inspect.getsource(func)  # type: ignore[arg-type]
    except (TypeError, OSError):
        return found
    for name in re.findall(r"ids\.([A-Z_]+)", source):
        value = getattr(ids, name, "")
        found |= set(re.findall(r"itss_[a-z_]+", getattr(value, "pattern", None) or str(value)))
    return found


def test_every_button_and_modal_of_the_app_is_in_the_matrix(bot: Bot) -> None:
    """Each action id and view callback the app listens for is a row's (or only toggles a
    screen in the client: the checkboxes), so a new button cannot skip the matrix."""
    from bot.app import create_app

    app, _ = create_app(bot.settings, bot.store)
    listened: set[str] = set()
    for listener in app._listeners:  # Bolt keeps no public list
        for matcher in listener.matchers:
            listened |= _ids_in(getattr(matcher, "func", None))
    assert len(listened) >= 25, listened  # the introspection found the app's listeners
    covered: set[str] = set()
    for row in ROWS:
        covered |= set(re.findall(r"itss_[a-z_]+", row.surface)) | _ids_in(row.run)
    client_only = {ids.SET_CHECKS}
    missing = listened - client_only - covered
    assert not missing, missing
