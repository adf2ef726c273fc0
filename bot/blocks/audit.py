"""`/itss audit`: the latest events of the workspace's audit log, newest first."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from bot.blocks.common import Block, context, divider, echo, header, paginate, split_sections
from flows.audit import AuditAction, AuditEvent, detail_text
from flows.i18n import t, t_of, tn


class _ActionLabels(Mapping[AuditAction, str]):
    """Every action's name (名簿の変更, 承認, …), in the language of whoever reads it now."""

    def __getitem__(self, action: AuditAction) -> str:
        return t_of("audit.action", AuditAction(action).value)

    def __iter__(self) -> Iterator[AuditAction]:
        return iter(AuditAction)

    def __len__(self) -> int:
        return len(AuditAction)


ACTION_LABELS: Mapping[AuditAction, str] = _ActionLabels()
MAX_DETAIL_SHOWN = 300  # characters of the detail on one line


def when(event: AuditEvent) -> str:
    """The time in the reader's own timezone (Slack's date formatting), UTC as fallback."""
    utc = event.at.strftime("%Y-%m-%d %H:%M:%S")
    return f"<!date^{int(event.at.timestamp())}^{{date_num}} {{time_secs}}|{utc} UTC>"


def audit_line(event: AuditEvent) -> str:
    parts = [when(event), ACTION_LABELS[event.action], f"<@{event.actor}>"]
    if event.subject is not None and event.subject != event.actor:
        parts.append(t("audit.subject", user=event.subject))
    if event.campaign:
        parts.append(t("audit.campaign", campaign=echo(event.campaign)))
    if event.detail:
        parts.append(echo(detail_text(event.detail), MAX_DETAIL_SHOWN))
    return " | ".join(parts)


def audit_messages(events: Sequence[AuditEvent]) -> list[list[Block]]:
    """The events (newest first) in messages within Slack's block and text limits."""
    blocks: list[Block] = [
        header(tn("audit.title", len(events))),
        context(t("audit.newest_first")),
        divider(),
        *split_sections([audit_line(e) for e in events]),
    ]
    return paginate(blocks)
