"""Campaign messages: the invitation with its start button, a reminder, the manager's list
of who has not submitted, and the status by team. Pure: data in, Block Kit out, in the
reader's language (flows.i18n)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from babel.dates import format_date

from bot import ids
from bot.blocks.common import (
    MAX_SECTION_TEXT,
    Block,
    context,
    escape,
    section,
    split_sections,
)
from flows.campaign import Campaign, GroupRow
from flows.i18n import current, t, t_of


def hidden_text(min_group: int) -> str:
    return t("campaign.hidden", n=min_group)


def due_text(due: date) -> str:
    """The due date with its weekday: 2027年3月25日（木）, or Thu, Mar 25, 2027. The
    catalog holds the pattern (CLDR), so each language writes a date its own way."""
    return format_date(due, t("campaign.due_pattern"), locale=current())


def _start_button(campaign: Campaign, specialty: str) -> Block:
    return {
        "type": "actions",
        "block_id": "campaign",
        "elements": [
            {
                "type": "button",
                "action_id": ids.CAMPAIGN_START,
                "style": "primary",
                "text": {"type": "plain_text", "text": t("campaign.start_button")},
                "value": f"{campaign.id}|{specialty}",
            }
        ],
    }


def invite_message(
    campaign: Campaign, specialty: str, specialty_name: str
) -> tuple[str, list[Block]]:
    """The invitation: what, by when, and the start button (preset specialty, if any)."""
    name, due = escape(campaign.name), due_text(campaign.due)
    text = t("campaign.invite_text", name=name, due=due)
    lines = [t("campaign.invite_started", name=name), t("campaign.invite_due", due=due)]
    if specialty_name:
        lines.append(t("campaign.invite_specialty", name=escape(specialty_name)))
    blocks = [
        section("\n".join(lines)),
        _start_button(campaign, specialty),
        context(t("campaign.invite_footer", owner=campaign.owner)),
    ]
    return text, blocks


def reminder_message(campaign: Campaign, number: int, total: int) -> tuple[str, list[Block]]:
    name, due = escape(campaign.name), due_text(campaign.due)
    text = t("campaign.reminder_text", name=name, due=due)
    blocks = [
        section(t("campaign.reminder", name=name, due=due)),
        _start_button(campaign, ""),
        context(t("campaign.reminder_footer", number=number, total=total)),
    ]
    return text, blocks


def digest_message(campaign: Campaign, pending: Sequence[str]) -> tuple[str, list[Block]]:
    """To a manager the day before the due date: their reports who have not submitted."""
    name, due = escape(campaign.name), due_text(campaign.due)
    text = t("campaign.digest_text", name=name, n=len(pending), due=due)
    mentions = [f"<@{u}>" for u in pending]
    separator = t("campaign.list_separator")
    who = [separator.join(mentions[i : i + 20]) for i in range(0, len(mentions), 20)]
    blocks = split_sections(
        [
            t("campaign.digest_due", name=name, due=due),
            t("campaign.digest_pending", n=len(pending)),
            *who,
        ]
    )
    return text, blocks


def _counts(row: GroupRow, min_group: int) -> str:
    if row.hidden:
        return hidden_text(min_group)
    c = row.counts
    # late submissions are among the done and in review alike (and in progress, when returned)
    late = t("campaign.counts_late", n=row.late) if row.late else ""
    return t(
        "campaign.counts",
        done=c["done"],
        in_review=c["in_review"],
        in_progress=c["in_progress"],
        not_started=c["not_started"],
        size=row.size,
        late=late,
    )


def status_blocks(campaign: Campaign, rows: Sequence[GroupRow], min_group: int) -> list[Block]:
    """The campaign's status per team, then in total; hidden groups say so."""
    head = t(
        "campaign.status_head",
        name=escape(campaign.name),
        state=t_of("campaign.state", campaign.status),
        due=due_text(campaign.due),
        owner=campaign.owner,
    )
    lines = []
    for row in rows:
        if row.manager == "":
            continue
        team = (
            t("campaign.no_manager")
            if row.manager is None
            else t("campaign.team_of", manager=row.manager)
        )
        lines.append(f"• {team}: {_counts(row, min_group)}")
    total = next(r for r in rows if r.manager == "")
    chunks = _chunks(lines)
    if len(chunks) > TEAM_SECTIONS:  # the last line shown says how many teams are left out
        kept = sum(len(c) for c in chunks[:TEAM_SECTIONS]) - 1
        more = t("campaign.more_teams", n=len(lines) - kept)
        chunks = _chunks([*lines[:kept], more])  # a shorter last line: no more sections
    return [
        section(head),
        *(section("\n".join(chunk)) for chunk in chunks),
        section(t("campaign.total", counts=_counts(total, min_group))),
    ]


TEAM_SECTIONS = 47  # of a message's 50 blocks: the head and the total are the others


def _chunks(lines: list[str]) -> list[list[str]]:
    """The team lines, 40 a section and fewer when they are long (English lines are):
    within Slack's 3,000 characters."""
    chunks: list[list[str]] = []
    size = 0
    for line in lines:
        if not chunks or len(chunks[-1]) == 40 or size + len(line) + 1 > MAX_SECTION_TEXT:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += len(line) + 1
    return chunks
