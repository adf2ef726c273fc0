"""Interview screens in the DM: specialty choice, one message per question, review."""

from __future__ import annotations

from bot import ids
from bot.blocks.common import (
    MAX_CONTEXT_TEXT,
    Block,
    actions,
    button,
    clip,
    context,
    dimension_names,
    divider,
    escape,
    header,
    option,
    section,
)
from flows.i18n import current, t, tn
from flows.interview import Interview
from flows.session import InterviewSession, Phase
from flows.views import Evidence, QuestionView, ReviewView, View
from framework_data.models import Framework

MAX_EVIDENCE = 6  # criteria shown under a question; the context block holds 10 elements


def _controls(session: InterviewSession, *, skip_fact: str | None = None) -> Block:
    ref = ids.Ref(session.id, session.step)
    elements = [button(t("interview.back"), ids.BACK, ref.encode())]
    if skip_fact:
        elements.append(
            button(
                t("interview.skip"),
                ids.SKIP,
                ids.Ref(session.id, session.step, skip_fact).encode(),
            )
        )
    elements += [
        button(t("interview.pause"), ids.PAUSE, ref.encode()),
        button(t("interview.restart"), ids.RESTART, ref.encode(), style="danger"),
    ]
    return actions(*elements, block_id="controls")


def specialty_choice(framework: Framework, session: InterviewSession) -> list[Block]:
    buttons = [
        button(sp.name, f"{ids.CHOOSE}:{i}", ids.Ref(session.id, session.step, sp.id).encode())
        for i, sp in enumerate(framework.job_category.specialties)
    ]
    lines = [f"*{sp.name}*: {sp.description}" for sp in framework.job_category.specialties]
    return [
        header(t("interview.title")),
        section(t("interview.choose_specialty", specialties="\n".join(lines))),
        actions(*buttons, block_id="choose"),
        context(t("interview.pause_note")),
    ]


def _evidence(e: Evidence) -> str:
    """A criterion the answer decides, with its dimension's seed text as `/itss level` shows it:
    the lead, then one bullet per item."""
    lines = [t("interview.evidence_line", level=e.level, dimension=e.dimension, rule=e.rule)]
    lines.append(e.lead or e.text)
    lines += [f"• {item}" for item in e.items]
    return "\n".join(lines)


def _evidence_block(q: QuestionView) -> Block:
    # One element per criterion (a context holds up to 10, each within Slack's text limit).
    heading = t("interview.evidence_heading")
    texts = [heading, *(_evidence(e) for e in q.evidence[:MAX_EVIDENCE])]
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": clip(text, MAX_CONTEXT_TEXT)} for text in texts],
    }


def _yes_no_values() -> tuple[str, str]:
    """What the yes and no buttons send back, read by flows.facts in either language: the
    Japanese words for a Japanese reader, as before (messages already posted carry them)."""
    if current() == "ja":
        return "はい", "いいえ"  # i18n: input
    return "yes", "no"


def _choices(q: QuestionView, session: InterviewSession) -> list[Block]:
    """The answer elements: buttons, checkboxes (options or statements) or a number input."""
    fact = q.fact
    ref = ids.Ref(session.id, session.step, fact.id)
    if q.statements or fact.kind == "set":
        checks = [option(st.label, st.id) for st in q.statements] or [
            option(o.label, o.id, o.detail) for o in q.options
        ]
        submit = t("interview.set_submit")
        return [
            actions(
                {"type": "checkboxes", "action_id": ids.SET_CHECKS, "options": checks},
                block_id="set",
            ),
            actions(button(submit, ids.SET_SUBMIT, ref.encode(), "primary"), block_id="set_submit"),
        ]
    if fact.kind == "bool":
        yes, no = (ids.Ref(session.id, session.step, v).encode() for v in _yes_no_values())
        return [
            actions(
                button(t("answer.yes"), f"{ids.ANSWER}:0", yes, "primary"),
                button(t("answer.no"), f"{ids.ANSWER}:1", no),
                block_id="answer",
            )
        ]
    if fact.kind == "ordinal":
        buttons = [
            button(o.label, f"{ids.ANSWER}:{i}", ids.Ref(session.id, session.step, o.id).encode())
            for i, o in enumerate(q.options)
        ]
        blocks = [actions(*buttons, block_id="answer")]
        details = [f"*{o.label}*: {o.detail}" for o in q.options if o.detail]
        if details:
            blocks.append(context("\n".join(details)))
        return blocks
    label = (
        t("interview.number_label", label=fact.label, unit=fact.unit) if fact.unit else fact.label
    )
    return [
        {
            "type": "input",
            "block_id": f"number:{ref.encode()}",
            "dispatch_action": True,
            "label": {"type": "plain_text", "text": clip(label, 2000)},
            "element": {
                "type": "plain_text_input",
                "action_id": ids.NUMBER,
                "placeholder": {"type": "plain_text", "text": clip(q.placeholder, 150)},
                "dispatch_action_config": {"trigger_actions_on": ["on_enter_pressed"]},
            },
        }
    ]


def question(q: QuestionView, session: InterviewSession, error: str = "") -> list[Block]:
    if q.serves:
        aspects = t("result.name_separator").join(q.serves)
        counter = t(
            "interview.counter_serves", number=q.number, bound=q.upper_bound, aspects=aspects
        )
    else:
        counter = t("interview.counter", number=q.number, bound=q.upper_bound)
    blocks: list[Block] = [
        context(counter),
        section(f"*{escape(q.question)}*" + (f"\n{escape(q.help)}" if q.help else "")),
    ]
    if q.evidence:
        blocks.append(_evidence_block(q))
    if q.previous is not None:
        blocks.append(context(t("interview.previous", answer=escape(q.previous))))
    if error:
        blocks.append(section(f":warning: {escape(error)}"))
    blocks += _choices(q, session)
    blocks.append(_controls(session, skip_fact=q.fact.id if q.can_skip else None))
    return blocks


def answered(number: int, label: str, shown: str) -> list[Block]:
    """What a question message becomes once answered: the recorded answer, no buttons."""
    heading = t("interview.answered", number=number, label=escape(label))
    return [section(f"{heading}\n:white_check_mark: {escape(shown)}")]


def review(r: ReviewView, session: InterviewSession, framework: Framework) -> list[Block]:
    lines, preview = r.answers, r.preview
    blocks: list[Block] = [
        header(t("interview.review_title")),
        section(t("interview.preview", specialty=preview.specialty_name, level=preview.level_name)),
    ]
    for i, line in enumerate(lines[:35]):
        blocks.append(
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": clip(f"*{line.fact.label}*: {escape(line.shown)}", 3000),
                },
                "accessory": button(
                    t("interview.edit"),
                    f"{ids.EDIT}:{i}",
                    ids.Ref(session.id, session.step, line.fact.id).encode(),
                ),
            }
        )
    if session.notes:
        names = dimension_names(framework)
        notes = [f"{names.get(k, k)}: {escape(v)}" for k, v in session.notes.items()]
        blocks.append(context(t("interview.review_notes", notes="\n".join(notes))))
    ref = ids.Ref(session.id, session.step).encode()
    blocks.append(divider())
    blocks.append(
        actions(
            button(t("interview.confirm"), ids.CONFIRM, ref, "primary"),
            button(t("interview.add_note"), ids.NOTE, ref),
            button(t("interview.back"), ids.BACK, ref),
            button(t("interview.pause"), ids.PAUSE, ref),
            block_id="review",
        )
    )
    return blocks


def paused(session: InterviewSession) -> list[Block]:
    return [
        section(tn("interview.paused", len(session.answers))),
        actions(
            button(
                t("interview.resume"),
                ids.RESUME,
                ids.Ref(session.id, session.step).encode(),
                "primary",
            )
        ),
    ]


def screen(
    interview: Interview,
    session: InterviewSession,
    error: str = "",
    view: View | None = None,
) -> tuple[str, list[Block]]:
    """The message for wherever the interview stands: (fallback text, blocks).

    `view` is what the engine returned with the outcome (`Outcome.view`); a caller holding only
    a session (a resumed interview) leaves it out and the engine computes it once here."""
    if session.state is Phase.CHOOSING_SPECIALTY:
        return t("interview.choose_specialty_text"), specialty_choice(interview.framework, session)
    live = session.state in (Phase.ASKING, Phase.REVIEWING)
    if live and (view is None or view.step != session.step):  # none, or another screen's
        view = interview.view(session)
    if session.state is Phase.ASKING and isinstance(view, QuestionView):
        text = t("interview.question_text", number=view.number, question=view.question)
        return text, question(view, session, error)
    if session.state is Phase.REVIEWING and isinstance(view, ReviewView):
        return t("interview.review_title"), review(view, session, interview.framework)
    if session.state is Phase.PAUSED:
        return t("interview.paused_text"), paused(session)
    return t("interview.ended_text"), [section(t("interview.ended"))]
