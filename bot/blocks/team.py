"""`/itss team`: a manager's direct reports, one row each, in messages within Slack's limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.blocks.common import Block, divider, header, paginate, section, split_sections
from flows.explain import level_name


@dataclass(frozen=True)
class TeamRow:
    user: str
    specialty: str
    level: str
    date: str
    status: str
    missing: str
    confirmed: str = "-"  # the confirmed level, or 未承認 / 差し戻し中 / 自己評価のみ
    trend: str = ""  # ↑ ↓ → against the previous campaign's level of record
    campaign: str = ""  # the name of the campaign the result was submitted in


def _level(level: str) -> str:
    """「レベル 3」; 「レベル 1 に未到達」 for 0; 「レベル -」 when there is no result."""
    return level_name(int(level)) if level.isdigit() else f"レベル {level}"


# 完了: a result of the release before sign-off (self-assessed only)
STATUSES = ("確定", "承認待ち", "差し戻し", "完了", "回答中", "未着手")
BASIC = ("回答中", "未着手")  # always counted; the others only when someone has them


def _confirmed(confirmed: str) -> str:
    return _level(confirmed) if confirmed.isdigit() else confirmed


def team_messages(rows: Sequence[TeamRow]) -> list[list[Block]]:
    """The team summary split into messages within Slack's block and text limits."""
    counts = {s: sum(1 for r in rows if r.status == s) for s in STATUSES}
    summary = "、".join(f"{k} {v} 人" for k, v in counts.items() if v or k in BASIC)
    lines = [
        f"<@{r.user}> | {r.specialty} | {_level(r.level)} | {r.date} | {r.status} | 不足 {r.missing}"
        f" | 確定 {_confirmed(r.confirmed)} | 前回比 {r.trend or '-'}"
        for r in rows
    ]
    blocks: list[Block] = [
        header(f"チームの診断状況（{len(rows)} 人）"),
        section(summary),
        divider(),
    ]
    blocks += split_sections(
        [
            "メンバー | 専門分野 | レベル | 日付 | 状況 | 次レベルまでの不足 | 確定レベル | 前回比",
            *lines,
        ]
    )
    return paginate(blocks)
