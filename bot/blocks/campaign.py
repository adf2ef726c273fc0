"""Campaign messages: the invitation with its start button, a reminder, the manager's list
of who has not submitted, and the status by team. Pure: data in, Block Kit out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot import ids
from bot.blocks.common import Block, context, escape, section, split_sections
from flows.campaign import Campaign, GroupRow


def hidden_text(min_group: int) -> str:
    return f"非表示（{min_group} 人未満）"


WEEKDAYS = "月火水木金土日"
NO_MANAGER = "マネージャー未登録"


def due_text(due: date) -> str:
    return f"{due.year}年{due.month}月{due.day}日（{WEEKDAYS[due.weekday()]}）"


def _start_button(campaign: Campaign, specialty: str) -> Block:
    return {
        "type": "actions",
        "block_id": "campaign",
        "elements": [
            {
                "type": "button",
                "action_id": ids.CAMPAIGN_START,
                "style": "primary",
                "text": {"type": "plain_text", "text": "診断を始める"},
                "value": f"{campaign.id}|{specialty}",
            }
        ],
    }


def invite_message(
    campaign: Campaign, specialty: str, specialty_name: str
) -> tuple[str, list[Block]]:
    """The invitation: what, by when, and the start button (preset specialty, if any)."""
    name = escape(campaign.name)
    text = f"ITSS スキル診断「{name}」への参加のお願い（期限: {due_text(campaign.due)}）"
    lines = [
        f"*ITSS スキル診断「{name}」* が始まりました。",
        f"期限: *{due_text(campaign.due)}* までに、DM の質問に答えて自己評価を提出してください。",
    ]
    if specialty_name:
        lines.append(f"専門分野: {escape(specialty_name)}")
    blocks = [
        section("\n".join(lines)),
        _start_button(campaign, specialty),
        context(
            f"依頼者: <@{campaign.owner}>　提出すると、この診断のリマインダーは届かなくなります。"
        ),
    ]
    return text, blocks


def reminder_message(campaign: Campaign, number: int, total: int) -> tuple[str, list[Block]]:
    name = escape(campaign.name)
    text = f"リマインダー: ITSS スキル診断「{name}」の期限は {due_text(campaign.due)} です"
    blocks = [
        section(
            f":bell: ITSS スキル診断「{name}」をまだ提出していません。"
            f"期限は *{due_text(campaign.due)}* です。"
        ),
        _start_button(campaign, ""),
        context(f"リマインダー {number}/{total}。提出すると次のリマインダーは届きません。"),
    ]
    return text, blocks


def digest_message(campaign: Campaign, pending: Sequence[str]) -> tuple[str, list[Block]]:
    """To a manager the day before the due date: their reports who have not submitted."""
    name = escape(campaign.name)
    text = f"ITSS スキル診断「{name}」: 未提出 {len(pending)} 人（期限: {due_text(campaign.due)}）"
    mentions = [f"<@{u}>" for u in pending]
    who = ["、".join(mentions[i : i + 20]) for i in range(0, len(mentions), 20)]
    blocks = split_sections(
        [
            f"*ITSS スキル診断「{name}」* の期限（*{due_text(campaign.due)}*）が近づいています。",
            f"あなたの部下のうち、まだ提出していない人（{len(pending)} 人）:",
            *who,
        ]
    )
    return text, blocks


def _counts(row: GroupRow, min_group: int) -> str:
    if row.hidden:
        return hidden_text(min_group)
    c = row.counts
    # late submissions are among 完了 and 承認待ち alike (and 回答中, when returned)
    late = f"、期限後の提出 {row.late}" if row.late else ""
    return (
        f"完了 {c['done']} / 承認待ち {c['in_review']} / 回答中 {c['in_progress']} / "
        f"未着手 {c['not_started']}（{row.size} 人{late}）"
    )


def status_blocks(campaign: Campaign, rows: Sequence[GroupRow], min_group: int) -> list[Block]:
    """The campaign's status per team, then in total; hidden groups say so."""
    state = "受付中" if campaign.open else "終了"
    head = (
        f"*ITSS スキル診断「{escape(campaign.name)}」* — {state}、期限 {due_text(campaign.due)}、"
        f"依頼者 <@{campaign.owner}>"
    )
    lines = []
    for row in rows:
        if row.manager == "":
            continue
        team = NO_MANAGER if row.manager is None else f"<@{row.manager}> のチーム"
        lines.append(f"• {team}: {_counts(row, min_group)}")
    total = next(r for r in rows if r.manager == "")
    shown = lines[: 40 * 47]  # 40 lines a section (3,000 characters), 50 blocks a message
    if len(lines) > len(shown):
        shown[-1] = f"…ほか {len(lines) - len(shown) + 1} チーム"
    blocks = [section(head)]
    for start in range(0, len(shown), 40):
        blocks.append(section("\n".join(shown[start : start + 40])))
    blocks.append(section(f"*全体*: {_counts(total, min_group)}"))
    return blocks
