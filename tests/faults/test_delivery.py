"""Slack delivers the same thing more than once: an event retried (`X-Slack-Retry-Num`),
possibly to the other replica, and a button clicked several times at once. Each takes effect
exactly once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import partial

import pytest

from tests.faults.conftest import (
    Fleet,
    answer_click,
    answer_until_review,
    assert_result,
    confirm_click,
    expected,
    fact_on,
    key_of,
    question_posts,
    wait_until,
)
from tests.slack_requests import HttpResult

pytestmark = pytest.mark.slow


def at_once(sends: list[Callable[[], object]]) -> list[object]:
    """Send every request at the same moment, each from its own thread."""
    barrier = threading.Barrier(len(sends), timeout=10)
    results: list[object] = [None] * len(sends)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = sends[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(sends))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    return results


def publishes(fleet: Fleet, user: str) -> int:
    return len([c for c in fleet.api.calls("views.publish") if c.args.get("user_id") == user])


def test_event_retried_on_the_other_replica_is_handled_once(fleet: Fleet) -> None:
    a, b = fleet.bots
    first = a.slack.app_home_opened("UE1", event_id="EvRetry1")
    retry = b.slack.app_home_opened("UE1", event_id="EvRetry1", retry_num=1)
    again = a.slack.app_home_opened(
        "UE1", event_id="EvRetry1", retry_num=2, retry_reason="http_error"
    )
    assert first.status == retry.status == again.status == 200
    fleet.api.wait_for("views.publish", where=lambda c: c.args.get("user_id") == "UE1")
    time.sleep(0.5)  # time for a second publish to show up, if there were one
    assert publishes(fleet, "UE1") == 1
    # a new event (new id) for the same person is handled again
    b.slack.app_home_opened("UE1", event_id="EvRetry2")
    wait_until(lambda: publishes(fleet, "UE1") == 2, 10, "the second event's publish")


def test_same_event_delivered_concurrently_to_both_replicas_is_handled_once(
    fleet: Fleet,
) -> None:
    sends: list[Callable[[], object]] = []
    for i in range(6):
        bot = fleet.bots[i % 2]
        sends.append(
            partial(bot.slack.app_home_opened, "UE2", event_id="EvRace1", retry_num=i or None)
        )
    results = at_once(sends)
    assert all(isinstance(r, HttpResult) and r.status == 200 for r in results)
    fleet.api.wait_for("views.publish", where=lambda c: c.args.get("user_id") == "UE2")
    time.sleep(0.5)
    assert publishes(fleet, "UE2") == 1


def test_double_clicks_on_both_replicas_apply_each_answer_once(fleet: Fleet) -> None:
    want = expected("system_operations", 3)
    fleet.store.set_managers("T0001", {"UD1": ["UDMGR1"]})
    via = [fleet.person("UD1", via=0), fleet.person("UD1", via=1)]
    dan = fleet.person("UD1")
    dan.command("start SO")
    dan.wait_posts(1)

    # The first answer clicked six times at once, three clicks on each replica.
    first = dan.screen()
    fact = fact_on(first)
    notes = len(dan.wait_method("chat.postEphemeral", 0))
    results = at_once(
        [answer_click(via[i % 2], first, want.answers_by_fact[fact]) for i in range(6)]
    )
    assert results == [None] * 6  # every click acknowledged with 200 (Person.click checks)
    dan.wait_posts(2)
    dan.wait_method("chat.postEphemeral", notes + 5)  # the five others: "not applied"
    time.sleep(0.3)
    assert len(dan.posts()) == 2, "exactly one next question"
    session = fleet.store.load(key_of("UD1"))
    assert session is not None
    assert session.asked == [fact]
    assert list(session.answers) == [fact]

    # Every later answer double-clicked (once per replica, at the same moment).
    for _ in range(40):
        screen = dan.screen()
        if not str(screen.args.get("text", "")).startswith("質問 "):
            break
        posts = len(dan.posts())
        value = want.answers_by_fact[fact_on(screen)]
        at_once([answer_click(via[0], screen, value), answer_click(via[1], screen, value)])
        dan.wait_posts(posts + 1)
    review = dan.screen()
    # The final confirmation clicked four times at once: one result, one DM each.
    at_once([confirm_click(via[i % 2], review) for i in range(4)])
    wait_until(lambda: fleet.store.latest(key_of("UD1")), 10, "the result to be stored")
    fleet.api.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == "DUDMGR1")
    time.sleep(0.5)
    (record,) = fleet.store.history(key_of("UD1"))
    assert_result(record, want)
    numbers = [c.args["text"].split(":")[0] for c in question_posts(dan)]
    assert numbers == [f"質問 {i}" for i in range(1, len(want.asked) + 1)]
    results_to_person = [c for c in dan.posts() if "判定結果" in str(c.args.get("text"))]
    assert len(results_to_person) == 1
    assert len(fleet.api.dms("UDMGR1")) == 1


def test_interview_by_load_balancer_alone_is_unaffected(fleet: Fleet) -> None:
    """Control: the same person without double clicks, requests spread at random."""
    want = expected("customer_support", 2)
    fleet.store.set_managers("T0001", {"UD2": ["UDMGR2"]})
    eve = fleet.person("UD2")
    eve.command("start CS")
    eve.wait_posts(1)
    review = answer_until_review(eve, want.answers_by_fact)
    confirm_click(eve, review)()
    wait_until(lambda: fleet.store.latest(key_of("UD2")), 10, "the result to be stored")
    (record,) = fleet.store.history(key_of("UD2"))
    assert_result(record, want)
