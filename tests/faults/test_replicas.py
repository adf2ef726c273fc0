"""Two replicas of the bot (two `itss-bot serve --http` processes, two gunicorn workers each)
share one Redis; every request goes to a replica chosen at random, some clicks arrive twice at
once. Every interview ends exactly as the same persona's interview on one in-process store."""

from __future__ import annotations

import random
import threading
from functools import partial

import pytest

from tests.faults.conftest import (
    Expected,
    Fleet,
    answer_click,
    assert_result,
    confirm_click,
    expected,
    fact_on,
    is_review,
    key_of,
    question_posts,
    wait_until,
)

pytestmark = pytest.mark.slow

PEOPLE = {
    "UP1": ("system_operations", 5),
    "UP2": ("system_operations", 3),
    "UP3": ("network_operations", 4),
    "UP4": ("network_operations", 1),
    "UP5": ("customer_support", 4),
    "UP6": ("customer_support", 2),
}
SHORT = {"system_operations": "SO", "network_operations": "NO", "customer_support": "CS"}


def interview(fleet: Fleet, user: str, want: Expected, rng: random.Random) -> None:
    """Click through as `user`, via the load balancer; about one click in four is a double
    click (the same click sent twice at once: both replicas may get one each)."""
    who = fleet.person(user)
    who.command(f"start {SHORT[want.specialty]}")
    who.wait_posts(1)
    for _ in range(40):
        screen = who.screen()
        posts = len(who.posts())
        if is_review(screen):
            click = confirm_click(who, screen)
        else:
            click = answer_click(who, screen, want.answers_by_fact[fact_on(screen)])
        twice = rng.random() < 0.25
        second = threading.Thread(target=click) if twice else None
        if second is not None:
            second.start()
        click()
        if second is not None:
            second.join(timeout=30)
        if is_review(screen):
            return
        who.wait_posts(posts + 1, timeout=20)
    raise AssertionError(f"{user}: no review after 40 screens")


def test_interviews_through_two_replicas_at_random(fleet: Fleet) -> None:
    wants = {user: expected(*sl) for user, sl in PEOPLE.items()}
    fleet.store.set_managers("T0001", {user: ["UPBOSS"] for user in PEOPLE})
    before = sum(fleet.lb.served.values())
    errors: list[BaseException] = []

    def run(user: str, seed: int) -> None:
        try:
            interview(fleet, user, wants[user], random.Random(seed))
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=run, args=(user, i)) for i, user in enumerate(PEOPLE, start=1)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert not any(t.is_alive() for t in threads)
    if errors:
        raise errors[0]

    for user, want in wants.items():
        key = key_of(user)
        wait_until(partial(fleet.store.latest, key), 10, f"{user}'s result")
        (record,) = fleet.store.history(key)  # exactly one: no lost, no doubled completion
        assert_result(record, want)  # same level, same answers as the reference run
        assert fleet.store.load(key) is None
        who = fleet.person(user)
        numbers = [c.args["text"].split(":")[0] for c in question_posts(who)]
        assert numbers == [f"質問 {i}" for i in range(1, len(want.asked) + 1)], user
    boss_dms = fleet.api.wait_for(
        "chat.postMessage",
        count=len(PEOPLE),
        where=lambda c: c.args.get("channel") == "DUPBOSS",
    )
    assert len(boss_dms) == len(PEOPLE)
    assert sorted(
        user for user in PEOPLE if any(f"<@{user}>" in c.args["text"] for c in boss_dms)
    ) == sorted(PEOPLE)
    # both replicas took a fair share of the requests
    served = [fleet.lb.served[b.base] for b in fleet.bots]
    assert sum(served) - before > 60
    assert min(served) > 0.3 * sum(served)
