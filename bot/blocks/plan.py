"""The development plan (flows.plan) in a result message: evidence to gather, then each
スキル熟達度 with its 知識項目 as a checklist."""

from __future__ import annotations

from bot.blocks.common import MAX_BLOCKS, Block, context, escape, section, split_sections
from flows.i18n import t, tn
from flows.plan import Plan, PlanItem, checklist

MARKS = {"unmet": ":x:", "unknown": ":grey_question:"}
"""By status value, so a status inference adds later still renders (as a bullet)."""


def plan_title(plan: Plan) -> str:
    if plan.sustain:
        return t("plan.title_sustain", level=plan.level)
    return t("plan.title", level=plan.level)


def item_lines(item: PlanItem) -> list[str]:
    lines = [
        t("plan.item", name=escape(item.skill_name), level=item.level),
        escape(item.text),
    ]
    if item.knowledge:
        lines.append(t("plan.knowledge"))
    for text, sub in checklist(item.knowledge):
        detail = f": {' / '.join(sub)}" if sub else ""
        lines.append(f"☐ {escape(text + detail)}")
    return lines


def plan_blocks(plan: Plan, room: int = MAX_BLOCKS) -> list[Block]:
    """At most `room` blocks (≥ 2). A plan that does not fit keeps its first items and ends with
    a context line saying how many were left out and where to read them."""
    head = [section(f"*{plan_title(plan)}*\n{escape(plan.summary)}")]
    if plan.evidence:
        lines = [t("plan.evidence_heading")]
        for e in plan.evidence:
            mark = MARKS.get(e.status, "•")
            lines.append(f"{mark} [{escape(e.dimension_name)}] {escape(e.rule)}")
            lines.append(t("plan.evidence_line", evidence=escape(e.evidence)))
        head += split_sections(lines)
    groups = [split_sections(item_lines(item)) for item in plan.items]
    if len(head) + sum(len(g) for g in groups) <= room:
        return head + [b for g in groups for b in g]
    blocks = head[: max(room - 1, 1)]
    shown = 0
    for group in groups:
        if len(blocks) + len(group) > room - 1:
            break
        blocks += group
        shown += 1
    left = plan.items[shown:]
    blocks.append(context(tn("plan.more", len(left), name=escape(left[0].skill_name))))
    return blocks
