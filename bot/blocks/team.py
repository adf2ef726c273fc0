"""`/itss team`: a manager's direct reports, one row each, in messages within Slack's limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.blocks.common import Block, divider, header, paginate, section, split_sections
from flows.explain import level_name
from flows.i18n import day, t, t_of, tn


@dataclass(frozen=True)
class TeamRow:
    """One member as the summary and the CSV show them, in the reader's language (the
    status is `status_label`'s); the date is ISO (the CSV keeps it so)."""

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
    return level_name(int(level)) if level.isdigit() else t("team.no_level", level=level)


# completed: a result of the release before sign-off (self-assessed only)
STATUSES = ("confirmed", "pending", "returned", "completed", "in_progress", "not_started")
BASIC = ("in_progress", "not_started")  # always counted; the others only when someone has them


def status_label(status: str) -> str:
    """How a member's status (one of STATUSES) reads: 確定, 承認待ち, … 未着手."""
    return t_of("team.status", status)


def _confirmed(confirmed: str) -> str:
    return _level(confirmed) if confirmed.isdigit() else confirmed


def _day(iso: str) -> str:
    try:
        return day(date.fromisoformat(iso))
    except ValueError:  # "-": no result yet
        return iso


def team_messages(rows: Sequence[TeamRow]) -> list[list[Block]]:
    """The team summary split into messages within Slack's block and text limits."""
    labels = {s: status_label(s) for s in STATUSES}
    counts = {s: sum(1 for r in rows if r.status == labels[s]) for s in STATUSES}
    summary = t("admin.separator").join(
        t("team.status_count", status=labels[s], count=v)
        for s, v in counts.items()
        if v or s in BASIC
    )
    lines = [
        t(
            "team.line",
            user=r.user,
            specialty=r.specialty,
            level=_level(r.level),
            date=_day(r.date),
            status=r.status,
            missing=r.missing,
            confirmed=_confirmed(r.confirmed),
            trend=r.trend or "-",
        )
        for r in rows
    ]
    blocks: list[Block] = [
        header(tn("team.title", len(rows))),
        section(summary),
        divider(),
    ]
    blocks += split_sections([t("team.columns"), *lines])
    return paginate(blocks)
