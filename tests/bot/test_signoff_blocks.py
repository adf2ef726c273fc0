"""The sign-off and history screens as Slack would take them (slack_sdk's validation), with
JSON snapshots of each (docs/cycle.md shows them): the manager's result with its three
buttons, the return and modify modals, the confirm step of a modification (self vs manager,
サプライズ), the outcome the person is told, the history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_sdk.models.views import View

from bot import ids
from bot.blocks.history import history_messages
from bot.blocks.result import result_blocks
from bot.blocks.review import (
    ModifyDraft,
    decided_context,
    decision_actions,
    modify_confirm_modal,
    modify_modal,
    outcome_blocks,
    return_modal,
)
from flows.review import Decision, Review, decide
from flows.review_facts import side_by_side
from tests.bot.test_blocks import FW, T0, check, record, snapshot

SO = "system_operations"
REF = ids.ReviewRef("U1", "i1", "DUM1", "1700000000.000100")


def view(modal: dict[str, Any]) -> dict[str, Any]:
    View(**modal).validate_json()
    check(modal["blocks"])
    return modal


def decided(action: str, comment: str = "", **changes: Any) -> Review:
    rec = record(SO, 4)
    pending = Review.pending(rec, ["UM1", "UM2"])
    return decide(
        pending,
        rec,
        Decision(action, "UM1", comment, changes),  # type: ignore[arg-type]
        latest="i1",
        managers_now=["UM1", "UM2"],
        is_admin=lambda: False,
        framework=FW,
        now=T0 + timedelta(hours=2),
    ).review


def test_the_managers_result_ends_in_the_three_buttons() -> None:
    blocks = result_blocks(
        record(SO, 4), FW, for_manager=True, decision=decision_actions(record(SO, 4))
    )
    check(blocks)
    assert blocks[-1]["block_id"] == "review"
    assert [e["text"]["text"] for e in blocks[-1]["elements"]] == ["承認", "差し戻し", "修正"]
    snapshot("signoff_manager_result", blocks)
    after = result_blocks(
        record(SO, 4), FW, for_manager=True, decision=decided_context(decided("approve"))
    )
    check(after)
    assert "<@UM1> さんがレベル 4を承認しました。" in after[-1]["elements"][0]["text"]


def test_return_modal() -> None:
    snapshot("signoff_return_modal", view(return_modal(REF)))


def test_modify_modal_prefills_every_answer() -> None:
    rec = record(SO, 4)
    modal = view(modify_modal(REF, rec, FW))
    facts = [b for b in modal["blocks"] if b.get("block_id", "").startswith(ids.FACT_BLOCK)]
    assert len(facts) == len(FW.facts_for(SO))
    role = next(b for b in facts if b["block_id"] == ids.FACT_BLOCK + "role")
    assert role["element"]["initial_option"]["value"] == "leader"
    assert role["hint"]["text"] == "本人の回答: リーダー"
    snapshot("signoff_modify_modal", modal)


def test_modify_confirm_shows_self_and_manager_side_by_side() -> None:
    rec = record(SO, 4)
    changes: dict[str, Any] = {"role": "operator"}
    sbs = side_by_side(rec, FW, changes)
    assert sbs.surprise
    assert (sbs.self_level, sbs.confirmed_level) == (4, 2)
    modal = view(modify_confirm_modal(ModifyDraft(REF, "担当者として参加", changes), rec, FW, sbs))
    text = str(modal["blocks"])
    assert "リーダー → *担当者*" in text
    assert "サプライズ" in text
    snapshot("signoff_modify_confirm", modal)
    assert ModifyDraft.decode(modal["private_metadata"]) == ModifyDraft(
        REF, "担当者として参加", changes
    )


def test_outcomes_the_person_is_told() -> None:
    returned = outcome_blocks(decided("return", "件数を確認して"), "システムオペレーション", None)
    check(returned)
    assert ids.REVIEW_REOPEN in str(returned)
    snapshot("signoff_outcome_returned", returned)
    review = decided("modify", "担当者として参加", role="operator")
    sbs = side_by_side(record(SO, 4), FW, review.changes)
    modified = outcome_blocks(review, "システムオペレーション", sbs)
    check(modified)
    assert "確定レベルはレベル 2です（自己評価: レベル 4）" in str(modified)
    snapshot("signoff_outcome_modified", modified)


def test_history() -> None:
    rec = record(SO, 4)
    old = rec.model_copy(
        update={
            "interview_id": "i0",
            "completed_at": T0 - timedelta(days=180),
            "framework_version": "0.9",
            "campaign": "c1",
        }
    )
    (page,) = history_messages(
        "U1",
        [old, rec],
        reviews={"i1": decided("approve")},
        campaigns={"c1": "2026上期"},
        specialties={SO: "システムオペレーション"},
        framework_version=FW.version,
    )
    check(page)
    text = str(page)
    assert text.index("キャンペーン外") < text.index("2026上期")  # newest first
    assert "確定 -（自己評価のみ） | 判定基準 v0.9（当時の基準のまま）" in text
    snapshot("history", page)


def test_the_team_picture_takes_the_confirmed_and_previous_levels() -> None:
    from bot.picture import PictureRow, picture_rows
    from flows.storage.base import MemberSummary

    rec = record(SO, 4)
    review = decided("modify", "担当者", role="operator").model_copy(update={"previous_level": 3})
    rows = picture_rows(
        {
            "U1": MemberSummary(rec.summary(), review=review.summary()),
            "U2": MemberSummary(rec.summary()),  # not reviewed
        }
    )
    assert rows == [PictureRow(SO, 4, 2, 3), PictureRow(SO, 4, None, None)]
