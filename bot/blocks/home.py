"""App Home as a dashboard (issue 13), by pure functions of what `bot.home` reads.

For everyone: the interview in progress (resume) or a start button, the latest results with
the confirmed level and the development plan's first items, the open campaigns covering them.
For managers: their team's status counts, the sign-offs waiting for them (with the buttons of
the result message) and the team summary with its picture. For admins: the open campaigns
with how many submitted, and the roster's counts. A Home tab takes 100 blocks: what does not
fit is paged (◀ ▶), never cut.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from bot import ids
from bot.blocks.common import (
    Block,
    actions,
    button,
    context,
    divider,
    escape,
    header,
    section,
    split_sections,
)
from bot.blocks.help import help_blocks
from bot.blocks.status import status_blocks
from flows.explain import level_name
from flows.session import InterviewSession, ResultRecord
from framework_data.models import Framework

MAX_HOME_BLOCKS = 100
PAGE_BLOCKS = 90  # room for the page's navigation and its last divider


@dataclass(frozen=True)
class ResultLine:
    """One latest result: its record, the confirmed level (None: not decided) and the
    development plan's first items, as lines."""

    record: ResultRecord
    status: str  # 承認待ち / 確定 / 修正 / 差し戻し / 自己評価のみ
    confirmed: int | None
    plan: Sequence[str] = ()


@dataclass(frozen=True)
class CampaignLine:
    campaign_id: str
    name: str
    due: date
    submitted: bool
    preset: str = ""  # the roster's specialty for the start button


@dataclass(frozen=True)
class Pending:
    """A report's submission waiting for the manager's sign-off."""

    user: str
    interview: str
    specialty: str
    level: int
    submitted_at: datetime


@dataclass(frozen=True)
class AdminLine:
    name: str
    due: date
    submitted: int
    members: int


@dataclass(frozen=True)
class Dashboard:
    session: InterviewSession | None
    results: Sequence[ResultLine] = ()
    campaigns: Sequence[CampaignLine] = ()
    team: Mapping[str, int] | None = None  # managers: status → people
    pending: Sequence[Pending] = ()
    admin_campaigns: Sequence[AdminLine] | None = None  # admins only
    roster: Mapping[str, int] = field(default_factory=dict)  # admins: what → how many
    may_start_campaign: bool = False


def _mine(d: Dashboard, framework: Framework) -> list[Block]:
    blocks = status_blocks(d.session, [], framework)
    if d.session is not None and d.session.in_progress:
        ref = ids.Ref(d.session.id, d.session.step).encode()
        blocks.append(actions(button("続きから再開", ids.RESUME, ref, "primary")))
    else:
        blocks.append(actions(button("診断を始める", ids.START, "start", "primary")))
    for line in d.results:
        r = line.record
        confirmed = "" if line.confirmed is None else f"、確定 *{level_name(line.confirmed)}*"
        text = (
            f"*{escape(framework.specialty(r.specialty).name)}*: 自己評価 "
            f"*{level_name(r.verdict.level)}*{confirmed}（{line.status}、"
            f"{r.completed_at:%Y-%m-%d}）"
        )
        blocks += split_sections([text, *(f"• {escape(p)}" for p in line.plan)])
    for c in d.campaigns:
        state = "提出済み" if c.submitted else "未提出"
        blocks.append(
            section(f"*キャンペーン「{escape(c.name)}」*: 期限 {c.due:%Y-%m-%d}（{state}）")
        )
        if not c.submitted and (d.session is None or not d.session.in_progress):
            value = f"{c.campaign_id}|{c.preset}"
            blocks.append(actions(button("診断を始める", ids.CAMPAIGN_START, value, "primary")))
    return blocks


def _manager(d: Dashboard, framework: Framework) -> list[Block]:
    if d.team is None:
        return []
    counts = " / ".join(f"{k} {n}" for k, n in d.team.items())
    blocks = [divider(), header("チーム"), section(f"部下 {sum(d.team.values())} 人: {counts}")]
    blocks.append(actions(button("チームの状況と図を DM で見る", ids.TEAM, "team")))
    if d.pending:
        blocks.append(section(f"*承認待ち（{len(d.pending)} 件）*"))
    for p in d.pending:
        value = ids.ReviewRef(p.user, p.interview).encode()
        blocks.append(
            section(
                f"<@{p.user}>: {escape(framework.specialty(p.specialty).name)} "
                f"{level_name(p.level)}（{p.submitted_at:%Y-%m-%d} 提出）"
            )
        )
        blocks.append(
            actions(
                button("承認", ids.REVIEW_APPROVE, value, "primary"),
                button("差し戻し", ids.REVIEW_RETURN, value),
                button("修正", ids.REVIEW_MODIFY, value, "danger"),
                block_id=f"review:{p.user}",
            )
        )
    return blocks


def _admin(d: Dashboard) -> list[Block]:
    if d.admin_campaigns is None:
        return []
    lines = ["*受付中のキャンペーン*"] + [
        f"• 「{escape(c.name)}」 期限 {c.due:%Y-%m-%d}: 提出 {c.submitted} / {c.members} 人"
        for c in d.admin_campaigns
    ]
    if not d.admin_campaigns:
        lines.append("なし")
    roster = " / ".join(f"{k} {n}" for k, n in d.roster.items())
    return [divider(), header("管理者"), *split_sections(lines), section(f"*名簿*: {roster}")]


def home_blocks(d: Dashboard, framework: Framework) -> list[Block]:
    """Every block of the dashboard, unpaged."""
    blocks = _mine(d, framework) + _manager(d, framework) + _admin(d)
    if d.may_start_campaign:
        blocks += [
            divider(),
            section("診断キャンペーン: 期限を決めて、部下や全員に自己評価を依頼できます。"),
            actions(button("キャンペーンを開始", ids.CAMPAIGN_OPEN, "open")),
        ]
    return [*blocks, divider(), *help_blocks()]


def home_view(d: Dashboard, framework: Framework, page: int = 0) -> dict[str, object]:
    """Page `page` of the dashboard (0 first): at most 100 blocks, with ◀ ▶ when paged."""
    blocks = home_blocks(d, framework)
    if len(blocks) <= MAX_HOME_BLOCKS:
        return {"type": "home", "blocks": blocks}
    pages = [blocks[i : i + PAGE_BLOCKS] for i in range(0, len(blocks), PAGE_BLOCKS)]
    page = max(0, min(page, len(pages) - 1))
    nav = []
    if page > 0:
        nav.append(button("◀ 前のページ", f"{ids.HOME_PAGE}:prev", str(page - 1)))
    if page < len(pages) - 1:
        nav.append(button("次のページ ▶", f"{ids.HOME_PAGE}:next", str(page + 1)))
    shown = [
        *pages[page],
        divider(),
        context(f"{page + 1} / {len(pages)} ページ"),
        actions(*nav, block_id="home_page"),
    ]
    return {"type": "home", "blocks": shown}
