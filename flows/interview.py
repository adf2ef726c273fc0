"""The interview engine: commands in, a new session (never the same object) out. Pure.

Every command names the `step` the person saw; a command for an older step is stale and
changes nothing. Answers are checked by flows.facts before the machine moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from flows.facts import coerce_fact, show_value, to_json_value
from flows.i18n import t
from flows.inference import Result, evaluate
from flows.machine import EventNotAllowedError, advance
from flows.numbers import AnswerError
from flows.outbox import Delivery
from flows.planner import Plan, plan
from flows.results import record_of
from flows.session import InterviewSession, PersonKey, Phase, ResultRecord
from flows.text import clean
from flows.views import AnswerLine, Evidence, QuestionView, Recorded, ReviewView, View
from flows.wording import with_statements, wording
from framework_data.models import FactDef, Framework

NOTE_MAX_CHARS = 1000
RAW_MAX_CHARS = 200

Action = Literal[
    "choose", "answer", "skip", "back", "edit", "note",
    "pause", "resume", "restart", "confirm", "abandon",
]  # fmt: skip


class Command(BaseModel):
    model_config = ConfigDict(frozen=True)

    action: Action
    step: int | None = None  # the step the person saw; None skips the check (trusted callers)
    interview: str | None = None  # the interview the person saw; None skips the check
    specialty: str | None = None
    fact: str | None = None
    value: bool | int | str | list[str] | None = None
    dimension: str | None = None
    text: str = Field(default="", max_length=100_000)


@dataclass(frozen=True)
class Outcome:
    """`applied`: the session moved on; `invalid`: the input was rejected (message says why);
    `stale`: the command was for an older screen and nothing changed.

    `view` is what to show next (the question or the review; None for the screens drawn from
    the session alone: the specialty choice, paused, finished), computed once by `handle`.
    `recorded` is what an answer, skip or specialty choice recorded, for the answered message."""

    status: Literal["applied", "invalid", "stale"]
    session: InterviewSession
    message: str = ""
    record: ResultRecord | None = None
    previous: InterviewSession | None = None  # the session the command was applied to
    deliveries: tuple[Delivery, ...] = ()  # queued with the record, for the caller to send
    view: View | None = None
    recorded: Recorded | None = None

    @property
    def applied(self) -> bool:
        return self.status == "applied"


@dataclass
class _Applied:
    """What a command handler leaves for `handle`: the planning it did, what it recorded."""

    record: ResultRecord | None = None
    plan: Plan | None = None  # planned over the new session's facts and skips
    recorded: Recorded | None = None


class _NotNowError(Exception):
    """The command does not fit the session's current state (an old button, say)."""


def stale() -> str:
    """Why a command from an older screen changed nothing."""
    return t("interview.stale")


def not_this_interview() -> str:
    """Why a button of another (finished, expired) interview changed nothing."""
    return t("interview.not_this_interview")


class Interview:
    """The interview over one framework. Holds no per-person state."""

    def __init__(self, framework: Framework) -> None:
        self.framework = framework

    def new_session(self, key: PersonKey, interview_id: str, now: datetime) -> InterviewSession:
        return InterviewSession(
            id=interview_id,
            team=key.team,
            user=key.user,
            framework_id=self.framework.id,
            framework_version=self.framework.version,
            started_at=now,
            updated_at=now,
        )

    # ------------------------------------------------------------------ views

    def view(self, session: InterviewSession, planned: Plan | None = None) -> View | None:
        """What to show for the session as it stands (one planning pass at most)."""
        if session.state is Phase.REVIEWING:
            return self.review(session)
        return self.question(session, planned)

    def question(
        self, session: InterviewSession, planned: Plan | None = None
    ) -> QuestionView | None:
        """The current question. `planned`: a plan over the session's facts and skips, reused
        when the current fact is unanswered (the plan then covers the same facts)."""
        if (
            session.state is not Phase.ASKING
            or session.current is None
            or session.specialty is None
        ):
            return None
        fact = self.framework.fact(session.current)
        facts = session.facts()
        if planned is None or fact.id in facts:
            without = {k: v for k, v in facts.items() if k != fact.id}
            planned = plan(self.framework, session.specialty, without, session.skipped)
        evidence = tuple(
            Evidence(
                oc.level,
                oc.dimension.name,
                oc.dimension.text,
                oc.criterion.label,
                oc.dimension.lead or oc.dimension.text,
                oc.dimension.items,
            )
            for oc in planned.open
            if fact.id in oc.unknown_facts
        )
        number = len(session.asked) + 1
        previous = None
        if fact.id in facts:
            previous = show_value(fact, session.specialty, facts[fact.id])
        words = wording(self.framework, fact, session.specialty, facts)
        return QuestionView(
            fact=fact,
            question=words.question,
            help=words.help,
            options=words.options,
            statements=words.statements,
            placeholder=words.placeholder,
            serves=words.serves,
            number=number,
            upper_bound=number + max(len(planned.remaining) - 1, 0),
            evidence=evidence,
            previous=previous,
            can_skip=fact.optional,
            can_back=True,
            step=session.step,
        )

    def answers(self, session: InterviewSession) -> list[AnswerLine]:
        assert session.specialty is not None
        facts = session.facts()
        lines = []
        for fact in self.framework.facts_for(session.specialty):
            if fact.id in facts or fact.id in session.skipped:
                lines.append(
                    AnswerLine(fact, show_value(fact, session.specialty, facts.get(fact.id)))
                )
        return lines

    def review(self, session: InterviewSession) -> ReviewView:
        return ReviewView(tuple(self.answers(session)), self.result(session), session.step)

    def result(self, session: InterviewSession) -> Result:
        assert session.specialty is not None
        return evaluate(self.framework, session.specialty, session.facts(), session.asked)

    # ------------------------------------------------------------------ commands

    def handle(self, session: InterviewSession, cmd: Command, now: datetime) -> Outcome:
        if not session.in_progress:
            return Outcome("stale", session, t("interview.finished"))
        if cmd.interview is not None and cmd.interview != session.id:
            return Outcome("stale", session, not_this_interview())
        if cmd.step is not None and cmd.step != session.step:
            return Outcome("stale", session, stale())
        new = session.model_copy(deep=True)
        done = _Applied()
        try:
            handler = getattr(self, f"_{cmd.action}", None)
            if handler is None:  # pause, resume, abandon: the machine alone decides
                advance(new, cmd.action)
            else:
                done = handler(new, cmd, now) or done
        except AnswerError as exc:
            return Outcome("invalid", session, exc.message, view=self.view(session))
        except (EventNotAllowedError, _NotNowError):
            return Outcome("stale", session, stale())
        new.step += 1
        new.updated_at = now
        view = self.view(new, done.plan)
        return Outcome(
            "applied", new, record=done.record, previous=session, view=view, recorded=done.recorded
        )

    def _plan(self, s: InterviewSession) -> Plan:
        """Plan over the session's answers and skips; the best fact becomes the current one."""
        assert s.specialty is not None
        planned = plan(self.framework, s.specialty, s.facts(), s.skipped)
        s.current = planned.next
        return planned

    def _choose(self, s: InterviewSession, cmd: Command, now: datetime) -> _Applied:
        specialties = {sp.id: sp for sp in self.framework.job_category.specialties}
        chosen = specialties.get(cmd.specialty or "")
        if chosen is None:
            names = t("answer.list_separator").join(sp.name for sp in specialties.values())
            raise AnswerError(t("interview.choose_one_of", specialties=names))
        if s.specialty != chosen.id:
            s.answers, s.raw_answers, s.skipped, s.asked, s.notes = {}, {}, [], [], {}
        s.specialty = chosen.id
        planned = self._plan(s)
        advance(s, "choose", settled=planned.next is None)
        return _Applied(
            plan=planned, recorded=Recorded(0, t("interview.specialty_label"), chosen.name)
        )

    def _current_fact(self, s: InterviewSession, cmd: Command) -> FactDef:
        # A button drawn for this step answers the current question even without naming it.
        if s.state is not Phase.ASKING or s.current is None or cmd.fact not in (None, s.current):
            raise _NotNowError
        return self.framework.fact(s.current)

    def _answer(self, s: InterviewSession, cmd: Command, now: datetime) -> _Applied:
        fact = self._current_fact(s, cmd)
        assert s.specialty is not None
        if cmd.value is None:
            raise AnswerError(
                t("interview.empty_choice") if fact.options else t("interview.empty_input")
            )
        value = coerce_fact(fact, s.specialty, cmd.value)
        s.answers[fact.id] = to_json_value(value)
        if isinstance(cmd.value, str):
            s.raw_answers[fact.id] = cmd.value[:RAW_MAX_CHARS]
        if fact.id in s.skipped:
            s.skipped.remove(fact.id)
        s.asked.append(fact.id)
        planned = self._plan(s)
        advance(s, "answer", settled=planned.next is None)
        shown = with_statements(show_value(fact, s.specialty, value), fact, cmd.value)
        return _Applied(plan=planned, recorded=Recorded(len(s.asked), fact.label, shown))

    def _skip(self, s: InterviewSession, cmd: Command, now: datetime) -> _Applied:
        fact = self._current_fact(s, cmd)
        if not fact.optional:
            raise AnswerError(t("interview.cannot_skip"))
        s.answers.pop(fact.id, None)
        s.skipped.append(fact.id)
        s.asked.append(fact.id)
        planned = self._plan(s)
        advance(s, "skip", settled=planned.next is None)
        return _Applied(
            plan=planned, recorded=Recorded(len(s.asked), fact.label, t("interview.skipped"))
        )

    def _back(self, s: InterviewSession, cmd: Command, now: datetime) -> None:
        at_start = s.state is Phase.ASKING and not s.asked
        if at_start:
            s.current = None
        elif s.state in (Phase.ASKING, Phase.REVIEWING):
            s.current = s.asked.pop()
        advance(s, "back", at_start=at_start)

    def _edit(self, s: InterviewSession, cmd: Command, now: datetime) -> None:
        if cmd.fact not in s.answers and cmd.fact not in s.skipped:
            raise AnswerError(t("interview.no_such_answer"))
        assert cmd.fact is not None
        if cmd.fact in s.asked:
            s.asked.remove(cmd.fact)
        s.current = cmd.fact
        advance(s, "edit")

    def _note(self, s: InterviewSession, cmd: Command, now: datetime) -> None:
        dims = {d.id for d in self.framework.job_category.dimensions}
        if cmd.dimension not in dims:
            raise AnswerError(t("interview.choose_aspect"))
        text = clean(cmd.text).strip()
        if len(text) > NOTE_MAX_CHARS:
            raise AnswerError(t("interview.note_too_long", max=NOTE_MAX_CHARS, length=len(text)))
        if text:
            s.notes[cmd.dimension] = text
        else:
            s.notes.pop(cmd.dimension, None)
        advance(s, "note")

    def _restart(self, s: InterviewSession, cmd: Command, now: datetime) -> None:
        advance(s, "restart")
        s.specialty, s.current = None, None
        s.answers, s.raw_answers, s.skipped, s.asked, s.notes = {}, {}, [], [], {}

    def _confirm(self, s: InterviewSession, cmd: Command, now: datetime) -> _Applied:
        advance(s, "confirm")
        s.current = None
        assert s.specialty is not None
        record = record_of(s, self.result(s), now)
        return _Applied(record=record)
