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
from flows.review import COMMENT_MAX_CHARS, Review, outcome_line
from flows.review_facts import SideBySide
from flows.session import JsonFact, ResultRecord
from flows.text import clean
from framework_data.models import FactDef, Framework

YES, NO = "はい", "いいえ"
SURPRISE = ":warning: *サプライズ*: 自己評価と確定レベルが 2 レベル以上離れています。"


def decision_actions(record: ResultRecord) -> Block:
    value = ids.ReviewRef(record.user, record.interview_id).encode()
    return actions(
        button("承認", ids.REVIEW_APPROVE, value, "primary"),
        button("差し戻し", ids.REVIEW_RETURN, value),
        button("修正", ids.REVIEW_MODIFY, value, "danger"),
        block_id="review",
    )


def decided_context(review: Review) -> Block:
    return context(f":lock: {outcome_line(review)}")


def side_by_side_blocks(sbs: SideBySide) -> list[Block]:
    lines = [
        "*自己評価と上長評価（観点ごと）*",
        f"自己評価 *{level_name(sbs.self_level)}* → 上長の事実で *{level_name(sbs.confirmed_level)}*",
    ]
    for row in sbs.rows:
        flag = "  ← 相違" if row.differs else ""
        lines.append(
            f"レベル {row.level} {row.name}: 本人 {MARK[row.self_status]} / "
            f"上長 {MARK[row.manager_status]}{flag}"
        )
    blocks = split_sections(lines)
    if sbs.surprise:
        blocks.append(section(SURPRISE))
    return blocks


def _modal(callback: str, title: str, blocks: list[Block], meta: str, submit: str | None) -> Block:
    view: Block = {
        "type": "modal",
        "callback_id": callback,
        "private_metadata": meta,
        "title": {"type": "plain_text", "text": title},
        "close": {"type": "plain_text", "text": "キャンセル" if submit else "閉じる"},
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
        section(f"<@{ref.user}> さんに結果を差し戻します。コメントは本人に届きます。"),
        _text_input(ids.COMMENT_BLOCK, "コメント（必須）", "見直してほしい点を書いてください"),
    ]
    return _modal(ids.RETURN_MODAL, "差し戻し", blocks, ref.encode(), "差し戻す")


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
        options = [option(YES, YES), option(NO, NO)]
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
    blocks: list[Block] = [
        section(
            f"<@{ref.user}> さんの回答です。事実と異なる項目を修正し、理由を書いてください。"
            "次の画面で、本人の回答と修正後の判定を観点ごとに比べてから確定します。"
        )
    ]
    for fact in framework.facts_for(record.specialty):
        value = record.answers.get(fact.id)
        shown = show_value(fact, record.specialty, None if value is None else _fact(value))
        blocks.append(
            {
                "type": "input",
                "block_id": ids.FACT_BLOCK + fact.id,
                "optional": True,
                "label": {"type": "plain_text", "text": clip(fact.label, 2000)},
                "hint": {"type": "plain_text", "text": clip(f"本人の回答: {shown}", 2000)},
                "element": _fact_element(fact, record.specialty, value),
            }
        )
    blocks.append(_text_input(ids.REASON_BLOCK, "修正の理由（必須）", "本人にも届きます"))
    return _modal(ids.MODIFY_MODAL, "修正", blocks, ref.encode(), "判定を確認")


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
    lines = ["*修正する項目*"]
    for fact_id, value in draft.changes.items():
        fact = framework.fact(fact_id)
        before = record.answers.get(fact_id)
        was = show_value(fact, record.specialty, None if before is None else _fact(before))
        now = show_value(fact, record.specialty, _fact(value))
        lines.append(f"• {fact.label}: {escape(was)} → *{escape(now)}*")
    blocks = [
        *split_sections(lines),
        *side_by_side_blocks(sbs),
        section(f"*理由*\n{escape(clean(draft.reason))}"),
        context("確定すると本人とほかのマネージャーに通知されます。"),
    ]
    return _modal(ids.MODIFY_CONFIRM_MODAL, "修正の確認", blocks, draft.encode(), "確定")


def notice_modal(title: str, text: str) -> Block:
    return _modal("itss_review_notice", title, [section(text)], "", None)


# ------------------------------------------------------------------ after the decision


def outcome_blocks(review: Review, name: str, sbs: SideBySide | None) -> list[Block]:
    """What the person is told: the outcome, the comment or reason, the new level."""
    done = {
        "approved": "承認されました",
        "returned": "差し戻されました",
        "modified": "修正されました",
    }
    blocks = [
        header(f"ITSS 判定結果が{done.get(review.status, '')}: {name}"),
        section(outcome_line(review)),
    ]
    if review.comment:
        label = "コメント" if review.status == "returned" else "修正の理由"
        blocks.append(section(f"*{label}*\n{escape(clean(review.comment))}"))
    if review.status == "returned":
        value = ids.ReviewRef(review.user, review.interview_id).encode()
        blocks.append(actions(button("修正して再提出", ids.REVIEW_REOPEN, value, "primary")))
        blocks.append(context("押すと、提出した回答の確認画面から再開します。"))
    if sbs is not None:
        blocks += side_by_side_blocks(sbs)
    return blocks


def outcome_text(review: Review, name: str) -> str:
    return f"ITSS 判定（{name}）: {outcome_line(review)}"


def decided_text(review: Review, name: str) -> str:
    """To another manager of the person: who decided."""
    return f"<@{review.user}> さんの ITSS 判定（{name}）: {outcome_line(review)}"
