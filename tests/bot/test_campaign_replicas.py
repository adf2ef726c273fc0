"""The reminder schedule across replicas: two app instances on one Redis drain the same
schedule at once with one injected clock — every reminder reaches its person once; a replica
killed in the middle of a drain (after posting, before settling) loses nothing and doubles
nothing: after its lease another replica sends the rest and finds the posted one in the DM."""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.app import create_app
from bot.context import BotContext
from flows.outbox import Delivery, SendResult
from flows.session import PersonKey, ResultRecord
from flows.storage.redis_store import RedisStore
from tests.bot.slack_env import FakeNow, running_bot, settings_for
from tests.bot.test_campaign_slack import command, reminders
from tests.slack_mock import MockSlackApi

TEAM = "T0001"
PEOPLE = [f"UR{i:02d}" for i in range(12)]
START = datetime(2027, 3, 19, 0, 0, tzinfo=UTC)  # Friday 09:00 JST; reminders 3/23–3/25


class Killed(BaseException):
    """The process dies: not an Exception, so nothing in the drain catches it."""


@dataclasses.dataclass
class DiesAfter:
    """A replica's sender that dies right after its `posts`-th post reached Slack."""

    sender: object
    posts: int
    sent: int = 0

    def send(self, delivery: Delivery, record: ResultRecord | None) -> SendResult:
        result: SendResult = self.sender.send(delivery, record)  # type: ignore[attr-defined]
        self.sent += 1
        if self.sent >= self.posts:
            raise Killed
        return result

    def already_sent(self, delivery: Delivery) -> bool:
        return bool(self.sender.already_sent(delivery))  # type: ignore[attr-defined]


@pytest.fixture
def replicas(
    api: MockSlackApi, redis_store: RedisStore, redis_url: str, redis_prefix: str
) -> Iterator[tuple[BotContext, BotContext, FakeNow]]:
    clock = FakeNow(START)
    redis_store.set_managers(TEAM, {p: ["URBOSS"] for p in PEOPLE})
    other = RedisStore.from_url(redis_url, prefix=redis_prefix)  # the second replica's client
    with running_bot(api, redis_store, redis_url, clock, outbox_lease_seconds=60) as first:
        settings = settings_for(api, redis_url, outbox_poll_seconds=0, outbox_lease_seconds=60)
        _, second = create_app(settings, other, clock)
        assert first.ctx is not None
        command(first, "UADMIN", "campaign start 並行 3/25 all")
        try:
            yield first.ctx, second, clock
        finally:
            second.close()
            other.close()


def reminder_counts(api: MockSlackApi) -> Counter[tuple[str, str]]:
    """(person, reminder n/3) → how many times it reached them."""
    out: Counter[tuple[str, str]] = Counter()
    for user in PEOPLE:
        for call in reminders(api, user):
            out[(user, call.args["blocks"][-1]["elements"][0]["text"][:11])] += 1
    return out


def both_drain(a: BotContext, b: BotContext) -> None:
    threads = [threading.Thread(target=ctx.courier.drain_due, args=(5,)) for ctx in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)


def test_two_replicas_send_every_reminder_once(
    replicas: tuple[BotContext, BotContext, FakeNow], api: MockSlackApi
) -> None:
    a, b, clock = replicas
    while clock.now < datetime(2027, 3, 26, tzinfo=UTC):
        clock.advance(1800)
        for _ in range(4):  # small rounds (limit 5), so both replicas take people each time
            both_drain(a, b)
    counts = reminder_counts(api)
    assert len(counts) == 3 * len(PEOPLE)  # every reminder of everyone …
    assert set(counts.values()) == {1}  # … exactly once
    for user in PEOPLE:
        assert a.store.outbox.pending(PersonKey(team=TEAM, user=user)) == []


def test_a_replica_killed_mid_drain_loses_nothing(
    replicas: tuple[BotContext, BotContext, FakeNow], api: MockSlackApi
) -> None:
    a, b, clock = replicas
    clock.now = datetime(2027, 3, 23, 1, 0, tzinfo=UTC)  # the first reminders are due
    dying = dataclasses.replace(b.courier.drainer, sender=DiesAfter(b.courier.sender, 3))
    with pytest.raises(Killed):
        dying.due(limit=100)
    assert sum(reminder_counts(api).values()) == 3  # posted, never settled
    a.courier.drain_due(100)  # within the dead replica's leases: nothing is taken twice
    assert sum(reminder_counts(api).values()) == 3
    clock.advance(61 * 12)  # the leases (60 s per delivery claimed) have run out
    for _ in range(3):
        a.courier.drain_due(100)
    counts = reminder_counts(api)
    assert len(counts) == len(PEOPLE)
    assert set(counts.values()) == {1}
