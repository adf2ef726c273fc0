"""What is stored about an interview: a versioned pydantic document, the machine's only memory."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from flows.facts import FactValue
from flows.inference import Result

SCHEMA_VERSION = 1
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

    schema_version: Literal[1] = 1
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


class ResultRecord(BaseModel):
    """A completed interview: the verdict, the answers it rests on and the evidence notes."""

    schema_version: Literal[1] = 1
    interview_id: str
    team: str
    user: str
    specialty: str
    completed_at: datetime
    result: Result
    answers: dict[str, JsonFact]
    notes: dict[str, str] = Field(default_factory=dict)
