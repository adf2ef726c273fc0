"""The Slack Web API answers the result DM with 429 (Retry-After) or 500, or refuses a
manager's DM for good: the bot retries what can be retried, tells the person what could not be
delivered, and the result stays stored either way.

(A Web API call that times out is not covered here: the WebClient timeout is fixed at 10 s in
bot/app.py, so the test would take more than 10 s; see docs/deploy.md.)"""

from __future__ import annotations

import itertools
import json

import pytest

from tests.faults.conftest import (
    Expected,
    Fleet,
    answer_until_review,
    assert_result,
    confirm_click,
    expected,
    key_of,
    wait_until,
)
from tests.slack_mock import Call

pytestmark = pytest.mark.slow


def to_review(fleet: Fleet, user: str, managers: list[str], want: Expected) -> Call:
    fleet.store.set_managers("T0001", {user: managers})
    who = fleet.person(user)
    who.command(f"start {want.specialty}")
    who.wait_posts(1)
    return answer_until_review(who, want.answers_by_fact)


def results_to(fleet: Fleet, user: str) -> list[Call]:
    return [c for c in fleet.api.dms(user) if "判定結果" in str(c.args.get("text"))]


@pytest.mark.parametrize(
    ("status", "retry_after", "min_gap"),
    [(429, 1, 1.0), (500, 0, 0.0)],
    ids=["429-retry-after", "500"],
)
def test_result_dm_is_retried_until_it_arrives(
    fleet: Fleet, status: int, retry_after: int, min_gap: float
) -> None:
    user, manager = f"UW{status}", f"UWMGR{status}"
    want = expected("system_operations", 2)
    review = to_review(fleet, user, [manager], want)
    # The next two chat.postMessage calls — the person's result DM — fail, the third works.
    fleet.api.fail("chat.postMessage", times=2, status=status, retry_after=retry_after)
    confirm_click(fleet.person(user), review)()

    fleet.api.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == f"D{manager}")
    attempts = results_to(fleet, user)
    assert [c.status for c in attempts] == [status, status, 200], attempts
    gaps = [b.at - a.at for a, b in itertools.pairwise(attempts)]
    assert all(gap >= min_gap * 0.9 for gap in gaps), gaps  # Retry-After: 1 is honoured
    assert len(fleet.api.delivered(user)) >= 1
    (record,) = fleet.store.history(key_of(user))
    assert_result(record, want)


def test_result_dm_failing_every_retry_still_reaches_the_manager_and_is_kept(
    fleet: Fleet,
) -> None:
    want = expected("customer_support", 1)
    review = to_review(fleet, "UW503", ["UWMGR503"], want)
    fleet.api.fail("chat.postMessage", times=3, status=500)  # 1 try + 2 retries, all fail
    who = fleet.person("UW503")
    confirm_click(who, review)()

    manager_dm = fleet.api.wait_for(
        "chat.postMessage", where=lambda c: c.args.get("channel") == "DUWMGR503"
    )
    assert manager_dm[0].status == 200
    assert [c.status for c in results_to(fleet, "UW503")] == [500, 500, 500]
    (record,) = fleet.store.history(key_of("UW503"))
    assert_result(record, want)
    # the clicked message itself shows the level (edited after the result DMs are sent),
    # and /itss status has the result
    wait_until(
        lambda: [
            c
            for c in fleet.api.calls("chat.update")
            if c.args["channel"] == "DUW503" and "レベル 1" in str(c.args.get("text"))
        ],
        10,
        "the confirmed message to show the level",
    )
    assert "レベル 1" in json.dumps(who.command("status"), ensure_ascii=False)


def test_managers_who_cannot_be_reached_are_named_to_the_person(fleet: Fleet) -> None:
    want = expected("network_operations", 3)
    gone, inactive, fine = "UWGONE", "UWINACTIVE", "UWFINE"
    review = to_review(fleet, "UW404", [gone, inactive, fine], want)
    fleet.api.refuse_dm(gone, "user_not_found")
    fleet.api.refuse_dm(inactive, "user_disabled")
    who = fleet.person("UW404")
    confirm_click(who, review)()

    fleet.api.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == f"D{fine}")
    notices = fleet.api.wait_for(
        "chat.postMessage",
        2,
        where=lambda c: (
            c.args.get("channel") == "DUW404" and "送れませんでした" in str(c.args.get("text"))
        ),
    )
    told = sorted(str(c.args["text"]) for c in notices)  # one notice per manager, once
    assert len(told) == 2
    assert f"<@{gone}>" in told[0] or f"<@{gone}>" in told[1]
    assert f"<@{inactive}>" in told[0] or f"<@{inactive}>" in told[1]
    assert all(f"<@{fine}>" not in t for t in told)
    assert all("アカウントが見つからないか無効です" in t for t in told)
    assert all("結果は保存されています" in t for t in told)
    assert len(results_to(fleet, "UW404")) == 1
    assert not fleet.api.dms(gone)
    assert not fleet.api.dms(inactive)
    wait_until(lambda: fleet.store.latest(key_of("UW404")), 5, "the result")
    (record,) = fleet.store.history(key_of("UW404"))
    assert_result(record, want)
