"""Manager sign-off: a `Review` per submitted result and `decide`, who may decide it and what
that causes. Pure (no Slack, no clock reads): the caller passes the moment, the roster row
and whether the actor is an admin of the workspace.

A completion writes the pending Review in the same atomic step as the result
(`InterviewStore.complete`); a decision is one compare-and-set on it (`ReviewStore.decide`)
that also updates the person's summary and queues the notices. The confirmed level is the
level of record; the self-assessed level stays beside it. docs/cycle.md#sign-off.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from flows.explain import level_name
from flows.i18n import moment, t, t_of
from flows.outbox import Delivery
from flows.review_facts import judged_with
from flows.session import JsonFact, ResultRecord
from framework_data.models import Framework

REVIEW_VERSION: Literal[1] = 1
COMMENT_MAX_CHARS = 1000

ReviewStatus = Literal["pending", "approved", "returned", "modified"]
Action = Literal["approve", "return", "modify"]
ACTION_STATUS: Mapping[Action, ReviewStatus] = {
    "approve": "approved",
    "return": "returned",
    "modify": "modified",
}


def denied() -> str:
    """The refusal of anyone but the person's managers and the workspace's admins."""
    return t("review.denied")


def own() -> str:
    """The refusal of the person deciding their own result."""
    return t("review.own")


def not_latest() -> str:
    """The refusal of a click on an older submission than the latest."""
    return t("review.not_latest")


class Denied(Exception):
    """The actor may not decide; the message is the reply in the actor's language (it reveals
    nothing of the person beyond what the actor already saw)."""


class Review(BaseModel):
    """The sign-off of one submitted result, stored under the person by interview id."""

    model_config = ConfigDict(frozen=True)

    schema_version: Literal[1] = REVIEW_VERSION
    interview_id: str
    team: str
    user: str
    specialty: str
    submitted_at: datetime
    framework_version: str
    managers: list[str] = Field(default_factory=list)  # the roster at submission
    self_level: int
    status: ReviewStatus = "pending"
    decided_by: str | None = None
    decided_at: datetime | None = None
    acted_as_admin: bool = False  # an admin decided, not one of the person's managers
    comment: str = ""  # the return comment or the modify reason
    changes: dict[str, JsonFact] = Field(default_factory=dict)  # fact id → manager's value
    confirmed_level: int | None = None
    campaign: str | None = None
    # The level of record of the person's result in the previous campaign, at submission.
    previous_level: int | None = None

    @classmethod
    def pending(
        cls, record: ResultRecord, managers: Sequence[str], previous_level: int | None = None
    ) -> Review:
        return cls(
            interview_id=record.interview_id,
            team=record.team,
            user=record.user,
            specialty=record.specialty,
            submitted_at=record.completed_at,
            framework_version=record.framework_version,
            managers=[m for m in dict.fromkeys(managers) if m != record.user],
            self_level=record.verdict.level,
            campaign=record.campaign,
            previous_level=previous_level,
        )

    @property
    def decided(self) -> bool:
        return self.status != "pending"

    def summary(self) -> ReviewSummary:
        return ReviewSummary(
            interview_id=self.interview_id,
            submitted_at=self.submitted_at,
            status=self.status,
            self_level=self.self_level,
            confirmed_level=self.confirmed_level,
            previous_level=self.previous_level,
        )


class ReviewSummary(BaseModel):
    """The sign-off of a person's latest result in a few fields (about 120 bytes as JSON),
    beside their ResultSummary: what a team summary and a campaign status read."""

    model_config = ConfigDict(frozen=True)

    schema_version: Literal[1] = REVIEW_VERSION
    interview_id: str
    submitted_at: datetime  # its result's completed_at: a summary's `r` and `d` must agree
    status: ReviewStatus
    self_level: int
    confirmed_level: int | None = None
    previous_level: int | None = None

    @property
    def level_of_record(self) -> int:
        """The confirmed level once decided (approved or modified); the self level before."""
        return self.self_level if self.confirmed_level is None else self.confirmed_level


def trend(current: int, previous: int | None) -> str:
    """↑ ↓ → against the previous campaign's level of record; "" without one."""
    if previous is None:
        return ""
    return "↑" if current > previous else "↓" if current < previous else "→"


def previous_level(
    history: Sequence[ResultRecord], reviews: Mapping[str, Review], campaign: str | None
) -> int | None:
    """The level of record of the latest result of another campaign than `campaign` (its
    confirmed level, else its self level); None when the person has none."""
    for record in sorted(history, key=lambda r: r.completed_at, reverse=True):
        if record.campaign is None or record.campaign == campaign:
            continue
        review = reviews.get(record.interview_id)
        confirmed = review.confirmed_level if review is not None else None
        return record.verdict.level if confirmed is None else confirmed
    return None


# ------------------------------------------------------------------ who may decide


def authorize(
    user: str, actor: str, managers_now: Sequence[str], is_admin: Callable[[], bool]
) -> bool:
    """Whether `actor` decides for `user` as an admin (True) or as one of their managers on
    the roster now (False); Denied otherwise. The person never decides their own, whatever
    the roster or the admin list says. `is_admin` is asked only of a non-manager."""
    if actor == user:
        raise Denied(own())
    if actor in managers_now:
        return False
    if is_admin():
        return True
    raise Denied(denied())


def already(review: Review) -> str:
    """What a second decider is told: who decided, what, when."""
    at = f"{moment(review.decided_at)} UTC" if review.decided_at else ""
    return t_of("review.already", review.status, user=review.decided_by, at=at)


@dataclass(frozen=True)
class Decision:
    """What a decider asked for: `comment` is the return comment or the modify reason,
    `changes` the manager's facts (already checked: manager_changes)."""

    action: Action
    actor: str
    comment: str = ""
    changes: Mapping[str, JsonFact] | None = None


@dataclass(frozen=True)
class Decided:
    review: Review
    deliveries: tuple[Delivery, ...]


def decide(  # noqa: PLR0913 - the inputs of one decision, by name
    review: Review,
    record: ResultRecord,
    decision: Decision,
    *,
    latest: str,
    managers_now: Sequence[str],
    is_admin: Callable[[], bool],
    framework: Framework,
    now: datetime,
) -> Decided:
    """The decided review and the notices it sends, or Denied with the reason.
    Authorization comes first (a denial says nothing about the review); then the review
    must be the person's latest (`latest`: its interview id) and still pending."""
    as_admin = authorize(review.user, decision.actor, managers_now, is_admin)
    if review.interview_id != latest:
        raise Denied(not_latest())
    if review.decided:
        raise Denied(already(review))
    comment = decision.comment.strip()
    if len(comment) > COMMENT_MAX_CHARS:
        raise Denied(t("review.comment_too_long", max=COMMENT_MAX_CHARS))
    changes: dict[str, JsonFact] = dict(decision.changes or {})
    confirmed: int | None = review.self_level
    if decision.action == "return":
        if not comment:
            raise Denied(t("review.return_needs_comment"))
        confirmed, changes = None, {}
    elif decision.action == "modify":
        if not comment:
            raise Denied(t("review.modify_needs_reason"))
        if not changes:
            raise Denied(t("review.modify_needs_change"))
        confirmed = judged_with(record, framework, changes).level
    else:
        comment, changes = "", {}
    decided = review.model_copy(
        update={
            "status": ACTION_STATUS[decision.action],
            "decided_by": decision.actor,
            "decided_at": now,
            "acted_as_admin": as_admin,
            "comment": comment,
            "changes": changes,
            "confirmed_level": confirmed,
        }
    )
    return Decided(decided, tuple(notices(decided, managers_now, now)))


def notices(review: Review, managers_now: Sequence[str], now: datetime) -> list[Delivery]:
    """The person is told the outcome; every other manager on the roster now, who decided
    (one no longer their manager is not told: the person's result is no longer theirs)."""
    base: dict[str, Any] = {
        "team": review.team,
        "user": review.user,
        "interview_id": review.interview_id,
        "specialty": review.specialty,
        "created_at": now,
    }
    out = [
        Delivery(
            id=f"{review.interview_id}:review:{review.status}",
            recipient=review.user,
            kind="review_outcome",
            about=review.decided_by or "",
            **base,
        )
    ]
    for manager in dict.fromkeys(managers_now):
        if manager in (review.decided_by, review.user):
            continue
        out.append(
            Delivery(
                id=f"{review.interview_id}:review:decided:{manager}",
                recipient=manager,
                kind="review_decided",
                about=review.decided_by or "",
                **base,
            )
        )
    return out


def outcome_line(review: Review) -> str:
    """One line of the decision, as the person and the other managers read it."""
    user = review.decided_by
    who = t("review.who_admin", user=user) if review.acted_as_admin else t("review.who", user=user)
    if review.status == "approved":
        return t("review.outcome_approved", who=who, level=level_name(review.self_level))
    if review.status == "returned":
        return t("review.outcome_returned", who=who)
    if review.status == "modified":
        assert review.confirmed_level is not None
        return t(
            "review.outcome_modified",
            who=who,
            level=level_name(review.confirmed_level),
            self_level=level_name(review.self_level),
        )
    return t("review.outcome_pending")
