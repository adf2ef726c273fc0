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
from bot.blocks.review import decision_buttons
from bot.blocks.status import status_blocks
from flows.explain import level_name
from flows.i18n import day, t
from flows.session import InterviewSession, ResultRecord
from framework_data.models import Framework

MAX_HOME_BLOCKS = 100
PAGE_BLOCKS = 90  # room for the page's navigation and its last divider


@dataclass(frozen=True)
class ResultLine:
    """One latest result: its record, the confirmed level (None: not decided) and the
    development plan's first items, as lines."""

    record: ResultRecord
    status: str  # as shown, in the reader's language: 承認待ち / 確定 / … / 自己評価のみ
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
    team: Mapping[str, int] | None = None  # managers: status as shown → people
    pending: Sequence[Pending] = ()
    admin_campaigns: Sequence[AdminLine] | None = None  # admins only
    roster: Mapping[str, int] = field(default_factory=dict)  # admins: what (shown) → how many
    may_start_campaign: bool = False


def _mine(d: Dashboard, framework: Framework) -> list[Block]:
    blocks = status_blocks(d.session, [], framework)
    if d.session is not None and d.session.in_progress:
        ref = ids.Ref(d.session.id, d.session.step).encode()
        blocks.append(actions(button(t("home.resume_button"), ids.RESUME, ref, "primary")))
    else:
        blocks.append(actions(button(t("home.start_button"), ids.START, "start", "primary")))
    for line in d.results:
        blocks += split_sections([_result(line, framework), *(f"• {escape(p)}" for p in line.plan)])
    for c in d.campaigns:
        state = t("home.submitted") if c.submitted else t("home.not_submitted")
        blocks.append(section(t("home.campaign", name=escape(c.name), due=day(c.due), state=state)))
        if not c.submitted and (d.session is None or not d.session.in_progress):
            value = f"{c.campaign_id}|{c.preset}"
            start = button(t("home.start_button"), ids.CAMPAIGN_START, value, "primary")
            blocks.append(actions(start))
    return blocks


def _result(line: ResultLine, framework: Framework) -> str:
    r = line.record
    shown = {
        "specialty": escape(framework.specialty(r.specialty).name),
        "level": level_name(r.verdict.level),
        "status": line.status,
        "date": day(r.completed_at),
    }
    if line.confirmed is None:
        return t("home.result", **shown)
    return t("home.result_confirmed", confirmed=level_name(line.confirmed), **shown)


def _manager(d: Dashboard, framework: Framework) -> list[Block]:
    if d.team is None:
        return []
    counts = " / ".join(f"{k} {n}" for k, n in d.team.items())
    blocks = [
        divider(),
        header(t("home.team_header")),
        section(t("home.team_counts", n=sum(d.team.values()), counts=counts)),
    ]
    blocks.append(actions(button(t("home.team_button"), ids.TEAM, "team")))
    if d.pending:
        blocks.append(section(t("home.pending_title", n=len(d.pending))))
    for p in d.pending:
        value = ids.ReviewRef(p.user, p.interview).encode()
        blocks.append(
            section(
                t(
                    "home.pending_line",
                    user=p.user,
                    specialty=escape(framework.specialty(p.specialty).name),
                    level=level_name(p.level),
                    date=day(p.submitted_at),
                )
            )
        )
        blocks.append(actions(*decision_buttons(value), block_id=f"review:{p.user}"))
    return blocks


def _admin(d: Dashboard) -> list[Block]:
    if d.admin_campaigns is None:
        return []
    lines = [t("home.open_campaigns")] + [
        t(
            "home.admin_campaign",
            name=escape(c.name),
            due=day(c.due),
            submitted=c.submitted,
            members=c.members,
        )
        for c in d.admin_campaigns
    ]
    if not d.admin_campaigns:
        lines.append(t("home.none"))
    roster = " / ".join(f"{k} {n}" for k, n in d.roster.items())
    return [
        divider(),
        header(t("home.admin_header")),
        *split_sections(lines),
        section(t("home.roster", counts=roster)),
    ]


def home_blocks(d: Dashboard, framework: Framework) -> list[Block]:
    """Every block of the dashboard, unpaged."""
    blocks = _mine(d, framework) + _manager(d, framework) + _admin(d)
    if d.may_start_campaign:
        blocks += [
            divider(),
            section(t("home.campaign_intro")),
            actions(button(t("home.campaign_button"), ids.CAMPAIGN_OPEN, "open")),
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
        nav.append(button(t("home.previous_page"), f"{ids.HOME_PAGE}:prev", str(page - 1)))
    if page < len(pages) - 1:
        nav.append(button(t("home.next_page"), f"{ids.HOME_PAGE}:next", str(page + 1)))
    shown = [
        *pages[page],
        divider(),
        context(t("home.page", page=page + 1, pages=len(pages))),
        actions(*nav, block_id="home_page"),
    ]
    return {"type": "home", "blocks": shown}
