"""The sign-off rules as tables: who may decide, what each decision needs, the notices it
sends, the trend, the previous campaign's level of record, the manager's facts checked as
answers are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from flows.facts import to_json_value
from flows.inference import evaluate
from flows.personas import persona
from flows.review import (
    Decision,
    Denied,
    Review,
    authorize,
    decide,
    denied,
    not_latest,
    own,
    previous_level,
    trend,
)
from flows.review_facts import manager_changes, side_by_side
from flows.session import ResultRecord
from framework_data.loader import load_default

FW = load_default()
SO = "system_operations"
T0 = datetime(2027, 3, 1, tzinfo=UTC)


def record(level: int = 4, n: int = 0, campaign: str | None = None) -> ResultRecord:
    facts = persona(SO, level)
    return ResultRecord.judged(
        evaluate(FW, SO, facts),
        interview_id=f"i{n}",
        team="T1",
        user="ann",
        completed_at=T0 + timedelta(days=n),
        answers={k: to_json_value(v) for k, v in facts.items()},
    ).model_copy(update={"campaign": campaign})


@pytest.mark.parametrize(
    ("actor", "managers", "admin", "expected"),
    [
        ("boss", ["boss"], False, False),  # a manager on the roster now
        ("boss", ["boss"], True, False),  # a manager who is an admin acts as the manager
        ("root", ["boss"], True, True),  # an admin for the manager
        ("root", [], True, True),  # an admin for a person without a manager
        ("ann", ["ann"], True, own()),  # never the person, even managing or admin themself
        ("eve", ["boss"], False, denied()),
        ("eve", [], False, denied()),
    ],
)
def test_who_may_decide(actor: str, managers: list[str], admin: bool, expected: object) -> None:
    if isinstance(expected, str):
        with pytest.raises(Denied, match=expected):
            authorize("ann", actor, managers, lambda: admin)
    else:
        assert authorize("ann", actor, managers, lambda: admin) is expected


def test_is_admin_is_asked_only_of_a_non_manager() -> None:
    def never() -> bool:
        raise AssertionError("users.info must not be called for a manager")

    assert authorize("ann", "boss", ["boss"], never) is False


def run(action: str, comment: str = "", latest: str = "i0", **changes: Any) -> Review:
    rec = record()
    return decide(
        Review.pending(rec, ["boss", "vice"]),
        rec,
        Decision(action, "boss", comment, changes),  # type: ignore[arg-type]
        latest=latest,
        managers_now=["boss", "vice"],
        is_admin=lambda: False,
        framework=FW,
        now=T0,
    ).review


@pytest.mark.parametrize(
    ("action", "comment", "changes", "reason"),
    [
        ("return", "", {}, "コメントが必要"),
        ("return", "  \n ", {}, "コメントが必要"),
        ("return", "x" * 1001, {}, "1000文字以内"),
        ("modify", "", {"role": "operator"}, "理由が必要"),
        ("modify", "理由", {}, "1 つ以上"),
    ],
)
def test_what_a_decision_needs(
    action: str, comment: str, changes: dict[str, Any], reason: str
) -> None:
    with pytest.raises(Denied, match=reason):
        run(action, comment, **changes)


def test_an_older_submission_is_not_decided() -> None:
    with pytest.raises(Denied, match=not_latest()):
        run("approve", latest="i9")


@pytest.mark.parametrize(
    ("action", "comment", "changes", "status", "confirmed"),
    [
        ("approve", "ignored", {}, "approved", 4),
        ("return", "件数を確認", {}, "returned", None),
        ("modify", "担当者", {"role": "operator"}, "modified", 2),
        ("modify", "育成は未確認", {"member_achievement": False}, "modified", 3),
    ],
)
def test_the_confirmed_level_of_each_decision(
    action: str, comment: str, changes: dict[str, Any], status: str, confirmed: int | None
) -> None:
    review = run(action, comment, **changes)
    assert (review.status, review.confirmed_level, review.self_level) == (status, confirmed, 4)
    assert review.comment == ("" if action == "approve" else comment)


def test_notices_go_to_the_person_and_the_other_managers_now() -> None:
    rec = record()
    pending = Review.pending(rec, ["boss", "old"])  # "old" managed ann at submission only
    decided = decide(
        pending,
        rec,
        Decision("approve", "boss"),
        latest="i0",
        managers_now=["boss", "vice", "ann"],
        is_admin=lambda: False,
        framework=FW,
        now=T0,
    )
    assert [(d.kind, d.recipient) for d in decided.deliveries] == [
        ("review_outcome", "ann"),
        ("review_decided", "vice"),
    ]


@pytest.mark.parametrize(
    ("current", "previous", "mark"), [(4, 3, "↑"), (2, 3, "↓"), (3, 3, "→"), (3, None, "")]
)
def test_trend(current: int, previous: int | None, mark: str) -> None:
    assert trend(current, previous) == mark


def test_previous_level_is_the_latest_result_of_another_campaign() -> None:
    history = [record(2, 0, "c1"), record(3, 1, "c1"), record(4, 2, None), record(5, 3, "c2")]
    reviews = {"i1": Review.pending(history[1], []).model_copy(update={"confirmed_level": 1})}
    assert previous_level(history, reviews, "c2") == 1  # c1's latest, confirmed at 1
    assert previous_level(history, {}, "c2") == 3  # not reviewed: its self level
    assert previous_level(history, {}, "c3") == 5
    assert previous_level(history[:1], {}, "c1") is None


def test_the_managers_facts_are_checked_as_answers() -> None:
    rec = record()
    raw = {
        "role": "担当者",
        "operations_count": "たくさん",
        "nope": "1",
        "mastery": "",
        "peak_staff": "8",
    }
    changes, problems = manager_changes(FW, rec, raw)
    assert changes == {"role": "operator"}  # peak_staff 8 is the person's own answer
    assert set(problems) == {"operations_count", "nope"}


def test_side_by_side_flags_a_gap_of_two() -> None:
    rec = record()
    assert side_by_side(rec, FW, {"role": "operator"}).surprise
    small = side_by_side(rec, FW, {"member_achievement": False})
    assert not small.surprise
    assert any(row.differs for row in small.rows)


def test_the_person_never_decides_their_own_even_when_the_roster_says_so() -> None:
    """decide itself refuses, whatever the caller checked before (the roster may list the
    person as their own manager, and they may be an admin)."""
    rec = record()
    with pytest.raises(Denied, match=own()):
        decide(
            Review.pending(rec, ["ann"]),
            rec,
            Decision("approve", "ann"),
            latest="i0",
            managers_now=["ann", "boss"],
            is_admin=lambda: True,
            framework=FW,
            now=T0,
        )


def test_a_comment_of_exactly_the_limit_is_taken() -> None:
    assert run("return", "x" * 1000).comment == "x" * 1000


@pytest.mark.parametrize(
    ("action", "comment", "changes", "message"),
    [
        ("return", "", {}, "差し戻しにはコメントが必要です。"),
        ("modify", "", {"role": "operator"}, "修正には理由が必要です。"),
        ("modify", "理由", {}, "修正する項目を 1 つ以上、本人の回答と異なる値にしてください。"),
        ("return", "x" * 1001, {}, "コメントは1000文字以内で入力してください。"),
    ],
)
def test_each_refusal_says_exactly_why(
    action: str, comment: str, changes: dict[str, Any], message: str
) -> None:
    """The words the manager reads, in full (written here, not taken from the code)."""
    with pytest.raises(Denied) as refused:
        run(action, comment, **changes)
    assert str(refused.value) == message


def test_the_notices_of_a_decision_by_hand() -> None:
    """The person is told, with who decided; each other manager now is told who decided; the
    decider and the person (on their own roster row) are not told twice."""
    from flows.review import notices

    decided = run("approve")
    sent = notices(decided, ["boss", "vice", "ann", "vice"], T0)
    assert [(d.recipient, d.kind, d.about, d.interview_id, d.specialty, d.user) for d in sent] == [
        ("ann", "review_outcome", "boss", "i0", SO, "ann"),
        ("vice", "review_decided", "boss", "i0", SO, "ann"),
    ]
    assert [d.id for d in sent] == ["i0:review:approved", "i0:review:decided:vice"]


def test_what_each_outcome_and_a_second_decider_read_by_hand() -> None:
    from flows.review import already, outcome_line

    assert outcome_line(run("approve")) == "<@boss> さんがレベル 4を承認しました。"
    assert outcome_line(run("return", "件数")) == "<@boss> さんが差し戻しました。"
    modified = run("modify", "担当者", role="operator")
    assert outcome_line(modified) == (
        "<@boss> さんが修正し、確定レベルはレベル 2です（自己評価: レベル 4）。"
    )
    as_admin = modified.model_copy(update={"acted_as_admin": True})
    assert outcome_line(as_admin).startswith("<@boss> さん（管理者）が修正し")
    assert outcome_line(Review.pending(record(), ["boss"])) == "承認待ちです。"
    assert already(run("approve")) == "<@boss> さんが既に承認しました（2027-03-01 00:00 UTC）。"
    assert already(run("return", "件数")) == (
        "<@boss> さんが既に差し戻ししました（2027-03-01 00:00 UTC）。"
    )


def test_a_review_keeps_its_campaign_and_its_summary_the_levels() -> None:
    pending = Review.pending(record(campaign="c1"), ["boss"], previous_level=3)
    assert (pending.campaign, pending.previous_level) == ("c1", 3)
    modified = decide(
        pending,
        record(campaign="c1"),
        Decision("modify", "boss", "担当者", {"role": "operator"}),
        latest="i0",
        managers_now=["boss"],
        is_admin=lambda: False,
        framework=FW,
        now=T0,
    ).review
    brief = modified.summary()
    assert (brief.status, brief.self_level, brief.confirmed_level, brief.previous_level) == (
        "modified",
        4,
        2,
        3,
    )
