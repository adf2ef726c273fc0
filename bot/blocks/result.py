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
from flows.explain import level_name, not_asked_heading, top_level
from flows.facts import show_value
from flows.i18n import day, t
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
    return day(record.completed_at)


def _reasons(result: Result, level: int) -> list[str]:
    return [f"{MARK[r.status]} *{r.name}*: {escape(r.reason)}" for r in result.reasons_for(level)]


def _missing_line(m: MissingEvidence, next_level: int | None, *, answer: bool) -> str:
    names = t("result.name_separator").join(m.names)
    where = (
        names
        if m.level == next_level
        else t("result.missing_other_level", level=m.level, names=names)
    )
    line = f"{MARK[m.status]} [{where}] {m.rule_text}"
    return t("result.missing_with_answer", line=line, answer=escape(m.answer)) if answer else line


def explanation_blocks(result: Result) -> list[Block]:
    """The achieved level's and the next level's dimensions, each with why; what is missing."""
    blocks: list[Block] = []
    achieved = _reasons(result, result.level)
    if achieved:
        blocks += split_sections([t("result.reasons_heading", level=result.level), *achieved])
    if result.next_level is None:
        blocks.append(section(top_level()))
        return blocks
    verdict = result.level_verdict(result.next_level)
    if verdict is not None:
        lines = [t("result.next_indicators", level=result.next_level)]
        lines += [f"{MARK[d.status]} *{d.name}*: {d.text}" for d in verdict.dimensions]
        blocks += split_sections(lines)
        reasons = _reasons(result, result.next_level)
        if reasons:
            heading = t("result.reasons_heading", level=result.next_level)
            blocks += split_sections([heading, *reasons])
    shown = result.missing_with(Status.UNMET, Status.UNKNOWN)
    if shown:
        lines = [t("result.missing_heading", level=result.next_level)]
        lines += [_missing_line(m, result.next_level, answer=True) for m in shown]
        blocks += split_sections(lines)
    unasked = result.missing_with(Status.NOT_ASKED)
    if unasked:
        lines = [f"*{not_asked_heading()}*"]
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
    level, date = result.level_name, completed_date(record)
    if for_manager:
        verdict = t("result.verdict_of", user=record.user, level=level, date=date)
    else:
        verdict = t("result.verdict_yours", level=level, date=date)
    blocks: list[Block] = [
        header(t("result.header", specialty=result.specialty_name, level=level)),
        section(verdict),
    ]
    if rejudged(record, result):
        blocks.append(
            context(t("result.rejudged", was=level_name(record.verdict.level), now=level))
        )
    if not result.decided:
        blocks.append(context(t("result.could_reach", level=result.max_possible_level)))
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
        blocks += split_sections([t("result.answers_heading"), *answers])
    if record.notes:
        names = dimension_names(framework)
        notes = [f"• {names.get(k, k)}: {escape(clean(v))}" for k, v in record.notes.items()]
        blocks += split_sections([t("result.notes_heading"), *notes])
    blocks += plan_blocks(development_plan(framework, result), room=MAX_BLOCKS - len(blocks) - 1)
    blocks.append(context(t("result.source", source=result.framework_source)))
    if decision is None:
        return blocks[:MAX_BLOCKS]
    return [*blocks[: MAX_BLOCKS - 1], decision]
