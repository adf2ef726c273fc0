"""`/itss audit`: the latest events of the workspace's audit log, newest first."""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.common import Block, context, divider, echo, header, paginate, split_sections
from flows.audit import AuditAction, AuditEvent, detail_text

ACTION_LABELS: dict[AuditAction, str] = {
    AuditAction.ROSTER_CHANGED: "名簿の変更",
    AuditAction.DATA_ERASED: "データの削除",
    AuditAction.TEAM_SUMMARY: "チーム状況の表示",
    AuditAction.TEAM_CSV: "チーム状況の CSV",
    AuditAction.RESULT_SUBMITTED: "診断結果の提出",
    AuditAction.RESULT_APPROVED: "承認",
    AuditAction.RESULT_RETURNED: "差し戻し",
    AuditAction.RESULT_MODIFIED: "修正",
    AuditAction.ADMIN_ACTED_FOR: "管理者による代理",
    AuditAction.CAMPAIGN_STARTED: "キャンペーン開始",
    AuditAction.CAMPAIGN_CLOSED: "キャンペーン終了",
    AuditAction.AUDIT_VIEWED: "監査ログの表示",
    AuditAction.AUDIT_CSV: "監査ログの CSV",
    AuditAction.HISTORY_VIEWED: "履歴の表示",
}
MAX_DETAIL_SHOWN = 300  # characters of the detail on one line


def when(event: AuditEvent) -> str:
    """The time in the reader's own timezone (Slack's date formatting), UTC as fallback."""
    utc = event.at.strftime("%Y-%m-%d %H:%M:%S")
    return f"<!date^{int(event.at.timestamp())}^{{date_num}} {{time_secs}}|{utc} UTC>"


def audit_line(event: AuditEvent) -> str:
    parts = [when(event), ACTION_LABELS[event.action], f"<@{event.actor}>"]
    if event.subject is not None and event.subject != event.actor:
        parts.append(f"対象 <@{event.subject}>")
    if event.campaign:
        parts.append(f"キャンペーン「{echo(event.campaign)}」")
    if event.detail:
        parts.append(echo(detail_text(event.detail), MAX_DETAIL_SHOWN))
    return " | ".join(parts)


def audit_messages(events: Sequence[AuditEvent]) -> list[list[Block]]:
    """The events (newest first) in messages within Slack's block and text limits."""
    blocks: list[Block] = [
        header(f"監査ログ（最新 {len(events)} 件）"),
        context(
            "新しい順。保存期間内のすべての記録は `/itss audit csv` で CSV として受け取れます。"
        ),
        divider(),
        *split_sections([audit_line(e) for e in events]),
    ]
    return paginate(blocks)
