"""`/itss skill` and `/itss level`: skill definitions found by a query, a level's indicators."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.blocks.common import Block, context, echo, header, paginate, section, split_sections
from framework_data.models import Framework

if TYPE_CHECKING:
    from framework_data.search import Hit


def lookup_blocks(query: str, hits: Sequence[Hit]) -> list[list[Block]]:
    if not hits:
        return [
            [
                section(
                    f"「{echo(query)}」に一致する定義は見つかりませんでした。例: `/itss skill バックアップ`、`/itss skill SO レベル4`"
                )
            ]
        ]
    blocks: list[Block] = [context(f"「{echo(query)}」の検索結果 {len(hits)} 件")]
    for hit in hits:
        blocks += split_sections([f"*{hit.title}*", hit.text])
    return paginate(blocks)


def level_blocks(framework: Framework, specialty: str, level: int) -> list[Block]:
    sp = framework.specialty(specialty)
    indicator = framework.indicator(specialty, level)
    if indicator is None:
        note = framework.job_category.undefined_levels_note
        return [section(f"{sp.name} のレベル {level} は定義されていません。{note}")]
    blocks: list[Block] = [header(f"{sp.name} レベル {level} 達成度指標")]
    for dim in indicator.dimensions:
        items = "\n".join(f"• {item}" for item in dim.items)
        blocks += split_sections(
            [f"*{dim.name}*", dim.lead or dim.text, *([items] if items else [])]
        )
    source = framework.source
    blocks.append(context(f"出典: {source.title}（{source.version}）\n{source.note}".strip()))
    return blocks
