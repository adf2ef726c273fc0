"""`/itss history`: a person's results over time, each as it was judged then (the level
pinned at completion, marked with its framework version), with its sign-off."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.blocks.common import Block, context, header, paginate, split_sections
from flows.explain import level_name
from flows.i18n import day, t, t_of, tn
from flows.review import Review
from flows.session import ResultRecord


def _confirmed(review: Review | None) -> str:
    if review is None:
        return t("history.confirmed_none")
    status = t_of("history.signoff", review.status)  # 承認待ち, 差し戻し, 承認, 修正
    if review.confirmed_level is None:
        return t("history.confirmed_pending", status=status)
    return t("history.confirmed", level=level_name(review.confirmed_level), status=status)


def history_messages(  # noqa: PLR0913 - what one history shows, by name
    user: str,
    records: Sequence[ResultRecord],
    *,
    reviews: Mapping[str, Review],
    campaigns: Mapping[str, str],
    specialties: Mapping[str, str],
    framework_version: str,
) -> list[list[Block]]:
    """Newest first: date, campaign, specialty, self level, confirmed level, framework."""
    lines = []
    for record in sorted(records, key=lambda r: r.completed_at, reverse=True):
        campaign = campaigns.get(record.campaign or "", "") or t("history.no_campaign")
        version = (
            t("history.version", version=record.framework_version)
            if record.framework_version == framework_version
            else t("history.version_then", version=record.framework_version)
        )
        lines.append(
            t(
                "history.line",
                date=day(record.completed_at.date()),
                campaign=campaign,
                specialty=specialties.get(record.specialty, record.specialty),
                level=level_name(record.verdict.level),
                confirmed=_confirmed(reviews.get(record.interview_id)),
                version=version,
            )
        )
    blocks: list[Block] = [header(tn("history.title", len(records)))]
    blocks.append(context(t("history.whose", user=user)))
    if not lines:
        lines = [t("history.empty")]
    blocks += split_sections([t("history.columns"), *lines])
    return paginate(blocks)
