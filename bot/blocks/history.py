"""`/itss history`: a person's results over time, each as it was judged then (the level
pinned at completion, marked with its framework version), with its sign-off."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.blocks.common import Block, context, header, paginate, split_sections
from flows.explain import level_name
from flows.review import Review
from flows.session import ResultRecord

SIGN_OFF = {"pending": "承認待ち", "returned": "差し戻し", "approved": "承認", "modified": "修正"}


def _confirmed(review: Review | None) -> str:
    if review is None:
        return "確定 -（自己評価のみ）"
    if review.confirmed_level is None:
        return f"確定 -（{SIGN_OFF[review.status]}）"
    return f"確定 {level_name(review.confirmed_level)}（{SIGN_OFF[review.status]}）"


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
        campaign = campaigns.get(record.campaign or "", "") or "キャンペーン外"
        version = f"判定基準 v{record.framework_version}"
        if record.framework_version != framework_version:
            version += "（当時の基準のまま）"
        lines.append(
            f"{record.completed_at.strftime('%Y-%m-%d')} | {campaign} | "
            f"{specialties.get(record.specialty, record.specialty)} | "
            f"自己評価 {level_name(record.verdict.level)} | "
            f"{_confirmed(reviews.get(record.interview_id))} | {version}"
        )
    blocks: list[Block] = [header(f"ITSS 診断の履歴（{len(records)} 件）")]
    blocks.append(context(f"<@{user}> さんの結果。各結果は提出時の判定のまま表示します。"))
    if not lines:
        lines = ["まだ結果はありません。`/itss start` で診断を始められます。"]
    blocks += split_sections(
        ["日付 | キャンペーン | 専門分野 | 自己評価 | 確定レベル | 判定基準", *lines]
    )
    return paginate(blocks)
