"""The whole assessment cycle in one run (issue 12, "Done when"), through signed requests into
the real app, a real Redis and the recording Web API, with a clock the test moves:

an admin starts a campaign for a team of five with two managers; reminders fire at 10:00 in
each person's timezone, skipping the weekend and the 振替休日 of 2027-03-22, and stop once the
person submits; one person is returned with a comment, edits and resubmits; one is modified
with a reason; the rest are approved; the campaign status, the team summary and its CSV, the
history and the audit show all of it. Two replicas drain the schedule at every step (every
reminder reaches its person once) and one is killed in the middle of a drain (nothing lost,
nothing doubled).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot import ids
from bot.app import create_app
from bot.context import BotContext
from flows.audit import AuditAction
from flows.session import PersonKey
from flows.storage.redis_store import RedisStore
from tests.bot.slack_env import Bot, FakeNow, Person, blocks_text, running_bot, settings_for
from tests.bot.test_campaign_replicas import DiesAfter, Killed
from tests.bot.test_campaign_slack import command, invitations, reminders, settle
from tests.bot.test_signoff_slack import (
    fact_state,
    opened_view,
    press,
    reopen_edit_resubmit,
    submit_view,
    text_state,
)
from tests.bot.test_slack_e2e import answer_until_review
from tests.slack_mock import Call, MockSlackApi

TEAM = "T0001"
NAME = "2027上期"
START = datetime(2027, 3, 19, 0, 0, tzinfo=UTC)  # Friday 09:00 JST
ROSTER = {"U1": ["UM1"], "U2": ["UM1"], "U3": ["UM1"], "U4": ["UM2"], "U5": ["UM2"]}
SO = "system_operations"


@dataclasses.dataclass
class Cycle:
    bot: Bot
    other: BotContext  # the second replica (no HTTP: it only drains)
    clock: FakeNow
    sent: dict[str, list[datetime]] = dataclasses.field(default_factory=dict)

    @property
    def api(self) -> MockSlackApi:
        return self.bot.api

    @property
    def first(self) -> BotContext:
        assert self.bot.ctx is not None
        return self.bot.ctx

    def drain(self) -> None:
        """Both replicas drain at once, in small rounds so that both take people."""
        for _ in range(3):
            threads = [
                threading.Thread(target=ctx.courier.drain_due, args=(2,))
                for ctx in (self.first, self.other)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)

    def run_until(self, until: datetime) -> None:
        """An hour at a time, both replicas draining; note when each reminder arrived."""
        while self.clock.now < until:
            self.clock.advance(3600)
            seen = {u: len(reminders(self.api, u)) for u in ROSTER}
            self.drain()
            for user, before in seen.items():
                arrived = len(reminders(self.api, user)) - before
                self.sent.setdefault(user, []).extend([self.clock.now] * arrived)


@pytest.fixture
def cycle(
    api: MockSlackApi, redis_store: RedisStore, redis_url: str, redis_prefix: str
) -> Iterator[Cycle]:
    clock = FakeNow(START)
    redis_store.set_managers(TEAM, ROSTER)
    other_store = RedisStore.from_url(redis_url, prefix=redis_prefix)
    with running_bot(api, redis_store, redis_url, clock, outbox_lease_seconds=60) as bot:
        settings = settings_for(api, redis_url, outbox_poll_seconds=0, outbox_lease_seconds=60)
        _, other = create_app(settings, other_store, clock)
        try:
            yield Cycle(bot, other, clock)
        finally:
            other.close()
            other_store.close()


def submit(cycle: Cycle, user: str, level: int) -> Person:
    """From the invitation's start button: choose SO, answer as a persona of `level`, confirm."""
    bot = cycle.bot
    person = Person(bot, user)
    (invite,) = invitations(bot.api, user)
    posts = len(person.posts())
    person.click(person.button(invite, ids.CAMPAIGN_START), invite, block_id="campaign")
    person.wait_posts(posts + 1)
    choice = person.screen()
    posts = len(person.posts())
    person.click(person.button(choice, ids.CHOOSE, SO), choice)
    person.wait_posts(posts + 1)
    review = answer_until_review(person, SO, level)
    person.click(person.button(review, ids.CONFIRM), review)
    settle(bot)
    cycle.drain()
    return person


def key(user: str) -> PersonKey:
    return PersonKey(team=TEAM, user=user)


def jst_ten(day: int) -> datetime:
    return datetime(2027, 3, day, 1, 0, tzinfo=UTC)  # 10:00 JST


def result_message(manager: Person, user: str, action: str) -> Call:
    """The newest message in the manager's DM with `action`'s button for `user`'s result."""
    for call in reversed(manager.posts()):
        for block in call.args.get("blocks") or []:
            for element in block.get("elements") or []:
                value = str(element.get("value", ""))
                if element.get("action_id") == action and value.startswith(f"{user}|"):
                    return call
    raise AssertionError(f"no {action} button for {user} in {manager.user}'s DM")


def invite_remind_submit(cycle: Cycle) -> dict[str, Person]:
    """The campaign, its reminders on working days across two replicas (one killed), and the
    five submissions."""
    bot, api = cycle.bot, cycle.api
    reply = command(bot, "UADMIN", f"campaign start {NAME} 3/25 all")
    assert "5 人に招待を送りました" in reply, reply
    cycle.drain()
    assert all(len(invitations(api, user)) == 1 for user in ROSTER)

    # Fri 3/19 (start), Sat, Sun, Mon 3/22 振替休日: the first reminder is Tue 3/23 10:00 JST.
    cycle.run_until(datetime(2027, 3, 23, 3, 0, tzinfo=UTC))
    assert all(cycle.sent[u] == [jst_ten(23)] for u in ROSTER), cycle.sent
    people = {"U1": submit(cycle, "U1", 3), "U2": submit(cycle, "U2", 4)}

    # A replica dies in the middle of Wednesday's round: the rest come from the other one.
    cycle.clock.now = jst_ten(24)
    dying = dataclasses.replace(
        cycle.other.courier.drainer, sender=DiesAfter(cycle.other.courier.sender, 1)
    )
    with pytest.raises(Killed):
        dying.due(limit=100)
    cycle.clock.advance(61 * 3)  # its leases run out
    cycle.drain()
    people["U3"] = submit(cycle, "U3", 2)
    cycle.run_until(datetime(2027, 3, 26, 3, 0, tzinfo=UTC))
    # reminders stopped at the submission; the others had one a working day (3/23–3/25)
    assert [len(reminders(api, u)) for u in ROSTER] == [1, 1, 2, 3, 3]
    counts = Counter(
        (u, c.args["blocks"][-1]["elements"][0]["text"][:11])
        for u in ROSTER
        for c in reminders(api, u)
    )
    assert set(counts.values()) == {1}, "every reminder exactly once, the killed round included"
    people |= {"U4": submit(cycle, "U4", 1), "U5": submit(cycle, "U5", 3)}

    # Before any decision: five submitted, all in review.
    assert "DM に送りました" in command(bot, "UADMIN", f"campaign status {NAME}")
    status = blocks_text(api.calls("chat.postMessage")[-1].args["blocks"])
    assert "<@UM1> のチーム: 完了 0 / 承認待ち 3" in status, status
    return people


def sign_off(cycle: Cycle, people: dict[str, Person]) -> None:
    """U1 returned, edited and resubmitted, then approved; U2 modified; the rest approved."""
    bot = cycle.bot
    um1, um2 = Person(bot, "UM1"), Person(bot, "UM2")
    press(bot, um1, result_message(um1, "U1", ids.REVIEW_RETURN), ids.REVIEW_RETURN)
    view = opened_view(bot)
    submit_view(bot, "UM1", view, text_state(ids.COMMENT_BLOCK, "障害対応の件数を確認して"))
    cycle.drain()
    reopen_edit_resubmit(bot, people["U1"])
    cycle.drain()
    press(bot, um1, result_message(um1, "U1", ids.REVIEW_APPROVE), ids.REVIEW_APPROVE)
    press(bot, um1, result_message(um1, "U2", ids.REVIEW_MODIFY), ids.REVIEW_MODIFY)
    view = opened_view(bot)
    reason = text_state(ids.REASON_BLOCK, "リーダーではなく担当者として参加")
    step = submit_view(bot, "UM1", view, fact_state(view, role="operator") | reason)
    assert submit_view(bot, "UM1", step["view"], {}) == {}
    for manager, user in ((um1, "U3"), (um2, "U4"), (um2, "U5")):
        press(bot, manager, result_message(manager, user, ids.REVIEW_APPROVE), ids.REVIEW_APPROVE)
    cycle.drain()


def check_records(cycle: Cycle, people: dict[str, Person]) -> None:
    """What the reviews, status, team summary, CSV, history and audit show afterwards."""
    bot, api = cycle.bot, cycle.api
    reviews = {u: bot.store.latest_review(key(u)) for u in ROSTER}
    assert {u: (r.status, r.confirmed_level) for u, r in reviews.items() if r} == {
        "U1": ("approved", 3),
        "U2": ("modified", 2),
        "U3": ("approved", 2),
        "U4": ("approved", 1),
        "U5": ("approved", 3),
    }
    assert any("レベル 2" in (c.args.get("text") or "") for c in people["U2"].posts())
    assert any("承認" in (c.args.get("text") or "") for c in people["U5"].posts())
    command(bot, "UADMIN", f"campaign status {NAME}")
    status = blocks_text(api.calls("chat.postMessage")[-1].args["blocks"])
    assert "<@UM1> のチーム: 完了 3 / 承認待ち 0 / 回答中 0 / 未着手 0（3 人）" in status, status
    command(bot, "UM1", "team")
    rows = list(csv.reader(io.StringIO(api.uploads(".csv")[-1].body.decode("utf-8"))))
    body = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert {u: body[u]["confirmed_level"] for u in body} == {"U1": "3", "U2": "2", "U3": "2"}
    before = len(api.calls())
    command(bot, "U1", "history")
    history = "\n".join(str(c.args) for c in api.calls()[before:])
    assert NAME in history, history
    assert "差し戻し" in history, history
    assert "承認" in history, history
    trail = Counter(e.action for e in bot.store.audit.events(TEAM))
    assert trail[AuditAction.CAMPAIGN_STARTED] == 1
    assert trail[AuditAction.RESULT_SUBMITTED] == 6  # five people, U1 twice
    assert trail[AuditAction.RESULT_RETURNED] == 1
    assert trail[AuditAction.RESULT_MODIFIED] == 1
    assert trail[AuditAction.RESULT_APPROVED] == 4
    (campaign,) = bot.store.campaigns(TEAM)
    assert [r.campaign for r in bot.store.history(key("U1"))] == [campaign.id, campaign.id]


@pytest.mark.slow
def test_a_whole_cycle(cycle: Cycle) -> None:
    people = invite_remind_submit(cycle)
    sign_off(cycle, people)
    check_records(cycle, people)
