"""Block Kit renderers: valid for Slack (slack_sdk's models), within limits, and stable."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.blocks import interview as ib
from bot.blocks.common import MAX_BLOCKS, escape
from bot.blocks.help import help_blocks
from bot.blocks.home import home_view
from bot.blocks.lookup import level_blocks
from bot.blocks.note import note_modal
from bot.blocks.result import result_blocks
from bot.blocks.status import status_blocks
from bot.blocks.team import TeamRow, team_messages
from flows.facts import to_json_value
from flows.inference import evaluate
from flows.interview import Command, Interview
from flows.personas import persona
from flows.results import record_of, result_of
from flows.session import InterviewSession, PersonKey, ResultRecord
from framework_data.loader import load_default

FW = load_default()
ENGINE = Interview(FW)
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SNAPSHOTS = Path(__file__).parent / "snapshots"


def check(blocks: list[dict[str, Any]]) -> None:
    """What Slack would refuse: too many blocks, texts over limits, duplicate action ids."""
    assert 0 < len(blocks) <= MAX_BLOCKS
    for raw in blocks:
        parsed = Block.parse(raw)
        assert parsed is not None
        parsed.validate_json()
        assert parsed.to_dict() == raw, "a field slack_sdk does not know was dropped"
        elements = raw.get("elements", []) + ([raw["accessory"]] if "accessory" in raw else [])
        action_ids = [e["action_id"] for e in elements if "action_id" in e]
        assert len(action_ids) == len(set(action_ids))
        for element in elements:
            if element.get("type") == "button":
                assert len(element["text"]["text"]) <= 75
                assert len(element["value"]) <= 2000


def session_at(specialty: str, level: int, answers: int) -> InterviewSession:
    session = ENGINE.new_session(PersonKey(team="T1", user="U1"), "i1", T0)
    session = ENGINE.handle(session, Command(action="choose", specialty=specialty), T0).session
    facts = persona(specialty, level)
    for _ in range(answers):
        assert session.current is not None
        cmd = Command(
            action="answer", fact=session.current, value=to_json_value(facts[session.current])
        )
        session = ENGINE.handle(session, cmd, T0).session
    return session


def record(specialty: str, level: int, user: str = "U1") -> ResultRecord:
    facts = persona(specialty, level)
    return ResultRecord.judged(
        evaluate(FW, specialty, facts),
        interview_id="i1",
        team="T1",
        user=user,
        completed_at=T0,
        answers={k: to_json_value(v) for k, v in facts.items()},
        notes={"complexity": "<!channel> 基幹系 & <@U999>"},
    )


def snapshot(name: str, blocks: object) -> None:
    """`blocks` equal the JSON kept in tests/bot/snapshots/NAME.json. A missing or different
    file fails; only `scripts/update-snapshots` (UPDATE_SNAPSHOTS=1) writes them, so a
    snapshot nobody looked at never passes by being written (issue 14)."""
    path = SNAPSHOTS / f"{name}.json"
    text = json.dumps(blocks, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no snapshot {path.name}: run scripts/update-snapshots and review it"
    assert path.read_text(encoding="utf-8") == text, (
        f"{name} changed: run scripts/update-snapshots and review the diff"
    )


def test_specialty_choice() -> None:
    session = ENGINE.new_session(PersonKey(team="T1", user="U1"), "i1", T0)
    text, blocks = ib.screen(ENGINE, session)
    check(blocks)
    assert "専門分野" in text
    snapshot("specialty_choice", blocks)


@pytest.mark.parametrize("answers", range(12))  # a 責任者 in NO answers 11 questions
def test_every_question_of_a_head_renders(answers: int) -> None:
    session = session_at("network_operations", 5, answers)
    _, blocks = ib.screen(ENGINE, session)
    check(blocks)


def test_question_screens_snapshot() -> None:
    _, role = ib.screen(ENGINE, session_at("system_operations", 5, 0))
    snapshot("question_role", role)
    _, number = ib.screen(ENGINE, session_at("system_operations", 5, 1))
    assert any(b["type"] == "input" for b in number)
    snapshot("question_number", number)


def test_rejected_answer_is_shown_inline_and_escaped() -> None:
    session = session_at("system_operations", 5, 1)
    _, blocks = ib.screen(ENGINE, session, error="<!channel> は数字ではありません")
    check(blocks)
    text = json.dumps(blocks, ensure_ascii=False)
    assert "&lt;!channel&gt;" in text
    assert "<!channel>" not in text


def test_review_and_result_screens() -> None:
    session = session_at("system_operations", 3, 7)
    assert session.state.value == "reviewing"
    _, review = ib.screen(ENGINE, session)
    check(review)
    snapshot("review", review)
    person = result_blocks(record("system_operations", 3), FW)
    manager = result_blocks(record("system_operations", 3), FW, for_manager=True)
    check(person)
    check(manager)
    snapshot("result_manager", manager)
    person_text = json.dumps(person, ensure_ascii=False)
    manager_text = json.dumps(manager, ensure_ascii=False)
    assert "レベル 3" in person_text
    assert "レベル 4" in person_text
    for text in (person_text, manager_text):  # the person sees their own notes, too
        assert "根拠メモ" in text
        assert "&lt;!channel&gt; 基幹系 &amp; &lt;@U999&gt;" in text
        assert "<!channel>" not in text


def interview_record(specialty: str, level: int) -> ResultRecord:
    session = session_at(specialty, level, 0)
    facts = persona(specialty, level)
    while session.current is not None:
        cmd = Command(
            action="answer", fact=session.current, value=to_json_value(facts[session.current])
        )
        session = ENGINE.handle(session, cmd, T0).session
    return record_of(session, ENGINE.result(session), T0)  # what the interview stores


def test_result_keeps_unasked_criteria_apart_and_counts_unmet_only() -> None:
    rec = interview_record("system_operations", 2)
    blocks = result_blocks(rec, FW)
    check(blocks)
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    missing = next(t for t in texts if t.startswith("*レベル 3 に向けて不足している根拠*"))
    unasked = next(
        t for t in texts if t.startswith("*未確認（判定に影響しないため質問していません）*")
    )
    assert "[責任性・複雑性]" in missing  # the role gap once, naming both
    assert missing.count("役割がメンバー以上") == 2  # both rules, one line
    assert "未回答" not in missing + unasked
    assert ":heavy_minus_sign:" in unasked
    status = json.dumps(status_blocks(None, [rec], FW), ensure_ascii=False)
    result = result_of(rec, FW)
    assert f"不足 {result.unmet_count} 項目" in status
    assert rec.verdict.missing == result.unmet_count < len(result.missing)


def test_below_level_one_and_level_five_results() -> None:
    none = json.dumps(result_blocks(record("customer_support", 0), FW), ensure_ascii=False)
    assert "レベル 1 に未到達" in none
    assert "レベル 0" not in none
    top = result_blocks(record("customer_support", 5), FW)
    check(top)
    reasons = next(
        b["text"]["text"]
        for b in top
        if b["type"] == "section" and b["text"]["text"].startswith("*レベル 5 の判定理由*")
    )
    assert len(reasons.splitlines()) == 5  # the title and the four dimensions
    assert any(b["type"] == "section" and "最高レベル" in b["text"]["text"] for b in top)


def test_a_result_stored_before_the_ladder_still_renders() -> None:
    """Records written by the previous version (ResultRecord 1) carry a tree without reasons
    and unmerged missing entries: the record keeps the verdict shown and renders recomputed."""
    rec = record("system_operations", 2)
    tree = evaluate(FW, "system_operations", persona("system_operations", 2)).model_dump(
        mode="json"
    )
    for key in ("reasons", "not_asked_facts", "cumulative"):
        del tree[key]
    for entry in tree["missing"]:
        for key in ("dimensions", "dimension_names", "rules", "facts"):
            del entry[key]
    data = rec.model_dump(mode="json", exclude={"framework_id", "framework_version", "verdict"})
    old = ResultRecord.model_validate({**data, "schema_version": 1, "result": tree})
    assert old.verdict.level == tree["level"] == 2
    assert old.verdict.missing == len(tree["missing"])  # as shown then: every missing entry
    blocks = result_blocks(old, FW)
    check(blocks)
    text = json.dumps(blocks, ensure_ascii=False)
    assert "[責任性] マニュアル・手順書とサービス計画に基づく実施責任を持った" in text
    assert "判定規則の更新" not in text


@pytest.mark.parametrize("size", [1, 200, 1000])
def test_team_summary_is_split_within_limits(size: int) -> None:
    rows = [
        TeamRow(f"U{i:05d}", "システムオペレーション", "3", "2026-11-23", "完了", "4")
        for i in range(size)
    ]
    messages = team_messages(rows)
    for blocks in messages:
        check(blocks)
    shown = "".join(json.dumps(m, ensure_ascii=False) for m in messages)
    assert all(f"<@U{i:05d}>" in shown for i in range(size))


def test_home_and_modal_views() -> None:
    session = session_at("customer_support", 4, 3)
    home = home_view(session, [record("customer_support", 4)], FW, is_manager=True)
    View(**home).validate_json()  # type: ignore[arg-type]
    modal = note_modal(session, FW)
    View(**modal).validate_json()  # type: ignore[arg-type]


def test_level_and_help() -> None:
    for sp in FW.job_category.specialties:
        for level in range(1, 6):
            check(level_blocks(FW, sp.id, level))
    check(level_blocks(FW, "system_operations", 6))
    check(help_blocks())


def test_escape() -> None:
    assert escape("<@U1> & <!here>") == "&lt;@U1&gt; &amp; &lt;!here&gt;"


def test_a_missing_snapshot_fails_and_is_not_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UPDATE_SNAPSHOTS", raising=False)
    with pytest.raises(AssertionError, match="scripts/update-snapshots"):
        snapshot("no_such_screen", [{"type": "divider"}])
    assert not (SNAPSHOTS / "no_such_screen.json").exists()
