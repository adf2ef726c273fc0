"""Every screen the app can send, drawn with the largest data it can meet, passes slack_sdk's
validation (tests/blockkit.py) within Slack's limits; what does not fit one message is paged,
not cut (issue 13).

The largest data: every fact of every specialty asked (every option shown), every answer
given at its widest (every box ticked), the longest evidence notes (1,000 characters per
dimension, of characters that Slack's escaping makes longer), the longest seed texts (every
level of every specialty), 1,000 reports, 1,000 audit events, 200 teams in a campaign; each
in Japanese and in English.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.blocks import interview as ib
from bot.blocks.audit import audit_messages
from bot.blocks.campaign import digest_message, invite_message, reminder_message, status_blocks
from bot.blocks.forget import forget_confirm
from bot.blocks.help import help_blocks
from bot.blocks.home import AdminLine, CampaignLine, Dashboard, Pending, ResultLine, home_view
from bot.blocks.lookup import level_blocks, lookup_blocks
from bot.blocks.note import note_modal
from bot.blocks.plan import plan_blocks
from bot.blocks.result import result_blocks
from bot.blocks.status import status_blocks as my_status
from bot.blocks.team import TeamRow, team_messages
from flows.audit import AuditAction, event
from flows.campaign import Campaign, GroupRow
from flows.facts import FactValue, to_json_value
from flows.i18n import LOCALES, using
from flows.inference import evaluate
from flows.interview import NOTE_MAX_CHARS, Command, Interview
from flows.personas import persona
from flows.plan import development_plan
from flows.results import result_of
from flows.session import InterviewSession, PersonKey, Phase, ResultRecord
from framework_data.loader import load_default
from framework_data.search import SkillIndex
from framework_data.translate import localized
from tests.blockkit import problems, view_problems

SOURCE = load_default()
FW = SOURCE  # the reader's: `reader` sets it per test
ENGINE = Interview(FW)
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SPECIALTIES = [s.id for s in FW.job_category.specialties]
DIMENSIONS = [d.id for d in FW.job_category.dimensions]
WIDE = "<&>" * (NOTE_MAX_CHARS // 3)  # each becomes &lt; &amp; &gt; in mrkdwn: 4× longer
NOTES = dict.fromkeys(DIMENSIONS, WIDE)


@pytest.fixture(autouse=True, params=LOCALES)
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Every test in each language: English words and the English framework are longer."""
    locale = request.param
    fw = localized(SOURCE, locale)
    monkeypatch.setattr(sys.modules[__name__], "FW", fw)
    monkeypatch.setattr(sys.modules[__name__], "ENGINE", Interview(fw))
    with using(locale):
        yield locale


def valid(blocks: list[dict[str, Any]]) -> None:
    assert not problems(blocks), problems(blocks)


def valid_pages(pages: list[list[dict[str, Any]]]) -> str:
    """Every page valid; the text of all pages, to check nothing was cut."""
    assert pages
    for page in pages:
        valid(page)
    return str(pages)


def widest(specialty: str, fact_id: str, fallback: FactValue) -> FactValue:
    """The answer that draws the most: every option ticked, the largest number."""
    fact = FW.fact(fact_id)
    if fact.kind == "set":
        return frozenset(o.id for o in fact.options_by_specialty.get(specialty, fact.options))
    if fact.kind == "int":
        return 10**15
    return fallback


def walk(specialty: str, level: int) -> list[InterviewSession]:
    """Every session an interview passes through, answering each question at its widest."""
    session = ENGINE.new_session(PersonKey(team="T1", user="U1"), "i1", T0)
    seen = [session]
    session = ENGINE.handle(session, Command(action="choose", specialty=specialty), T0).session
    facts = persona(specialty, level)
    while session.state is Phase.ASKING:
        seen.append(session)
        fact = session.current or ""
        value = to_json_value(widest(specialty, fact, facts[fact]))
        session = ENGINE.handle(
            session, Command(action="answer", fact=fact, value=value), T0
        ).session
    for dimension, text in NOTES.items():
        note = Command(action="note", dimension=dimension, text=text)
        session = ENGINE.handle(session, note, T0).session
    return [*seen, session]


def record(specialty: str, level: int, user: str = "U1") -> ResultRecord:
    wide = {k: widest(specialty, k, v) for k, v in persona(specialty, level).items()}
    facts = persona(specialty, level) | {k: v for k, v in wide.items() if isinstance(v, frozenset)}
    return ResultRecord.judged(
        evaluate(FW, specialty, facts),
        interview_id="i1",
        team="T1",
        user=user,
        completed_at=T0,
        answers={k: to_json_value(v) for k, v in facts.items()},
        notes=NOTES,
    )


@pytest.mark.parametrize("specialty", SPECIALTIES)
@pytest.mark.parametrize("level", [0, 3, 5])
def test_every_question_and_the_review_with_the_widest_answers(specialty: str, level: int) -> None:
    for session in walk(specialty, level):
        _, blocks = ib.screen(ENGINE, session)
        valid(blocks)
        if session.state is Phase.ASKING:
            error = "入力が正しくありません。" * 300  # the longest error message we could show
            _, with_error = ib.screen(ENGINE, session, error=error)
            valid(with_error)
    final = walk(specialty, level)[-1]
    assert final.state is Phase.REVIEWING
    modal = note_modal(final, FW)
    assert not view_problems(modal), view_problems(modal)


@pytest.mark.parametrize("specialty", SPECIALTIES)
@pytest.mark.parametrize("level", range(6))
@pytest.mark.parametrize("for_manager", [False, True])
def test_every_result_with_the_longest_notes(specialty: str, level: int, for_manager: bool) -> None:
    done = record(specialty, level)
    blocks = result_blocks(done, FW, for_manager=for_manager)
    valid(blocks)
    assert str(blocks).count("&lt;") == len(NOTES) * len(WIDE) // 3, "every note shown whole"
    plan = development_plan(FW, result_of(done, FW))
    valid(plan_blocks(plan))


@pytest.mark.parametrize("specialty", SPECIALTIES)
@pytest.mark.parametrize("level", range(1, 6))
def test_every_level_definition(specialty: str, level: int) -> None:
    valid(level_blocks(FW, specialty, level))


@pytest.mark.parametrize(
    "query", ["レベル", "スキル", "SO", "知識項目", "オペレーション", "存在しない語"]
)
def test_lookups_that_find_the_most(query: str) -> None:
    index = SkillIndex(SOURCE)  # search reads the standard's own words
    valid_pages(lookup_blocks(query, index.lookup(query)))


def test_a_team_of_a_thousand_is_paged_not_cut() -> None:
    rows = [
        TeamRow(f"U{i:05d}", "ネットワークオペレーション", "レベル5", "2026-11-23", "回答中（ネットワークオペレーション）", "12")
        for i in range(1000)
    ]  # fmt: skip
    shown = valid_pages(team_messages(rows))
    assert all(f"U{i:05d}" in shown for i in range(1000))


def test_a_thousand_audit_events_are_paged() -> None:
    actor = PersonKey(team="T1", user="UADMIN")
    events = [
        event(T0, actor, AuditAction.ROSTER_CHANGED, subject=f"U{i:05d}", managers="UMGR1,UMGR2")
        for i in range(1000)
    ]
    shown = valid_pages(audit_messages(events))
    assert all(f"U{i:05d}" in shown for i in range(1000))


def campaign(members: int) -> Campaign:
    return Campaign(
        id="c1",
        team="T1",
        name="2027年度上期スキル診断キャンペーン＿全社対象＿第一回＿最終版",
        due=date(2027, 3, 15),
        owner="UADMIN",
        scope="all",
        members=[f"U{i:05d}" for i in range(members)],
        created_at=T0,
    )


def test_campaign_messages_with_a_thousand_people() -> None:
    big = campaign(1000)
    for _, blocks in (
        invite_message(big, "", ""),
        invite_message(big, SPECIALTIES[0], "システムオペレーション"),
    ):
        valid(blocks)
    valid(reminder_message(big, 3, 3)[1])
    pending = big.members
    _, digest = digest_message(big, pending)
    valid(digest)
    assert all(u in str(digest) for u in pending), "the digest names every one, paged, not cut"
    rows = [
        GroupRow(f"UMGR{i:03d}", 5, {"done": 1, "in_review": 1, "in_progress": 1, "not_started": 2}, 1, False)
        for i in range(200)
    ]  # fmt: skip
    total = GroupRow("", 1000, {"done": 200, "in_review": 200, "in_progress": 200, "not_started": 400}, 200, False)  # fmt: skip
    shown = str(status_blocks(big, [*rows, total], 3))
    valid(status_blocks(big, [*rows, total], 3))
    assert all(f"UMGR{i:03d}" in shown for i in range(200)), "every team shown, not cut"


def test_home_status_help_and_erasure() -> None:
    session = walk("customer_support", 5)[-1]
    latest = [record(s, 5) for s in SPECIALTIES]
    plans = {r.interview_id: development_plan(FW, result_of(r, FW)) for r in latest}
    results = [
        ResultLine(r, "確定", 3, [f"{i.skill_name}: {i.text}" for i in plans[r.interview_id].items])
        for r in latest
    ]
    campaigns = [
        CampaignLine(f"c{i}", campaign(1).name, date(2027, 3, 15), i % 2 == 0) for i in range(5)
    ]
    pending = [Pending(f"U{i:05d}", f"i{i}", "customer_support", 5, T0) for i in range(200)]
    admin = [AdminLine(campaign(1).name, date(2027, 3, 15), 500, 1000) for _ in range(20)]
    for dash in (
        Dashboard(session, results, campaigns),
        Dashboard(session, results, campaigns, {"未着手": 100, "承認待ち": 200}, pending),
        Dashboard(
            None, results, campaigns, {"承認待ち": 200}, pending, admin, {"登録": 1000}, True
        ),
    ):
        pages = []
        for page in range(20):
            view = home_view(dash, FW, page)
            assert not view_problems(view), view_problems(view)
            if view in pages:
                break
            pages.append(view)
        shown = str(pages)
        assert all(f"<@{p.user}>" in shown for p in dash.pending), "every sign-off, paged"
    valid(my_status(session, latest, FW))
    valid(help_blocks())
    valid(forget_confirm())
    paused = session.model_copy(update={"state": Phase.PAUSED, "paused_from": Phase.REVIEWING})
    valid(ib.paused(paused))
