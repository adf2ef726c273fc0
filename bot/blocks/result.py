"""A person's ITSS result: the level, the next level's indicators, what is missing, the answers."""

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
from flows.facts import show_value
from flows.plan import development_plan
from flows.results import rejudged, result_of
from flows.rules import Status
from flows.session import ResultRecord
from flows.text import clean
from framework_data.models import Framework

MARK = {Status.MET: ":white_check_mark:", Status.UNMET: ":x:", Status.UNKNOWN: ":grey_question:"}


def completed_date(record: ResultRecord) -> str:
    return record.completed_at.strftime("%Y-%m-%d")


def result_blocks(
    record: ResultRecord, framework: Framework, *, for_manager: bool = False
) -> list[Block]:
    result = result_of(record, framework)
    who = f"<@{record.user}> さんの" if for_manager else "あなたの"
    blocks: list[Block] = [
        header(f"ITSS 判定結果: {result.specialty_name} レベル {result.level}"),
        section(f"{who}判定は *レベル {result.level}* です（{completed_date(record)}）。"),
    ]
    if rejudged(record, result):
        blocks.append(
            context(
                f"完了時の判定はレベル {record.verdict.level} でした。判定規則の更新により、"
                f"同じ回答が現在はレベル {result.level} と判定されます。"
            )
        )
    if not result.decided:
        blocks.append(
            context(
                f"未回答の項目次第でレベル {result.max_possible_level} まで上がる可能性があります。"
            )
        )
    if result.next_level is not None:
        verdict = result.level_verdict(result.next_level)
        if verdict is not None:
            lines = [f"*次のレベル {result.next_level} の達成度指標*"]
            lines += [f"{MARK[d.status]} *{d.name}*: {d.text}" for d in verdict.dimensions]
            blocks += split_sections(lines)
        if result.missing:
            lines = [f"*レベル {result.next_level} に向けて不足している根拠*"]
            lines += [
                f"• [{m.dimension_name}] {m.rule}（回答: {escape(m.answer)}）"
                for m in result.missing
            ]
            blocks += split_sections(lines)
    else:
        blocks.append(section("最高レベルに到達しています。"))
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
    return blocks[:50]
