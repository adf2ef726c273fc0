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
from flows.interview import Interview
from flows.session import InterviewSession, Phase
from flows.views import Evidence, QuestionView, ReviewView, View
from framework_data.models import Framework

MAX_EVIDENCE = 6  # criteria shown under a question; the context block holds 10 elements


def _controls(session: InterviewSession, *, skip_fact: str | None = None) -> Block:
    ref = ids.Ref(session.id, session.step)
    elements = [button("戻る", ids.BACK, ref.encode())]
    if skip_fact:
        elements.append(
            button("省略する", ids.SKIP, ids.Ref(session.id, session.step, skip_fact).encode())
        )
    elements += [
        button("中断", ids.PAUSE, ref.encode()),
        button("最初から", ids.RESTART, ref.encode(), style="danger"),
    ]
    return actions(*elements, block_id="controls")


def specialty_choice(framework: Framework, session: InterviewSession) -> list[Block]:
    buttons = [
        button(sp.name, f"{ids.CHOOSE}:{i}", ids.Ref(session.id, session.step, sp.id).encode())
        for i, sp in enumerate(framework.job_category.specialties)
    ]
    lines = [f"*{sp.name}*: {sp.description}" for sp in framework.job_category.specialties]
    return [
        header("ITSS オペレーション スキル診断"),
        section("評価する専門分野を選んでください。\n" + "\n".join(lines)),
        actions(*buttons, block_id="choose"),
        context("途中で中断しても回答は保存され、いつでも続きから再開できます。"),
    ]


def _evidence(e: Evidence) -> str:
    """A criterion the answer decides, with its dimension's seed text as `/itss level` shows it:
    the lead, then one bullet per item."""
    lines = [f"*レベル{e.level} {e.dimension}*: {e.rule}", e.lead or e.text]
    lines += [f"• {item}" for item in e.items]
    return "\n".join(lines)


def _evidence_block(q: QuestionView) -> Block:
    # One element per criterion (a context holds up to 10, each within Slack's text limit).
    heading = "この回答で判定する基準（ITSS 達成度指標）"
    texts = [heading, *(_evidence(e) for e in q.evidence[:MAX_EVIDENCE])]
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": clip(t, MAX_CONTEXT_TEXT)} for t in texts],
    }


def _choices(q: QuestionView, session: InterviewSession) -> list[Block]:
    """The answer elements: buttons, checkboxes (options or statements) or a number input."""
    fact = q.fact
    ref = ids.Ref(session.id, session.step, fact.id)
    if q.statements or fact.kind == "set":
        checks = [option(st.label, st.id) for st in q.statements] or [
            option(o.label, o.id, o.detail) for o in q.options
        ]
        submit = "決定（当てはまるものがなければそのまま）"
        return [
            actions(
                {"type": "checkboxes", "action_id": ids.SET_CHECKS, "options": checks},
                block_id="set",
            ),
            actions(button(submit, ids.SET_SUBMIT, ref.encode(), "primary"), block_id="set_submit"),
        ]
    if fact.kind == "bool":
        yes = ids.Ref(session.id, session.step, "はい").encode()
        no = ids.Ref(session.id, session.step, "いいえ").encode()
        return [
            actions(
                button("はい", f"{ids.ANSWER}:0", yes, "primary"),
                button("いいえ", f"{ids.ANSWER}:1", no),
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
    label = fact.label + (f"（{fact.unit}）" if fact.unit else "")
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
    serves = f"　観点: {'・'.join(q.serves)}" if q.serves else ""
    blocks: list[Block] = [
        context(f"質問 {q.number} / ≤{q.upper_bound}{serves}"),
        section(f"*{escape(q.question)}*" + (f"\n{escape(q.help)}" if q.help else "")),
    ]
    if q.evidence:
        blocks.append(_evidence_block(q))
    if q.previous is not None:
        blocks.append(context(f"前回の回答: {escape(q.previous)}"))
    if error:
        blocks.append(section(f":warning: {escape(error)}"))
    blocks += _choices(q, session)
    blocks.append(_controls(session, skip_fact=q.fact.id if q.can_skip else None))
    return blocks


def answered(number: int, label: str, shown: str) -> list[Block]:
    """What a question message becomes once answered: the recorded answer, no buttons."""
    return [section(f"質問 {number}: *{escape(label)}*\n:white_check_mark: {escape(shown)}")]


def review(r: ReviewView, session: InterviewSession, framework: Framework) -> list[Block]:
    lines, preview = r.answers, r.preview
    blocks: list[Block] = [
        header("回答の確認"),
        section(f"判定（見込み）: *{preview.specialty_name} {preview.level_name}*"),
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
                    "修正",
                    f"{ids.EDIT}:{i}",
                    ids.Ref(session.id, session.step, line.fact.id).encode(),
                ),
            }
        )
    if session.notes:
        names = dimension_names(framework)
        notes = [f"{names.get(k, k)}: {escape(v)}" for k, v in session.notes.items()]
        blocks.append(context("根拠メモ\n" + "\n".join(notes)))
    ref = ids.Ref(session.id, session.step).encode()
    blocks.append(divider())
    blocks.append(
        actions(
            button("この内容で確定", ids.CONFIRM, ref, "primary"),
            button("根拠メモを追加", ids.NOTE, ref),
            button("戻る", ids.BACK, ref),
            button("中断", ids.PAUSE, ref),
            block_id="review",
        )
    )
    return blocks


def paused(session: InterviewSession) -> list[Block]:
    return [
        section(
            f"インタビューを中断しました（{len(session.answers)} 件回答済み）。回答は保存されています。"
        ),
        actions(
            button("再開する", ids.RESUME, ids.Ref(session.id, session.step).encode(), "primary")
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
        return "専門分野を選んでください", specialty_choice(interview.framework, session)
    live = session.state in (Phase.ASKING, Phase.REVIEWING)
    if live and (view is None or view.step != session.step):  # none, or another screen's
        view = interview.view(session)
    if session.state is Phase.ASKING and isinstance(view, QuestionView):
        return f"質問 {view.number}: {view.question}", question(view, session, error)
    if session.state is Phase.REVIEWING and isinstance(view, ReviewView):
        return "回答の確認", review(view, session, interview.framework)
    if session.state is Phase.PAUSED:
        return "インタビューを中断しました", paused(session)
    return "インタビューは終了しました", [section("インタビューは終了しました。")]
