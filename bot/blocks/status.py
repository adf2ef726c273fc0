"""`/itss status` (and the top of App Home): the interview in progress and the latest results."""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.common import Block, header, section, split_sections
from bot.blocks.result import completed_date
from flows.explain import level_name
from flows.i18n import moment, t, tn
from flows.session import InterviewSession, ResultRecord
from framework_data.models import Framework


def status_blocks(
    session: InterviewSession | None, latest: Sequence[ResultRecord], framework: Framework
) -> list[Block]:
    blocks: list[Block] = [header(t("status.header"))]
    if session is not None and session.in_progress:
        if session.specialty:
            name = framework.specialty(session.specialty).name
        else:
            name = t("status.no_specialty")
        updated = moment(session.updated_at)
        blocks.append(
            section(tn("status.in_progress", len(session.answers), name=name, updated=updated))
        )
    else:
        blocks.append(section(t("status.none")))
    if latest:
        lines = [t("status.latest_heading")] + [
            tn(
                "status.latest_line",
                r.verdict.missing,
                specialty=framework.specialty(r.specialty).name,
                level=level_name(r.verdict.level),
                date=completed_date(r),
            )
            for r in latest
        ]
        blocks += split_sections(lines)
    return blocks
