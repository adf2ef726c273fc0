"""App Home: status, start or resume, the team entry point for managers, help."""

from __future__ import annotations

from collections.abc import Sequence

from bot import ids
from bot.blocks.common import actions, button, divider, section
from bot.blocks.help import help_blocks
from bot.blocks.status import status_blocks
from flows.session import InterviewSession, ResultRecord
from framework_data.models import Framework


def home_view(
    session: InterviewSession | None,
    latest: Sequence[ResultRecord],
    framework: Framework,
    *,
    is_manager: bool,
    may_start_campaign: bool = False,
) -> dict[str, object]:
    """`may_start_campaign`: an admin, or a manager with reports on the roster."""
    blocks = status_blocks(session, latest, framework)
    if session is not None and session.in_progress:
        blocks.append(
            actions(
                button(
                    "続きから再開",
                    ids.RESUME,
                    ids.Ref(session.id, session.step).encode(),
                    "primary",
                )
            )
        )
    else:
        blocks.append(actions(button("診断を始める", ids.START, "start", "primary")))
    if is_manager:
        blocks += [
            divider(),
            section("マネージャー向け: 部下の診断状況を確認できます。"),
            actions(button("チームの状況を見る", ids.TEAM, "team")),
        ]
    if may_start_campaign:
        blocks += [
            divider(),
            section("診断キャンペーン: 期限を決めて、部下や全員に自己評価を依頼できます。"),
            actions(button("キャンペーンを開始", ids.CAMPAIGN_OPEN, "open")),
        ]
    blocks += [divider(), *help_blocks()]
    return {"type": "home", "blocks": blocks[:100]}
