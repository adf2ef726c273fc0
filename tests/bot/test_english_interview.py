"""The interview, the result, the plan, the status, the lookups and the erasure in English
(flows/locale/en: areas `interview` and `result`): what an English reader sees holds no
Japanese but the framework's own words and what people typed; the Japanese screens are the
snapshots and tests of test_blocks.py and the others, unchanged."""

from __future__ import annotations

import dataclasses
import json
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot import ids
from bot.blocks import interview as ib
from bot.blocks.forget import forget_confirm
from bot.blocks.lookup import level_blocks, lookup_blocks, lookup_note, not_found_lines
from bot.blocks.note import note_modal
from bot.blocks.plan import plan_blocks
from bot.blocks.result import result_blocks
from bot.blocks.status import status_blocks
from flows.explain import level_name
from flows.facts import FactValue, coerce_fact, show_value, to_json_value
from flows.i18n import using
from flows.inference import evaluate
from flows.interview import Command, Interview, Outcome
from flows.numbers import AnswerError
from flows.personas import persona
from flows.plan import development_plan
from flows.results import record_of, result_of
from flows.session import InterviewSession, PersonKey, Phase, ResultRecord, Verdict
from framework_data.loader import load_default
from framework_data.models import Framework
from framework_data.search import SkillIndex
from framework_data.translate import localized
from tests.blockkit import problems, view_problems
from tests.bot.slack_env import Bot, Person, blocks_text, checked, ticked
from tests.i18n_check import framework_texts, japanese_left
from tests.slack_mock import Call

FW = load_default()
EN = localized(FW, "en")  # what the app gives an English reader (bot/context.py)
ENGINE = Interview(EN)
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SPECIALTIES = [sp.id for sp in FW.job_category.specialties]
NOTE = "Ran the nightly batch for 2 years; on call for the core system."


def _template_parts(fw: Framework) -> set[str]:
    """The fixed words of the facts' questions and help around their `{placeholders}`, which
    flows.wording fills with a specialty's name or an earlier answer."""
    parts: set[str] = set()
    for fact in fw.facts:
        for text in (fact.question, fact.help, *fact.question_by_specialty.values()):
            parts.update(re.split(r"\{[^{}]*\}", text))
        for text in fact.help_by_specialty.values():
            parts.update(re.split(r"\{[^{}]*\}", text))
    return parts


# The standard's own words and our curated ones: Japanese for every reader until the English
# framework lands (framework_data/translate.py), and after it the seed's words still are.
ALLOWED = framework_texts(FW) | _template_parts(FW) | framework_texts(EN) | _template_parts(EN)


def english(shown: Any, *typed: str) -> str:
    """`shown` (blocks, a view or text) once checked to hold no Japanese UI word, as text."""
    left = japanese_left(shown, ALLOWED | set(typed))
    assert left == [], f"Japanese an English reader would see: {left}"
    return shown if isinstance(shown, str) else json.dumps(shown, ensure_ascii=False)


def valid(blocks: list[dict[str, Any]]) -> None:
    assert not problems(blocks), problems(blocks)


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    with using("en"):
        yield


def walk(specialty: str, level: int) -> Iterator[tuple[InterviewSession, Outcome | None]]:
    """Every session of an English interview answering as the persona, with the outcome that
    led to it (None for the first)."""
    session = ENGINE.new_session(PersonKey(team="T1", user="U1"), "i1", T0)
    yield session, None
    outcome = ENGINE.handle(session, Command(action="choose", specialty=specialty), T0)
    facts = persona(specialty, level)
    while outcome.session.state is Phase.ASKING:
        yield outcome.session, outcome
        fact = outcome.session.current or ""
        value = to_json_value(facts[fact])
        outcome = ENGINE.handle(
            outcome.session, Command(action="answer", fact=fact, value=value), T0
        )
    yield outcome.session, outcome


def record(specialty: str, level: int) -> ResultRecord:
    facts = persona(specialty, level)
    return ResultRecord.judged(
        evaluate(EN, specialty, facts),
        interview_id="i1",
        team="T1",
        user="U1",
        completed_at=T0,
        answers={k: to_json_value(v) for k, v in facts.items()},
        notes={"complexity": NOTE},
    )


# ------------------------------------------------------------------ the interview


def test_every_question_of_every_kind_and_the_answered_messages_read_in_english() -> None:
    kinds: set[str] = set()
    for specialty in SPECIALTIES:
        for level in (1, 4, 5):
            for session, outcome in walk(specialty, level):
                text, blocks = ib.screen(ENGINE, session, view=outcome.view if outcome else None)
                valid(blocks)
                english(blocks)
                english(text)
                if outcome is not None and outcome.recorded is not None:
                    r = outcome.recorded
                    english(ib.answered(r.number, r.label, r.shown))
                if session.state is Phase.ASKING and session.current:
                    fact = EN.fact(session.current)
                    kind = "statements" if fact.statements else fact.kind
                    kinds.add(f"{kind} {fact.number_kind}" if kind == "int" else kind)
    assert kinds == {"ordinal", "bool", "statements", "set", "int count", "int yen"}


def test_the_specialty_choice_and_a_question_say_it_in_english() -> None:
    sessions = [s for s, _ in walk("system_operations", 5)]
    text, choice = ib.screen(ENGINE, sessions[0])
    shown = english(choice)
    assert text == "Choose your specialty"
    assert "ITSS Operations skill assessment" in shown
    assert "Choose the specialty to assess." in shown
    assert "your answers are saved" in shown
    text, first = ib.screen(ENGINE, sessions[1])
    shown = english(first)
    assert text.startswith("Question 1: ")
    assert "Question 1 of up to " in shown
    assert "Criteria this answer decides" in shown
    labels = [e["text"]["text"] for b in first if b["type"] == "actions" for e in b["elements"]]
    assert labels[-3:] == ["Back", "Pause", "Start over"]
    assert all(len(label) <= 75 for label in labels)


def test_each_kind_of_answer_is_asked_and_recorded_in_english() -> None:
    by_fact: dict[str, list[dict[str, Any]]] = {}
    recorded: dict[str, str] = {}
    for specialty in SPECIALTIES:
        for session, outcome in walk(specialty, 4):
            if session.state is Phase.ASKING and session.current:
                by_fact.setdefault(session.current, ib.screen(ENGINE, session)[1])
            if outcome is not None and outcome.recorded is not None:
                recorded[outcome.recorded.label] = outcome.recorded.shown
    shown = {fact: english(blocks) for fact, blocks in by_fact.items()}
    assert '"Yes"' in shown["followed_manuals"]
    assert '"No"' in shown["followed_manuals"]
    assert "Done (leave all unticked if none apply)" in shown["complexity"]
    assert "Done (leave all unticked if none apply)" in shown["mastery"]
    yen_fact = EN.fact("annual_contract_yen")
    assert f"{yen_fact.label} ({yen_fact.unit})" in shown["annual_contract_yen"]
    assert recorded["Specialty"] == EN.specialty("customer_support").name
    assert any(re.fullmatch(r"¥[\d,]+", shown) for shown in recorded.values())


def test_ticked_statements_are_counted_in_english() -> None:
    statements = [st.id for st in EN.fact("mastery").statements]
    asking = next(s for s, _ in walk("system_operations", 5) if s.current == "mastery")
    for chosen, said in [
        (statements, f"Yes (all {len(statements)} statements apply)"),
        (statements[:1], f"No (1 of {len(statements)} statements apply)"),
    ]:
        cmd = Command(action="answer", fact="mastery", value=chosen)
        outcome = ENGINE.handle(asking, cmd, T0)
        assert outcome.recorded is not None
        assert outcome.recorded.shown == said


def test_answers_are_shown_back_in_english() -> None:
    count = EN.fact("peak_staff")
    assert show_value(EN.fact("followed_manuals"), "system_operations", True) == "Yes"
    assert show_value(EN.fact("followed_manuals"), "system_operations", False) == "No"
    assert show_value(EN.fact("annual_contract_yen"), "system_operations", 150_000_000) == (
        "¥150,000,000"
    )
    assert show_value(count, "system_operations", 1200) == f"1,200 {count.unit}"
    assert show_value(count, "system_operations", None) == "Not answered"
    assert show_value(EN.fact("complexity"), "system_operations", frozenset()) == "None"


@pytest.mark.parametrize(
    ("fact", "typed", "said"),
    [
        ("followed_manuals", "maybe", "Please answer yes or no."),
        ("role", "boss", "“boss” is not one of the options. Choose from: "),
        ("role", ["operator"], "Choose one of the options."),
        ("complexity", 3, "Choose the options that apply (any number of them, or none)."),
        ("complexity", ["nope"], "“nope” is not one of the options."),
        ("complexity", [1], "Choose from the options."),
        ("mastery", ["not-a-statement"], "Choose the statements that apply from the list."),
        ("peak_staff", 1.5, "Please answer with a number."),
    ],
)
def test_a_wrong_answer_is_explained_in_english(fact: str, typed: object, said: str) -> None:
    with pytest.raises(AnswerError) as raised:
        coerce_fact(EN.fact(fact), "system_operations", typed)
    assert said in english(raised.value.message, str(typed))


def test_the_engine_refuses_in_english() -> None:
    sessions = [s for s, _ in walk("system_operations", 5)]
    asking = sessions[1]
    cmd = Command(action="answer", fact=asking.current, value=None)
    assert ENGINE.handle(asking, cmd, T0).message == "No answer given. Please choose one."
    cannot = ENGINE.handle(asking, Command(action="skip", fact=asking.current), T0)
    assert cannot.message == "This question can't be skipped. Please answer it."
    stale = ENGINE.handle(asking, Command(action="back", step=asking.step - 1), T0)
    assert english(stale.message).startswith("This is from an old screen.")
    other = ENGINE.handle(asking, Command(action="back", interview="another"), T0)
    assert "has ended or is no longer valid" in english(other.message)
    wrong = ENGINE.handle(sessions[0], Command(action="choose", specialty="nope"), T0)
    assert english(wrong.message).startswith("Choose a specialty from: ")
    review = sessions[-1]
    long_note = Command(action="note", dimension="complexity", text="x" * 1001)
    assert ENGINE.handle(review, long_note, T0).message == (
        "Keep the note to 1000 characters or fewer (it has 1001)."
    )
    no_dimension = ENGINE.handle(review, Command(action="note", dimension="nope"), T0)
    assert no_dimension.message == "Choose an aspect."
    gone = ENGINE.handle(review, Command(action="edit", fact="nope"), T0)
    assert gone.message == "That answer wasn't found."
    done = review.model_copy(update={"state": Phase.COMPLETED})
    assert ENGINE.handle(done, Command(action="back"), T0).message == (
        "This interview has already ended."
    )


def test_the_review_paused_and_ended_screens_read_in_english() -> None:
    review = [s for s, _ in walk("network_operations", 3)][-1]
    noted = ENGINE.handle(review, Command(action="note", dimension="complexity", text=NOTE), T0)
    text, blocks = ib.screen(ENGINE, noted.session, view=noted.view)
    shown = english(blocks, NOTE)
    assert text == "Review your answers"
    assert "Expected result: *" in shown
    assert "Level 3" in shown
    assert "Evidence notes\\n" in shown
    for label in ("Submit these answers", "Add an evidence note", "Edit", "Back", "Pause"):
        assert f'"{label}"' in shown
    paused = ENGINE.handle(noted.session, Command(action="pause"), T0).session
    text, blocks = ib.screen(ENGINE, paused)
    assert text == "Interview paused"
    n = len(paused.answers)
    assert f"Interview paused ({n} answers given). Your answers are saved." in english(blocks)
    assert '"Resume"' in json.dumps(blocks)
    one = paused.model_copy(update={"answers": dict(list(paused.answers.items())[:1])})
    assert "(1 answer given)" in json.dumps(ib.paused(one))
    ended = paused.model_copy(update={"state": Phase.COMPLETED})
    assert ib.screen(ENGINE, ended) == (
        "The interview has ended",
        [{"type": "section", "text": {"type": "mrkdwn", "text": "The interview has ended."}}],
    )


def test_the_note_modal_and_the_erasure_confirmation_read_in_english() -> None:
    review = [s for s, _ in walk("system_operations", 3)][-1]
    modal = note_modal(review, EN)
    assert not view_problems(modal), view_problems(modal)
    shown = english(modal)
    for words in ("Evidence note", "Save", "Cancel", "Aspect", "Project, period and your role"):
        assert f'"{words}"' in shown
    blocks = forget_confirm()
    valid(blocks)
    shown = english(blocks)
    assert "This deletes everything stored about you" in shown
    assert "It can't be undone." in shown
    assert '"Delete everything"' in shown


# ------------------------------------------------------------------ the result and the plan


@pytest.mark.parametrize("specialty", SPECIALTIES)
@pytest.mark.parametrize("level", range(6))
@pytest.mark.parametrize("for_manager", [False, True])
def test_every_result_and_plan_read_in_english(
    specialty: str, level: int, for_manager: bool
) -> None:
    done = record(specialty, level)
    blocks = result_blocks(done, EN, for_manager=for_manager)
    valid(blocks)
    shown = english(blocks, NOTE)
    name = level_name(level)
    assert name == (f"Level {level}" if level else "Below Level 1")
    assert blocks[0]["text"]["text"] == f"ITSS result: {EN.specialty(specialty).name} {name}"
    who = "<@U1>'s result" if for_manager else "Your result"
    assert f"{who} is *{name}* (Nov 23, 2026)." in shown
    assert "*Answers*" in shown
    assert "*Evidence notes*" in shown
    assert "Assessed against: " in shown
    if level == 5:
        assert "This is the top level." in shown
        assert "Skills to maintain (Level 5)" in shown
    else:
        assert f"*Achievement indicators of the next level, Level {level + 1}*" in shown
        assert f"Development plan for Level {level + 1}" in shown
    if level >= 1:
        assert f"*Reasons for Level {level}*" in shown
        assert "Met — " in shown


def test_what_is_missing_and_what_could_change_read_in_english() -> None:
    review = [s for s, _ in walk("system_operations", 3)][-1]
    done = record_of(review, ENGINE.result(review), T0)  # knows what the interview asked
    shown = english(result_blocks(done, EN), NOTE)
    assert "*Evidence still missing for Level 4*" in shown
    assert "Not met — " in shown
    assert " (answer: " in shown
    assert "*Not checked (not asked, as it does not affect the result)*" in shown
    facts = persona("system_operations", 3)
    facts.pop("role")
    open_ = ResultRecord.judged(
        evaluate(EN, "system_operations", facts),
        interview_id="i2",
        team="T1",
        user="U1",
        completed_at=T0,
        answers={k: to_json_value(v) for k, v in facts.items()},
    )
    shown = english(result_blocks(open_, EN))
    assert "Depending on the unanswered items, this could go up to Level " in shown
    assert "Not answered" in shown or "Undecided — " in shown
    told = done.model_copy(update={"verdict": Verdict(**{**done.verdict.model_dump(), "level": 2})})
    shown = english(result_blocks(told, EN))
    assert "At completion the result was Level 2. The rules have been updated since" in shown
    assert "the same answers now give Level 3." in shown


def test_a_plan_cut_short_says_how_many_items_are_left_in_english() -> None:
    plan = development_plan(EN, result_of(record("system_operations", 3), EN))
    assert len(plan.items) >= 3
    shown = english(plan_blocks(plan))
    assert "*Evidence to gather*" in shown
    assert "(Level 4 skill proficiency)" in shown
    assert "_Knowledge items_" in shown
    assert "Toward Level 4: the skill proficiencies and knowledge items" in shown
    cut = plan_blocks(plan, room=3)
    left = cut[-1]["elements"][0]["text"]
    assert re.fullmatch(
        r"\d+ more skill items? in this plan: `/itss skill .+` shows (it|them)\.", left
    )
    sustain = development_plan(EN, result_of(record("customer_support", 5), EN))
    assert "Level 5 is the top level." in english(plan_blocks(sustain))


# ------------------------------------------------------------------ status and lookups


def test_the_status_reads_in_english() -> None:
    sessions = [s for s, _ in walk("network_operations", 5)]
    asking = sessions[3]
    latest = [record(s, 3) for s in SPECIALTIES]
    blocks = status_blocks(asking, latest, EN)
    valid(blocks)
    shown = english(blocks)
    assert blocks[0]["text"]["text"] == "Your ITSS assessment"
    name = EN.specialty("network_operations").name
    n = len(asking.answers)
    assert f"In progress: *{name}* ({n} answers, last updated Nov 23, 2026 09:00 UTC)" in shown
    assert "*Latest results*" in shown
    missing = latest[0].verdict.missing
    plural = "item" if missing == 1 else "items"
    first = EN.specialty(SPECIALTIES[0]).name
    assert f"• {first}: Level 3 (Nov 23, 2026, {missing} {plural} missing)" in shown
    choosing = english(status_blocks(sessions[0], [], EN))
    assert "No specialty chosen yet" in choosing
    none = english(status_blocks(None, [], EN))
    assert "No interview in progress. Start one with `/itss start`." in none


def _search_texts(found: Any) -> set[str]:
    """What the search shows of the standard (hit titles and texts) and suggests to type."""
    shown = {h.title for h in found.hits} | {h.text for h in found.hits}
    return shown | {s.query for s in found.suggestions} | {s.label for s in found.suggestions}


def test_skill_lookups_read_in_english() -> None:
    index = SkillIndex(FW)
    found = index.lookup("障害対応", limit=8)
    pages = lookup_blocks("障害対応", found)
    for page in pages:
        valid(page)
    shown = english(pages, "障害対応", *_search_texts(found))
    assert "8 results for “障害対応”" in shown
    assert "No definition contains all of “障害対応”" in shown
    literal = lookup_note(dataclasses.replace(found, partial=False, literal=True))
    assert literal == "Specialty names and numbers were read as plain search words."
    for query, said in [
        ("CS 高可用性", "`/itss skill SO 高可用性` (specialty: "),
        ("xyzzy", "`/itss skill バックアップ` (example)"),
        ("レベル6", "`/itss skill レベル5` (level: Level 5)"),
    ]:
        none = index.lookup(query, limit=8)
        (page,) = lookup_blocks(query, none)
        shown = english(page, query, *_search_texts(none))
        assert f"No definition matches “{query}”." in shown
        assert "Did you mean:" in shown
        assert said in shown
    lines = not_found_lines("xyzzy", index.lookup("xyzzy"), "itss-bot lookup", for_shell=True)
    assert lines[:2] == ["No definition matches “xyzzy”.", "Did you mean:"]


def test_level_definitions_read_in_english() -> None:
    blocks = level_blocks(EN, "system_operations", 3)
    valid(blocks)
    shown = english(blocks)
    name = EN.specialty("system_operations").name
    assert blocks[0]["text"]["text"] == f"{name} Level 3 achievement indicators"
    assert "Source: " in shown
    undefined = english(level_blocks(EN, "customer_support", 6))
    assert f"{EN.specialty('customer_support').name} has no Level 6." in undefined


# ------------------------------------------------------------------ through Slack


def _answer(person: Person, fact_id: str, value: FactValue, screen: Call) -> None:
    """Answer like a person who reads the screen in any language: by the buttons' values."""
    fact = FW.fact(fact_id)
    if fact.kind == "set" or fact.statements:
        submit = person.button(screen, ids.SET_SUBMIT)
        person.click(submit, screen, state_values=checked(ticked(fact, value)))
    elif fact.kind == "bool":
        person.click(person.button(screen, ids.ANSWER, "yes" if value else "no"), screen)
    elif fact.kind == "ordinal":
        person.click(person.button(screen, ids.ANSWER, str(value)), screen)
    else:
        person.type_number(str(value), screen)


def test_an_english_reader_is_interviewed_in_english_and_their_manager_reads_japanese(
    bot: Bot,
) -> None:
    bot.api.set_user("UEN1", locale="en-US")
    bot.api.set_user("UMGRJ", locale="ja-JP")
    team = "T0001"
    bot.store.set_managers(team, {"UEN1": ["UMGRJ"]})
    key = PersonKey(team=team, user="UEN1")
    ann = Person(bot, "UEN1")
    ann.command("start SO")
    first = ann.wait_posts(1)[0]
    assert first.args["text"].startswith("Question 1: ")
    english(first.args["blocks"])
    # an old button: told so, ephemerally, in English
    stale = dict(ann.button(first, ids.BACK), value="not-a-reference")
    ann.click(stale, first)
    notice = ann.wait_method("chat.postEphemeral", 1)[0]
    assert notice.args["text"] == (
        "This button is from an old message. Please continue from the latest one."
    )
    facts = persona("system_operations", 3)
    screen = first
    while True:
        session = bot.store.load(key)
        assert session is not None
        if session.state is Phase.REVIEWING:
            break
        posts = len(ann.posts())
        _answer(ann, session.current or "", facts[session.current or ""], screen)
        screen = ann.wait_posts(posts + 1)[-1]
        english(screen.args["blocks"])
    review = ann.screen()
    assert review.args["text"] == "Review your answers"
    ann.click(ann.button(review, ids.CONFIRM), review)
    manager = Person(bot, "UMGRJ").wait_posts(1)[0]
    manager_text = blocks_text(manager.args["blocks"])
    assert "<@UEN1> さんの判定は *レベル 3* です" in manager_text
    assert "Your result" not in manager_text
    result = _eventually(lambda: _in(ann.posts(), "ITSS result: "))
    assert "Your result is *Level 3*" in english(result.args["blocks"])
    # every answered question became the record of its answer, and the review of the submission
    edits = [c for c in bot.api.calls("chat.update") if c.args.get("channel") == "DUEN1"]
    assert all("Question " in blocks_text(c.args["blocks"]) for c in edits)
    assert any(":white_check_mark: " in blocks_text(c.args["blocks"]) for c in edits)
    submitted = _eventually(lambda: _in(bot.api.calls("chat.update"), "Answers submitted"))
    english(submitted.args["blocks"])


def _in(calls: list[Call], words: str) -> Call | None:
    return next((c for c in reversed(calls) if words in blocks_text(c.args["blocks"])), None)


def _eventually(find: Callable[[], Call | None], timeout: float = 10.0) -> Call:
    """What `find` finds once the work after the ack has sent it."""
    deadline = time.monotonic() + timeout
    while (found := find()) is None:
        assert time.monotonic() < deadline, "never sent"
        time.sleep(0.01)
    return found
