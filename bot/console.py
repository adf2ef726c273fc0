"""`itss-bot console`: the same interview engine in a terminal (rich), in the language of
`--lang` (flows.i18n.using around the run; the framework in that language too)."""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import UTC, datetime

from rich.console import Console
from rich.panel import Panel

from bot.terminal import print_plan, print_result
from flows.i18n import DEFAULT, current, t, tn
from flows.interview import Command, Interview, Outcome
from flows.plan import development_plan
from flows.results import result_of
from flows.service import InterviewService
from flows.session import InterviewSession, PersonKey, Phase
from flows.storage.base import SessionStore
from flows.text import has_foreign_digits
from flows.views import QuestionView, ReviewView, View

# After NFKC, 「，」 and full-width spaces are ASCII; 「、」 stays itself.
NUMBER_SEPARATORS = re.compile(r"[,、\s]+")  # i18n: input
LABEL_SEPARATORS = re.compile(r"[,、]")  # i18n: input
NONE_TYPED = ("0", "なし", "該当なし")  # i18n: input


def no_redis() -> str:
    """Why answers are not kept without REDIS_URL, and how to keep them."""
    return t("console.no_redis")


Screen = tuple[InterviewSession, View | None]  # where the interview stands, what the engine showed


class ConsoleInterview:
    def __init__(
        self,
        service: InterviewService,
        key: PersonKey,
        console: Console,
        *,
        persistent: bool = True,
    ) -> None:
        self.persistent = persistent
        self.service = service
        self.key = key
        self.console = console
        self.framework = service.interview.framework
        self.editing: str | None = None  # the fact picked on the review screen to change

    def _read(self, prompt: str) -> str | None:
        """A line typed at the prompt; None for Ctrl-C and Ctrl-D alike (both pause)."""
        try:
            return self.console.input(f"[bold cyan]{prompt}[/] ").strip()
        except (EOFError, KeyboardInterrupt):
            self.console.print()  # the pause message on its own line, not after the prompt
            return None

    def _choice_value(self, text: str, q: QuestionView) -> str | list[str]:
        """Numbers pick options or statements ("2", or "1,3" / "１，３" / "1 3" / "1、3" for
        several); anything else goes to the engine."""
        choices = [st.id for st in q.statements] or [o.id for o in q.options]
        several = q.fact.kind == "set" or bool(q.statements)
        if has_foreign_digits(text):  # NFKC would read 「①」 as 1
            return [text] if several else text
        folded = unicodedata.normalize("NFKC", text).strip()
        numbers = [p for p in NUMBER_SEPARATORS.split(folded) if p]
        if (
            numbers
            and (several or len(numbers) == 1)
            and all(p.isascii() and p.isdigit() and 1 <= int(p) <= len(choices) for p in numbers)
        ):
            picked = [choices[int(p) - 1] for p in numbers]
            return picked if several else picked[0]
        if several:
            if folded in NONE_TYPED:
                return []
            return [p.strip() for p in LABEL_SEPARATORS.split(folded) if p.strip()]
        return text

    def _show_question(self, q: QuestionView) -> None:
        serves = ""
        if q.serves:
            serves = t("console.serves", dimensions=t("console.joiner").join(q.serves))
        if q.fact.id == self.editing:
            self.console.rule(t("console.editing", fact=q.fact.label, serves=serves))
        else:
            self.console.rule(
                t("console.question", number=q.number, upper=q.upper_bound, serves=serves)
            )
        for ev in q.evidence:
            evidence = t("console.evidence", level=ev.level, dimension=ev.dimension, rule=ev.rule)
            self.console.print(f"[dim]{evidence}[/dim]")
            self.console.print(f"[dim]  {ev.lead or ev.text}[/dim]", highlight=False)
            for item in ev.items:
                self.console.print(f"[dim]    • {item}[/dim]", highlight=False)
        self.console.print(f"[bold]{q.question}[/bold]")
        if q.help:
            self.console.print(f"[dim]{q.help}[/dim]")
        for i, option in enumerate(q.options, 1):
            detail = t("console.option_detail", detail=option.detail) if option.detail else ""
            self.console.print(f"  {i}. {option.label}{detail}")
        for i, statement in enumerate(q.statements, 1):
            self.console.print(f"  {i}. {statement.label}")
        if q.fact.kind == "set" or q.statements:
            self.console.print(f"  0. {t('console.none_of_these')}")
        elif q.fact.kind == "bool":
            self.console.print(f"  {t('console.yes_no')}")
        elif q.placeholder:
            self.console.print(f"  {q.placeholder}")
        if q.previous is not None:
            previous = t("console.previous", answer=q.previous)
            self.console.print(f"[yellow]{previous}[/yellow]")

    def _report(self, outcome: Outcome) -> Screen:
        if not outcome.applied:
            self.console.print(f"[red]{outcome.message}[/red]")
        return outcome.session, outcome.view

    def _send(self, session: InterviewSession, **kw: object) -> Screen:
        cmd = Command.model_validate({"step": session.step, **kw})
        return self._report(self.service.act(self.key, cmd))

    def _view(self, session: InterviewSession, view: View | None) -> View | None:
        """The engine's view of this screen; computed here only for a session alone (resume)."""
        if view is None or view.step != session.step:
            return self.service.interview.view(session)
        return view

    def _pause(self, session: InterviewSession) -> None:
        self._send(session, action="pause")
        if self.persistent:
            # The whole command: a store is shared by many people, so "the last user" is not
            # something the console could safely guess (issue 11).
            command = f"itss-bot console --resume --user {self.key.user}"
            if current() != DEFAULT:
                command += f" --lang {current()}"
            self.console.print(
                t("console.paused", command=command),
                markup=False,
                highlight=False,
                soft_wrap=True,  # a command to copy, never folded
            )
        else:
            self.console.print(
                t("console.paused_unsaved", why=no_redis()), highlight=False, soft_wrap=True
            )

    def run(self, specialty: str | None) -> int:
        if specialty:
            specialty = self.framework.resolve_specialty(specialty) or specialty
        started = self.service.start(self.key, specialty)
        session, view = self._report(started.outcome)
        if started.resumed:
            self.console.print(tn("console.resumed", len(session.answers)))
        after = t("console.kept") if self.persistent else t("console.not_kept")
        self.console.print(f"[dim]{t('console.keys', after=after)}[/dim]")
        while True:
            nxt: Screen | None
            if session.state is Phase.CHOOSING_SPECIALTY:
                nxt = self._choose(session)
            elif session.state is Phase.ASKING:
                q = self._view(session, view)
                assert isinstance(q, QuestionView)
                nxt = self._ask(session, q)
            elif session.state is Phase.REVIEWING:
                r = self._view(session, view)
                assert isinstance(r, ReviewView)
                nxt = self._review(session, r)
            else:
                return 0
            if nxt is None:
                return 0
            session, view = nxt

    def _choose(self, session: InterviewSession) -> Screen | None:
        specialties = self.framework.job_category.specialties
        self.console.rule(t("console.choose_specialty"))
        for i, sp in enumerate(specialties, 1):
            self.console.print(f"  {i}. {sp.name} — {sp.description}")
        text = self._read(t("console.number_prompt"))
        if text is None or text == "q":
            self._pause(session)
            return None
        if text.isdigit() and 1 <= int(text) <= len(specialties):
            chosen = specialties[int(text) - 1].id
        else:
            chosen = self.framework.resolve_specialty(text) or text
        return self._send(session, action="choose", specialty=chosen)

    def _ask(self, session: InterviewSession, q: QuestionView) -> Screen | None:
        self._show_question(q)
        text = self._read(t("console.skip_prompt") if q.can_skip else ">")
        if text is None or text == "q":
            self._pause(session)
            return None
        if text == "b":
            return self._send(session, action="back")
        if text == "s":
            return self._send(session, action="skip", fact=q.fact.id)
        if text == "" and q.previous is not None:  # Enter keeps the earlier answer
            kept = session.raw_answers.get(q.fact.id, session.answers.get(q.fact.id))
            return self._send(session, action="answer", fact=q.fact.id, value=kept)
        choices = q.options or q.statements
        value: str | list[str] = self._choice_value(text, q) if choices else text
        return self._send(session, action="answer", fact=q.fact.id, value=value)

    def _review(self, session: InterviewSession, r: ReviewView) -> Screen | None:
        lines, preview = r.answers, r.preview
        self.console.rule(t("console.review"))
        self.editing = None
        for i, line in enumerate(lines, 1):
            self.console.print(f"  {i}. {line.fact.label}: {line.shown}")
        for dim, note in self._notes(session.notes):
            noted = t("console.note", dimension=dim, note=note)
            self.console.print(f"  {noted}", markup=False, highlight=False)
        self.console.print(
            t("console.preview", specialty=preview.specialty_name, level=preview.level_name)
        )
        self.console.print(f"[dim]{t('console.review_keys')}[/dim]")
        text = self._read(">")
        if text is None or text == "q":
            self._pause(session)
            return None
        if text == "b":
            return self._send(session, action="back")
        if text.isdigit() and 1 <= int(text) <= len(lines):
            self.editing = lines[int(text) - 1].fact.id
            return self._send(session, action="edit", fact=self.editing)
        if text == "m":
            return self._note(session, r)
        if text not in ("", "ok", "y"):
            self.console.print(f"[red]{t('console.review_unknown')}[/red]")
            return session, r
        outcome = self.service.act(self.key, Command(action="confirm", step=session.step))
        if outcome.record is None:
            return self._report(outcome)
        result = result_of(outcome.record, self.framework)
        print_result(self.console, result)
        for dim, note in self._notes(outcome.record.notes):
            noted = t("console.note", dimension=dim, note=note)
            self.console.print(noted, markup=False, highlight=False)
        print_plan(self.console, development_plan(self.framework, result))
        source = t("console.source", source=result.framework_source)
        if self.framework.source.note:
            source += f"\n{self.framework.source.note}"
        self.console.print(Panel(source))
        return None

    def _notes(self, notes: dict[str, str]) -> list[tuple[str, str]]:
        """The notes by the dimension's name, in the framework's order."""
        dims = self.framework.job_category.dimensions
        return [(d.name, notes[d.id]) for d in dims if d.id in notes]

    def _note(self, session: InterviewSession, r: ReviewView) -> Screen:
        dims = self.framework.job_category.dimensions
        for i, dim in enumerate(dims, 1):
            self.console.print(f"  {i}. {dim.name}")
        pick = self._read(t("console.dimension_prompt"))
        if pick is None or not pick.isdigit() or not 1 <= int(pick) <= len(dims):
            self.console.print(f"[red]{t('console.dimension_unknown')}[/red]")
            return session, r
        text = self._read(t("console.note_prompt"))
        return self._send(session, action="note", dimension=dims[int(pick) - 1].id, text=text or "")


def run_console(
    store: SessionStore,
    user: str,
    specialty: str | None,
    console: Console | None = None,
    *,
    persistent: bool = True,
) -> int:
    """The interview of `user` in the terminal, in the current language (flows.i18n)."""
    from framework_data.loader import load_default
    from framework_data.translate import localized

    framework = localized(load_default(), current())
    service = InterviewService(
        Interview(framework), store, lambda: datetime.now(UTC), lambda: uuid.uuid4().hex
    )
    key = PersonKey(team="console", user=user)
    return ConsoleInterview(service, key, console or Console(), persistent=persistent).run(
        specialty
    )
