"""`/itss status` (and the top of App Home): the interview in progress and the latest results."""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.common import Block, header, section, split_sections
from bot.blocks.result import completed_date
from flows.explain import level_name
from flows.session import InterviewSession, ResultRecord
from framework_data.models import Framework


def status_blocks(
    session: InterviewSession | None, latest: Sequence[ResultRecord], framework: Framework
) -> list[Block]:
    blocks: list[Block] = [header("あなたの ITSS 診断")]
    if session is not None and session.in_progress:
        name = (
            framework.specialty(session.specialty).name if session.specialty else "専門分野未選択"
        )
        blocks.append(
            section(
                f"回答中: *{name}*（{len(session.answers)} 件回答済み、最終更新 "
                f"{session.updated_at.strftime('%Y-%m-%d %H:%M')} UTC）"
            )
        )
    else:
        blocks.append(section("進行中のインタビューはありません。`/itss start` で始められます。"))
    if latest:
        lines = ["*最新の結果*"] + [
            f"• {framework.specialty(r.specialty).name}: {level_name(r.verdict.level)}"
            f"（{completed_date(r)}、不足 {r.verdict.missing} 項目）"
            for r in latest
        ]
        blocks += split_sections(lines)
    return blocks
