"""What is stored about an interview: a versioned pydantic document, the machine's only memory."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from flows.facts import FactValue
from flows.inference import Result

# Each stored document carries its own `schema_version`. A reader reads every version up to
# its own and treats a higher one as a newer release's (flows/storage/values.py).
SESSION_VERSION: Literal[1] = 1  # InterviewSession (unchanged since the first release)
RECORD_VERSION: Literal[2] = (
    2  # ResultRecord: 2 keeps the answers and the verdict shown, not the tree
)
SUMMARY_VERSION: Literal[1] = 1  # ResultSummary
JsonFact = bool | int | str | list[str]


class Phase(StrEnum):
    CHOOSING_SPECIALTY = "choosing_specialty"
    ASKING = "asking"
    REVIEWING = "reviewing"
    PAUSED = "paused"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


IN_PROGRESS = frozenset({Phase.CHOOSING_SPECIALTY, Phase.ASKING, Phase.REVIEWING, Phase.PAUSED})


class PersonKey(BaseModel):
    """Who an interview belongs to: a Slack workspace (team) and user, or console/local."""

    model_config = ConfigDict(frozen=True)
    team: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    user: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")


class InterviewSession(BaseModel):
    """One interview in progress. `step` counts every change and guards compare-and-set."""

    model_config = ConfigDict(validate_assignment=True)

    schema_version: Literal[1] = SESSION_VERSION
    id: str
    team: str
    user: str
    step: int = 0
    state: Phase = Phase.CHOOSING_SPECIALTY
    paused_from: Phase | None = None
    specialty: str | None = None
    framework_id: str
    framework_version: str
    current: str | None = None
    answers: dict[str, JsonFact] = Field(default_factory=dict)
    raw_answers: dict[str, str] = Field(default_factory=dict)
    skipped: list[str] = Field(default_factory=list)
    asked: list[str] = Field(default_factory=list)
    notes: dict[str, str] = Field(default_factory=dict)
    started_at: datetime
    updated_at: datetime

    @property
    def key(self) -> PersonKey:
        return PersonKey(team=self.team, user=self.user)

    @property
    def in_progress(self) -> bool:
        return self.state in IN_PROGRESS

    def facts(self) -> dict[str, FactValue]:
        return {k: frozenset(v) if isinstance(v, list) else v for k, v in self.answers.items()}


class Verdict(BaseModel):
    """What the person was shown when the interview completed, pinned: a later release may
    read the same answers differently (docs/storage.md#results)."""

    model_config = ConfigDict(frozen=True)
    level: int
    max_possible_level: int
    next_level: int | None
    missing: int  # criteria shown as unmet (not the unknown or the not asked ones)

    @classmethod
    def of(cls, result: Result) -> Verdict:
        return cls(
            level=result.level,
            max_possible_level=result.max_possible_level,
            next_level=result.next_level,
            missing=result.unmet_count,
        )


class _Tree(BaseModel):
    """What a version-1 record's verdict tree (`result`) gives a version-2 record."""

    framework_id: str
    framework_version: str
    level: int
    max_possible_level: int
    next_level: int | None
    missing: list[Any]


class ResultRecord(BaseModel):
    """A completed interview: the answers, what was asked, the evidence notes, the framework
    they were judged by and the verdict shown. The verdict's details are recomputed from
    these (flows.results.result_of), not stored.

    Version 1 (the first releases) stored the whole verdict tree as `result`; such a record
    (and `ResultRecord(result=...)`) is read as version 2: framework and verdict taken from
    the tree, `asked`/`skipped` unknown (None)."""

    schema_version: Literal[2] = RECORD_VERSION
    interview_id: str
    team: str
    user: str
    specialty: str
    completed_at: datetime
    framework_id: str
    framework_version: str
    verdict: Verdict
    answers: dict[str, JsonFact]
    asked: list[str] | None = None  # facts asked (answered or skipped); None: not recorded
    skipped: list[str] | None = None
    notes: dict[str, str] = Field(default_factory=dict)
    # The campaign open for the person when they completed (flows.campaign). Optional and
    # without a version bump: a reader that does not know it ignores it (pydantic's default);
    # not written when None, so a result outside a campaign is stored as before.
    campaign: str | None = Field(default=None, exclude_if=lambda v: v is None)

    @model_validator(mode="before")
    @classmethod
    def _from_version_1(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "result" not in data:
            return data
        if data.get("schema_version", 1) != 1:
            return data  # not version 1: validation says what is wrong with it
        data = dict(data)
        tree = data.pop("result")
        # Only the fields needed, so a later change of Result cannot make old records unreadable.
        old = _Tree.model_validate(tree.model_dump() if isinstance(tree, Result) else tree)
        data["schema_version"] = RECORD_VERSION
        data.setdefault("framework_id", old.framework_id)
        data.setdefault("framework_version", old.framework_version)
        data.setdefault(
            "verdict",
            Verdict(
                level=old.level,
                max_possible_level=old.max_possible_level,
                next_level=old.next_level,
                missing=len(old.missing),
            ),
        )
        return data

    @classmethod
    def judged(  # noqa: PLR0913 - the record's own fields, by name
        cls,
        result: Result,
        *,
        interview_id: str,
        team: str,
        user: str,
        completed_at: datetime,
        answers: dict[str, JsonFact],
        asked: list[str] | None = None,
        skipped: list[str] | None = None,
        notes: dict[str, str] | None = None,
    ) -> ResultRecord:
        """The record of answers judged as `result` (its specialty, framework and verdict)."""
        return cls(
            interview_id=interview_id,
            team=team,
            user=user,
            specialty=result.specialty,
            completed_at=completed_at,
            framework_id=result.framework_id,
            framework_version=result.framework_version,
            verdict=Verdict.of(result),
            answers=answers,
            asked=asked,
            skipped=skipped,
            notes=notes or {},
        )

    def summary(self) -> ResultSummary:
        return ResultSummary(
            specialty=self.specialty,
            level=self.verdict.level,
            next_level=self.verdict.next_level,
            missing=self.verdict.missing,
            completed_at=self.completed_at,
            framework_version=self.framework_version,
            campaign=self.campaign,
        )


class ResultSummary(BaseModel):
    """A person's latest result in a few fields (about 150 bytes as JSON): what a team
    summary shows, written with the result in the same atomic step."""

    model_config = ConfigDict(frozen=True)
    schema_version: Literal[1] = SUMMARY_VERSION
    specialty: str
    level: int
    next_level: int | None
    missing: int
    completed_at: datetime
    framework_version: str
    campaign: str | None = Field(default=None, exclude_if=lambda v: v is None)  # as the record
