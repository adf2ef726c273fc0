"""Sign-off screens: the three buttons under a manager's result, the return and modify
modals, the confirm step of a modification (self vs manager side by side), and the messages
that tell the outcome. Pure renderers: they take domain objects and return Block Kit."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot import ids
from bot.blocks.common import (
    Block,
    actions,
    button,
    clip,
    context,
    escape,
    header,
    option,
    section,
    split_sections,
)
from bot.blocks.result import MARK
from flows.explain import level_name
from flows.facts import show_value
from flows.i18n import t, t_of
from flows.review import COMMENT_MAX_CHARS, Review, outcome_line
from flows.review_facts import SideBySide
from flows.session import JsonFact, ResultRecord
from flows.text import clean
from framework_data.models import FactDef, Framework

# The values a yes/no fact's options send back (unchanged since the first version: a modal
# opened before an upgrade still decodes); their labels are in the reader's language.
YES, NO = "はい", "いいえ"  # i18n: input


def decision_actions(record: ResultRecord) -> Block:
    value = ids.ReviewRef(record.user, record.interview_id).encode()
    return actions(
        *decision_buttons(value),
        block_id="review",
    )


def decision_buttons(value: str) -> list[Block]:
    """承認 / 差し戻し / 修正 for the review `value` (ids.ReviewRef), as every screen shows them."""
    return [
        button(t("review.approve_button"), ids.REVIEW_APPROVE, value, "primary"),
        button(t("review.return_button"), ids.REVIEW_RETURN, value),
        button(t("review.modify_button"), ids.REVIEW_MODIFY, value, "danger"),
    ]


def decided_context(review: Review) -> Block:
    return context(f":lock: {outcome_line(review)}")


def side_by_side_blocks(sbs: SideBySide) -> list[Block]:
    lines = [
        t("review.sbs_title"),
        t(
            "review.sbs_levels",
            self_level=level_name(sbs.self_level),
            confirmed=level_name(sbs.confirmed_level),
        ),
    ]
    for row in sbs.rows:
        marks = {"mine": MARK[row.self_status], "theirs": MARK[row.manager_status]}
        if row.differs:
            lines.append(t("review.sbs_row_differs", level=row.level, name=row.name, **marks))
        else:
            lines.append(t("review.sbs_row", level=row.level, name=row.name, **marks))
    blocks = split_sections(lines)
    if sbs.surprise:
        blocks.append(section(t("review.surprise")))
    return blocks


def _modal(callback: str, title: str, blocks: list[Block], meta: str, submit: str | None) -> Block:
    view: Block = {
        "type": "modal",
        "callback_id": callback,
        "private_metadata": meta,
        "title": {"type": "plain_text", "text": title},
        "close": {
            "type": "plain_text",
            "text": t("review.cancel") if submit else t("review.close"),
        },
        "blocks": blocks,
    }
    if submit:
        view["submit"] = {"type": "plain_text", "text": submit}
    return view


def _text_input(block_id: str, label: str, placeholder: str) -> Block:
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": {
            "type": "plain_text_input",
            "action_id": "v",
            "multiline": True,
            "max_length": COMMENT_MAX_CHARS,
            "placeholder": {"type": "plain_text", "text": placeholder},
        },
    }


def return_modal(ref: ids.ReviewRef) -> Block:
    blocks = [
        section(t("review.return_intro", user=ref.user)),
        _text_input(ids.COMMENT_BLOCK, t("review.comment_label"), t("review.comment_placeholder")),
    ]
    title, submit = t("review.return_title"), t("review.return_submit")
    return _modal(ids.RETURN_MODAL, title, blocks, ref.encode(), submit)


def _fact_element(fact: FactDef, specialty: str, value: JsonFact | None) -> Block:
    if fact.kind == "int":
        element: Block = {"type": "plain_text_input", "action_id": "v"}
        if value is not None:
            element["initial_value"] = str(value)
        return element
    if fact.kind == "set":
        options = [option(o.label, o.id) for o in fact.options_for(specialty)]
        element = {"type": "checkboxes", "action_id": "v", "options": options}
        chosen = [o for o in options if isinstance(value, list) and o["value"] in value]
        if chosen:
            element["initial_options"] = chosen
        return element
    if fact.kind == "bool":
        options = [option(t("review.yes"), YES), option(t("review.no"), NO)]
        initial = None if value is None else options[0 if value else 1]
    else:
        options = [option(o.label, o.id) for o in fact.options_for(specialty)]
        initial = next((o for o in options if o["value"] == value), None)
    element = {"type": "static_select", "action_id": "v", "options": options}
    if initial is not None:
        element["initial_option"] = initial
    return element


def modify_modal(ref: ids.ReviewRef, record: ResultRecord, framework: Framework) -> Block:
    """Every fact of the specialty with the person's answer prefilled, and the reason."""
    blocks: list[Block] = [section(t("review.modify_intro", user=ref.user))]
    for fact in framework.facts_for(record.specialty):
        value = record.answers.get(fact.id)
        shown = show_value(fact, record.specialty, None if value is None else _fact(value))
        blocks.append(
            {
                "type": "input",
                "block_id": ids.FACT_BLOCK + fact.id,
                "optional": True,
                "label": {"type": "plain_text", "text": clip(fact.label, 2000)},
                "hint": {
                    "type": "plain_text",
                    "text": clip(t("review.their_answer", answer=shown), 2000),
                },
                "element": _fact_element(fact, record.specialty, value),
            }
        )
    blocks.append(
        _text_input(ids.REASON_BLOCK, t("review.reason_label"), t("review.reason_placeholder"))
    )
    title, submit = t("review.modify_title"), t("review.modify_submit")
    return _modal(ids.MODIFY_MODAL, title, blocks, ref.encode(), submit)


def _fact(value: JsonFact) -> Any:
    return frozenset(value) if isinstance(value, list) else value


@dataclass(frozen=True)
class ModifyDraft:
    """What the confirm step of a modification carries in its private_metadata."""

    ref: ids.ReviewRef
    reason: str
    changes: dict[str, JsonFact]

    def encode(self) -> str:
        data = {"r": self.ref.encode(), "why": self.reason, "c": self.changes}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def decode(cls, raw: str | None) -> ModifyDraft | None:
        try:
            data = json.loads(raw or "")
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        ref = ids.ReviewRef.decode(data.get("r"))
        reason, changes = data.get("why"), data.get("c")
        if ref is None or not isinstance(reason, str) or not isinstance(changes, dict):
            return None
        return cls(ref, reason, changes)


def modify_confirm_modal(
    draft: ModifyDraft, record: ResultRecord, framework: Framework, sbs: SideBySide
) -> Block:
    lines = [t("review.changes_title")]
    for fact_id, value in draft.changes.items():
        fact = framework.fact(fact_id)
        before = record.answers.get(fact_id)
        was = show_value(fact, record.specialty, None if before is None else _fact(before))
        now = show_value(fact, record.specialty, _fact(value))
        lines.append(f"• {fact.label}: {escape(was)} → *{escape(now)}*")
    blocks = [
        *split_sections(lines),
        *side_by_side_blocks(sbs),
        section(t("review.reason_section", text=escape(clean(draft.reason)))),
        context(t("review.confirm_note")),
    ]
    title, submit = t("review.confirm_title"), t("review.confirm_submit")
    return _modal(ids.MODIFY_CONFIRM_MODAL, title, blocks, draft.encode(), submit)


def notice_modal(title: str, text: str) -> Block:
    return _modal("itss_review_notice", title, [section(text)], "", None)


# ------------------------------------------------------------------ after the decision


def outcome_blocks(review: Review, name: str, sbs: SideBySide | None) -> list[Block]:
    """What the person is told: the outcome, the comment or reason, the new level."""
    blocks = [
        header(t_of("review.outcome_header", review.status, specialty=name)),
        section(outcome_line(review)),
    ]
    if review.comment:
        comment = escape(clean(review.comment))
        if review.status == "returned":
            blocks.append(section(t("review.comment_section", text=comment)))
        else:
            blocks.append(section(t("review.modify_reason_section", text=comment)))
    if review.status == "returned":
        value = ids.ReviewRef(review.user, review.interview_id).encode()
        reopen = button(t("review.reopen_button"), ids.REVIEW_REOPEN, value, "primary")
        blocks.append(actions(reopen))
        blocks.append(context(t("review.reopen_hint")))
    if sbs is not None:
        blocks += side_by_side_blocks(sbs)
    return blocks


def outcome_text(review: Review, name: str) -> str:
    return t("review.outcome_text", specialty=name, outcome=outcome_line(review))


def decided_text(review: Review, name: str) -> str:
    """To another manager of the person: who decided."""
    return t("review.decided_text", user=review.user, specialty=name, outcome=outcome_line(review))
