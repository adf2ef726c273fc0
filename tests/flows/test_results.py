"""A completed interview keeps its answers and the verdict shown, not the verdict tree: the
tree is recomputed from the answers and is the one the person saw; when rules change, the
level shown then stays visible beside the new one."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.blocks.result import result_blocks
from flows.facts import to_json_value
from flows.interview import Command, Interview
from flows.personas import persona
from flows.results import rejudged, result_of
from flows.session import PersonKey, Phase, Verdict
from framework_data.loader import load_default

FW = load_default()
T0 = datetime(2026, 3, 1, tzinfo=UTC)
SPECIALTIES = [s.id for s in FW.job_category.specialties]


@pytest.mark.parametrize("specialty", SPECIALTIES)
@pytest.mark.parametrize("level", [1, 3, 5])
def test_the_recomputed_verdict_is_the_one_shown_at_completion(specialty: str, level: int) -> None:
    interview = Interview(FW)
    facts = persona(specialty, level)
    session = interview.new_session(PersonKey(team="T1", user="U1"), "iv", T0)
    session = interview.handle(session, Command(action="choose", specialty=specialty), T0).session
    skipped_one = False
    while session.state is Phase.ASKING:
        fact = session.current or ""
        if not skipped_one and FW.fact(fact).optional:
            cmd = Command(action="skip", fact=fact)
            skipped_one = True
        else:
            cmd = Command(action="answer", fact=fact, value=to_json_value(facts[fact]))
        session = interview.handle(session, cmd, T0).session
    shown = interview.result(session)
    outcome = interview.handle(session, Command(action="confirm"), T0)
    record = outcome.record
    assert record is not None
    assert record.verdict == Verdict.of(shown)
    assert record.asked == session.asked
    assert record.skipped == session.skipped
    assert record.framework_id == FW.id
    assert record.framework_version == FW.version
    assert result_of(record, FW) == shown
    assert not rejudged(record, shown)
    assert len(record.model_dump_json().encode()) < 5 * 1024


def test_a_level_told_under_other_rules_is_shown_beside_the_new_one() -> None:
    interview = Interview(FW)
    facts = persona("system_operations", 3)
    session = interview.new_session(PersonKey(team="T1", user="U1"), "iv", T0)
    session.specialty, session.state = "system_operations", Phase.REVIEWING
    session.answers = {k: to_json_value(v) for k, v in facts.items()}
    record = interview.handle(session, Command(action="confirm"), T0).record
    assert record is not None
    told = record.model_copy(update={"verdict": record.verdict.model_copy(update={"level": 4})})
    result = result_of(told, FW)
    assert rejudged(told, result)
    text = json.dumps(result_blocks(told, FW), ensure_ascii=False)
    assert "完了時の判定はレベル 4でした" in text
    assert f"現在は{result.level_name}と判定されます" in text
    assert "判定規則の更新" not in json.dumps(result_blocks(record, FW), ensure_ascii=False)
