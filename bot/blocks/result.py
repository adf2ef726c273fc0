"""A person's ITSS result: the level, why (the achieved and the next level, dimension by
dimension), what is missing, the answers."""

from __future__ import annotations

from bot.blocks.common import (
    MAX_BLOCKS,
    Block,
    context,
    dimension_names,
    escape,
    header,
    section,
    split_sections,
)
from bot.blocks.plan import plan_blocks
from flows.explain import NOT_ASKED_HEADING, TOP_LEVEL, level_name
from flows.facts import show_value
from flows.inference import MissingEvidence, Result
from flows.plan import development_plan
from flows.results import rejudged, result_of
from flows.rules import Status
from flows.session import ResultRecord
from flows.text import clean
from framework_data.models import Framework

MARK = {
    Status.MET: ":white_check_mark:",
    Status.UNMET: ":x:",
    Status.UNKNOWN: ":grey_question:",
    Status.NOT_ASKED: ":heavy_minus_sign:",
}


def completed_date(record: ResultRecord) -> str:
    return record.completed_at.strftime("%Y-%m-%d")


def _reasons(result: Result, level: int) -> list[str]:
    return [f"{MARK[r.status]} *{r.name}*: {escape(r.reason)}" for r in result.reasons_for(level)]


def _missing_line(m: MissingEvidence, next_level: int | None, *, answer: bool) -> str:
    names = "・".join(m.names)
    where = names if m.level == next_level else f"レベル {m.level} {names}"
    shown = f"（回答: {escape(m.answer)}）" if answer else ""
    return f"{MARK[m.status]} [{where}] {m.rule_text}{shown}"


def explanation_blocks(result: Result) -> list[Block]:
    """The achieved level's and the next level's dimensions, each with why; what is missing."""
    blocks: list[Block] = []
    achieved = _reasons(result, result.level)
    if achieved:
        blocks += split_sections([f"*レベル {result.level} の判定理由*", *achieved])
    if result.next_level is None:
        blocks.append(section(TOP_LEVEL))
        return blocks
    verdict = result.level_verdict(result.next_level)
    if verdict is not None:
        lines = [f"*次のレベル {result.next_level} の達成度指標*"]
        lines += [f"{MARK[d.status]} *{d.name}*: {d.text}" for d in verdict.dimensions]
        blocks += split_sections(lines)
        reasons = _reasons(result, result.next_level)
        if reasons:
            blocks += split_sections([f"*レベル {result.next_level} の判定理由*", *reasons])
    shown = result.missing_with(Status.UNMET, Status.UNKNOWN)
    if shown:
        lines = [f"*レベル {result.next_level} に向けて不足している根拠*"]
        lines += [_missing_line(m, result.next_level, answer=True) for m in shown]
        blocks += split_sections(lines)
    unasked = result.missing_with(Status.NOT_ASKED)
    if unasked:
        lines = [f"*{NOT_ASKED_HEADING}*"]
        lines += [_missing_line(m, result.next_level, answer=False) for m in unasked]
        blocks += split_sections(lines)
    return blocks


def result_blocks(
    record: ResultRecord,
    framework: Framework,
    *,
    for_manager: bool = False,
    decision: Block | None = None,
) -> list[Block]:
    """The result; `decision` (the sign-off buttons, or what was decided) goes last and is
    never cut by Slack's block limit."""
    result = result_of(record, framework)
    who = f"<@{record.user}> さんの" if for_manager else "あなたの"
    blocks: list[Block] = [
        header(f"ITSS 判定結果: {result.specialty_name} {result.level_name}"),
        section(f"{who}判定は *{result.level_name}* です（{completed_date(record)}）。"),
    ]
    if rejudged(record, result):
        blocks.append(
            context(
                f"完了時の判定は{level_name(record.verdict.level)}でした。判定規則の更新により、"
                f"同じ回答が現在は{result.level_name}と判定されます。"
            )
        )
    if not result.decided:
        blocks.append(
            context(
                f"未回答の項目次第でレベル {result.max_possible_level} まで上がる可能性があります。"
            )
        )
    blocks += explanation_blocks(result)
    answers = []
    for fact_id, value in record.answers.items():
        try:
            fact = framework.fact(fact_id)
        except KeyError:
            continue
        stored = frozenset(value) if isinstance(value, list) else value
        answers.append(f"• {fact.label}: {escape(show_value(fact, record.specialty, stored))}")
    if answers:
        blocks += split_sections(["*回答*", *answers])
    if record.notes:
        names = dimension_names(framework)
        notes = [f"• {names.get(k, k)}: {escape(clean(v))}" for k, v in record.notes.items()]
        blocks += split_sections(["*根拠メモ*", *notes])
    blocks += plan_blocks(development_plan(framework, result), room=MAX_BLOCKS - len(blocks) - 1)
    blocks.append(context(f"判定基準: {result.framework_source}"))
    if decision is None:
        return blocks[:MAX_BLOCKS]
    return [*blocks[: MAX_BLOCKS - 1], decision]
