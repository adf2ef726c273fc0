"""Campaign Block Kit: valid for Slack, within limits, and stable (the JSON snapshots that
docs/cycle.md shows)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from slack_sdk.models.views import View

from bot import ids
from bot.blocks.campaign import digest_message, invite_message, reminder_message, status_blocks
from bot.blocks.campaign_modal import campaign_modal, refused_modal
from flows.campaign import Campaign, Progress, tally
from tests.bot.test_blocks import check, snapshot

CAMPAIGN = Campaign(
    id="c0ffee000001",
    team="T1",
    name="2027上期",
    due=date(2027, 3, 25),
    owner="UADMIN",
    scope="all",
    members=["UA1", "UA2", "UA3", "UA4", "UB1"],
    created_at=datetime(2027, 3, 19, tzinfo=UTC),
)
ROSTER = {"UA1": ["UM1"], "UA2": ["UM1"], "UA3": ["UM1"], "UA4": ["UM1"], "UB1": ["UM2"]}
PROGRESS: dict[str, Progress] = {
    "UA1": "done",
    "UA2": "done",
    "UA3": "in_progress",
    "UA4": "not_started",
    "UB1": "done",
}


def test_invitation() -> None:
    text, blocks = invite_message(CAMPAIGN, "", "")
    check(blocks)
    assert "2027年3月25日（木）" in text
    (button,) = blocks[1]["elements"]
    assert button["action_id"] == ids.CAMPAIGN_START
    assert button["value"] == "c0ffee000001|"
    snapshot("campaign_invite", blocks)


def test_reminder_and_digest() -> None:
    _, blocks = reminder_message(CAMPAIGN, 2, 3)
    check(blocks)
    snapshot("campaign_reminder", blocks)
    text, blocks = digest_message(CAMPAIGN, ["UA3", "UA4"])
    check(blocks)
    assert "未提出 2 人" in text
    snapshot("campaign_digest", blocks)


def test_status_for_an_admin_and_for_a_manager() -> None:
    args = (CAMPAIGN.members, PROGRESS, ["UA2"], ROSTER)
    admin = status_blocks(CAMPAIGN, tally(*args, reveal_small=True, min_group=3), 3)
    check(admin)
    snapshot("campaign_status_admin", admin)
    manager = status_blocks(CAMPAIGN, tally(*args, reveal_small=False, min_group=3), 3)
    check(manager)
    text = str(manager)
    assert "<@UM2> のチーム: 非表示（3 人未満）" in text
    assert "完了 2 / 承認待ち 0 / 回答中 1 / 未着手 1（4 人、期限後の提出 1）" in text
    snapshot("campaign_status_manager", manager)


def test_a_status_of_many_teams_stays_within_slacks_limits() -> None:
    members = [f"U{i:04d}" for i in range(1000)]
    roster = {m: [f"UM{i:04d}"] for i, m in enumerate(members)}  # 1,000 teams
    rows = tally(members, {}, [], roster, reveal_small=True, min_group=3)
    blocks = status_blocks(CAMPAIGN, rows, 3)
    check(blocks)
    assert blocks[-1]["text"]["text"].startswith("*全体*")


def test_campaign_modal() -> None:
    for is_admin in (True, False):
        modal = campaign_modal(is_admin=is_admin)
        View(**modal).validate_json()  # type: ignore[arg-type]
        check(modal["blocks"])  # type: ignore[arg-type]
    snapshot("campaign_modal", campaign_modal(is_admin=True))
    refused = refused_modal(
        "キャンペーンを始められるのは、管理者と名簿に部下がいるマネージャーだけです。"
    )
    View(**refused).validate_json()  # type: ignore[arg-type]


def test_invitation_with_a_preset_specialty() -> None:
    _, blocks = invite_message(CAMPAIGN, "network_operations", "ネットワークオペレーション")
    check(blocks)
    (button,) = blocks[1]["elements"]
    assert button["value"] == "c0ffee000001|network_operations"
    assert "専門分野: ネットワークオペレーション" in blocks[0]["text"]["text"]
    snapshot("campaign_invite_preset", blocks)
