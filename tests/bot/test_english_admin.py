"""The admin surfaces for an English reader, through signed requests into the real app:
`/itss team` (the summary, its CSV and its picture), `/itss roster`, `/itss audit`,
`/itss history`, their refusals and the replies to a person named wrongly. Each reads English
but for the standard's own words; a Japanese reader's reads as before (the other tests of
these surfaces run unchanged)."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from bot.picture import PictureRow, team_picture
from flows.explain import level_name
from flows.i18n import using
from flows.privacy import GroupCount, hidden_label, shown
from flows.review import Decision
from flows.session import PersonKey
from tests.bot.slack_env import FW, Bot, blocks_text
from tests.bot.test_audit_slack import settle, slash
from tests.bot.test_picture_slack import complete
from tests.i18n_check import framework_texts, japanese_left

TEAM = "T0001"
NAMES = {s.id: s.name for s in FW.job_category.specialties}


def allowed() -> set[str]:
    """What an English reader may still see in Japanese here: the framework's texts, and the
    level names another area renders (as they read in English at the time of the test)."""
    with using("en"):
        return framework_texts(FW) | {level_name(n) for n in range(6)}


def english_only(*shown: Any) -> None:
    left = sorted({run for s in shown for run in japanese_left(s, allowed())})
    assert left == [], f"an English reader saw Japanese: {left}"


def replies(bot: Bot) -> list[str]:
    """The text and blocks of every reply to a slash command, in order."""
    return [
        "\n".join(
            filter(
                None,
                [c.args.get("text"), blocks_text(c.args["blocks"]) if "blocks" in c.args else ""],
            )
        )
        for c in bot.api.calls("response_url")
    ]


def csv_upload(bot: Bot, name: str) -> list[list[str]]:
    (upload,) = bot.api.uploads(name)
    return list(csv.reader(io.StringIO(upload.body.decode("utf-8"))))


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text matplotlib draws on a figure it saves (the picture's labels)."""
    texts: list[str] = []
    save = Figure.savefig

    def savefig(self: Figure, *args: Any, **kwargs: Any) -> None:
        texts.extend(t.get_text() for t in self.findobj(Text) if t.get_text())
        save(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    return texts


def english(bot: Bot, *users: str) -> None:
    for user in users:
        bot.api.set_user(user, locale="en-US")


def test_an_english_manager_gets_the_team_summary_csv_and_picture_in_english(
    bot: Bot, drawn: list[str]
) -> None:
    assert bot.ctx is not None
    english(bot, "UMGR")
    reports = ["UR1", "UR2", "UR3", "UR4"]
    bot.store.set_managers(TEAM, {r: ["UMGR"] for r in reports})
    approved = complete(bot, "UR1", "system_operations", 3)
    bot.ctx.signoff.decide(
        PersonKey(team=TEAM, user="UR1"), approved, Decision("approve", "UMGR"), lambda: False
    )
    complete(bot, "UR2", "customer_support", 2)  # awaiting sign-off
    bot.ctx.service.start(PersonKey(team=TEAM, user="UR3"), "network_operations")
    settle(bot)
    bot.api.clear()
    drawn.clear()

    slash(bot, "UMGR", "team")

    (reply,) = replies(bot)
    assert "I've sent the team assessment status to your DMs." in reply
    (summary,) = [c for c in bot.api.calls("chat.postMessage") if c.args.get("channel") == "DUMGR"]
    text = summary.args["text"] + json.dumps(summary.args["blocks"], ensure_ascii=False)
    assert summary.args["text"] == "Team assessment status (4 people)"
    for status in ("Confirmed: 1", "Awaiting sign-off: 1", "In progress: 1", "Not started: 1"):
        assert status in text
    assert "Member | Specialty | Level | Date" in text
    with using("en"):
        assert f"confirmed {level_name(3)}" in text
    assert re.search(r"\| [A-Z][a-z]{2} \d{1,2}, \d{4} \|", text), "dates as English reads them"

    header, *rows = csv_upload(bot, ".csv")
    assert header[:6] == ["user_id", "name", "specialty", "level", "date", "status"]
    by_user = {row[0]: row for row in rows}
    assert by_user["UR1"][5] == "Confirmed"
    assert by_user["UR2"][5] == "Awaiting sign-off"
    assert by_user["UR2"][7] == "Not signed off"
    assert by_user["UR3"][5] == "In progress"
    assert by_user["UR4"][5] == "Not started"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", by_user["UR1"][4]), "the CSV keeps ISO dates"

    (done,) = bot.api.calls("files.completeUploadExternal")
    titles = [f["title"] for f in done.args["files"]]
    assert titles == ["Level distribution (PNG)", "Team assessment status (CSV)"]
    assert "Team level distribution (your reports, 4 people)" in drawn
    assert "hidden" in drawn  # a manager's groups of one or two are not counted
    assert "Groups of fewer than 3 people are shown as “hidden (fewer than 3)”." in drawn
    english_only(reply, text, rows, titles, drawn)


def test_a_picture_for_an_english_reader_has_english_labels(drawn: list[str]) -> None:
    rows = [PictureRow("system_operations", 3, 3, 2)] * 5
    rows += [PictureRow("system_operations", 4)] * 2 + [PictureRow("system_operations", 5)] * 4
    rows += [PictureRow("customer_support", None)]
    with using("en"):
        team_picture(rows, NAMES, title="Team level distribution", min_group=3, full_view=False)
    assert {"Previous campaign", "Self-assessed", "Confirmed", "hidden"} <= set(drawn)
    assert "Groups of fewer than 3 people are shown as “hidden (fewer than 3)”." in drawn
    assert "No results yet" in drawn  # network operations: nobody
    assert any(t.endswith("\n11 people (11 with a result)") for t in drawn)
    assert any(t.endswith("\n1 person (0 with a result)") for t in drawn)
    english_only(drawn)

    drawn.clear()  # the same picture for a Japanese reader reads as it always has
    team_picture(rows, NAMES, title="チーム", min_group=3, full_view=False)
    assert {"前回", "自己評価", "確定", "非表示", "結果はまだありません"} <= set(drawn)
    assert "3 人未満の区分は非表示（3 人未満）としています。" in drawn
    assert any(t.endswith("\n11 人（結果あり 11 人）") for t in drawn)


def test_counts_are_plural_in_english_and_written_as_before_in_japanese() -> None:
    big = GroupCount("x", 5000)
    with using("en"):
        assert shown(GroupCount("x", 1), 3) == "1 person"
        assert shown(big, 3) == "5,000 people"
        assert shown(GroupCount("x", None), 3) == hidden_label(3) == "hidden (fewer than 3)"
    assert shown(big, 3) == "5000 人"
    assert hidden_label(3) == "非表示（3 人未満）"


def test_an_english_admin_keeps_the_roster_in_english(bot: Bot) -> None:
    english(bot, "UADMIN", "UM1", "UM2", "UMGR")
    bot.api.set_user("UTWO", name="sato")
    bot.api.set_user("UTWO2", name="sato2", real_name="sato")
    slash(bot, "UADMIN", "roster set <@UM1> <@UMGR> SO")
    slash(bot, "UADMIN", "roster set <@UM2> <@UMGR>")
    slash(
        bot,
        "UADMIN",
        "roster import\n<@UM1>,<@UMGR>,CS\n<@UM2>,<@UM2>\nonly-one-cell\n<@UM3>,@sato",
    )
    slash(bot, "UADMIN", "roster import\n<@UM3>,<@UMGR>,NO\n<@UM4>,<@UMGR>")
    slash(bot, "UADMIN", "roster show")
    slash(bot, "UADMIN", "roster remove <@UM4>")
    slash(bot, "UADMIN", "roster set <@UM5> <@UMGR> Help-Desk-ish")
    slash(bot, "UADMIN", "roster import")
    slash(bot, "UADMIN", "roster")
    slash(bot, "UM1", "roster show")  # not an admin
    said = replies(bot)
    assert said[0].startswith("Set the managers of <@UM1> to <@UMGR>. Specialty: ")
    assert "(preselected in campaign invitations)." in said[0]
    assert said[1] == (
        "Set the managers of <@UM2> to <@UMGR>. "
        "No specialty set (the member chooses one at the start of the interview)."
    )
    assert said[2].startswith("Nothing was imported (not a single line was applied):\nLine 2: ")
    assert "Line 2: A member can't be their own manager" in said[2]
    assert "Line 3: not in the form `member,manager[,specialty]`" in said[2]
    assert "Line 4: “@sato” matches 2 users (<@UTWO>, <@UTWO2>)" in said[2]
    assert said[3] == "Imported the roster for 2 members (1 with a specialty)."
    assert "<@UM3> → <@UMGR> (" in said[4]
    assert said[5] == "Removed <@UM4> from the roster."
    assert said[6].startswith("Unknown specialty “Help-Desk-ish” (use SO / NO / CS")
    assert said[7].startswith("There are no rows to import.")
    assert said[8].startswith("Usage (admins only):\n`/itss roster set @member @manager")
    assert said[9] == "Only admins can view or change the roster."
    english_only(*said)


def test_an_english_admin_reads_the_audit_log_and_gets_its_csv_in_english(bot: Bot) -> None:
    english(bot, "UADMIN", "UM1")
    slash(bot, "UADMIN", "audit")
    slash(bot, "UADMIN", "roster set <@UM1> <@UMGR>")
    bot.api.clear()
    slash(bot, "UADMIN", "audit")
    slash(bot, "UADMIN", "audit csv")
    slash(bot, "UADMIN", "audit everything")
    slash(bot, "UM1", "audit")
    first, csv_sent, usage, denied = replies(bot)
    assert "Audit log (latest 1 event)" in first  # the roster change; this look comes after
    assert "Roster changed" in first
    assert "about <@UM1>" in first
    assert "Newest first. `/itss audit csv` sends you every record still kept" in first
    assert csv_sent == "I've sent the audit log (2 events) to your DMs as a CSV."
    assert usage.startswith("Usage (admins only): `/itss audit` (the latest 50 events)")
    assert denied == "Only admins can see the audit log."
    header, *rows = csv_upload(bot, ".csv")
    assert header == ["at", "action", "actor", "subject", "campaign", "detail"]
    (done,) = bot.api.calls("files.completeUploadExternal")
    assert done.args["files"][0]["title"] == "Audit log (2 events, CSV)"
    assert [row[1] for row in rows] == ["roster.changed", "audit.viewed"]
    english_only(first, csv_sent, usage, denied, rows)


def test_an_english_reader_sees_histories_in_english(bot: Bot) -> None:
    english(bot, "UR1", "UMGR", "UOTHER")
    bot.store.set_managers(TEAM, {"UR1": ["UMGR"]})
    interview = complete(bot, "UR1", "system_operations", 2)
    assert bot.ctx is not None
    bot.ctx.signoff.decide(
        PersonKey(team=TEAM, user="UR1"), interview, Decision("approve", "UMGR"), lambda: False
    )
    settle(bot)
    bot.api.clear()
    slash(bot, "UR1", "history")
    slash(bot, "UMGR", "history <@UR1>")
    slash(bot, "UOTHER", "history <@UR1>")
    slash(bot, "UOTHER", "history")
    slash(bot, "UOTHER", "history someone")
    own, managers, denied, empty, wrong = replies(bot)
    assert "ITSS assessment history (1 result)" in own
    assert "Date | Campaign | Specialty | Self-assessed | Confirmed level | Criteria" in own
    with using("en"):
        assert f"Self-assessed {level_name(2)}" in own
        assert f"Confirmed {level_name(2)} (approved)" in own
    assert "No campaign" in own
    assert f"Criteria v{FW.version}" in own
    assert "Results of <@UR1>, each shown as it was judged when submitted." in own
    assert "ITSS assessment history (1 result)" in managers
    assert denied == "Only a person's managers (by the roster) and admins can see their history."
    assert "ITSS assessment history (0 results)" in empty
    assert "No results yet. Start an assessment with `/itss start`." in empty
    assert wrong == (
        "“someone” is not a user (use an @mention or a user ID)\n"
        "Usage: `/itss history` (your own history), `/itss history @member` "
        "(managers and admins)"
    )
    english_only(own, managers, denied, empty, wrong)


def test_an_english_reader_is_told_why_a_team_cannot_be_shown(bot: Bot) -> None:
    english(bot, "UMGR", "UADMIN")
    bot.api.set_user("UDUP1", name="tanaka")
    bot.api.set_user("UDUP2", name="tanaka2", real_name="tanaka")
    slash(bot, "UMGR", "team")
    slash(bot, "UMGR", "team all")
    slash(bot, "UADMIN", "team @nobody")
    slash(bot, "UADMIN", "team @tanaka")
    slash(bot, "UADMIN", "team <@UMGR>")
    no_reports, denied, nobody, two, none_of = replies(bot)
    assert no_reports == (
        "The roster lists no reports of yours. Ask an admin to add them with `/itss roster set`."
    )
    assert denied == "Only admins can use `/itss team all` and `/itss team @manager`."
    assert nobody.startswith("No user named “@nobody” (use an @mention or a user ID)\nUsage: ")
    assert two.startswith("“@tanaka” matches 2 users (<@UDUP1>, <@UDUP2>).")
    assert none_of == "The roster lists no reports of <@UMGR>."
    english_only(no_reports, denied, nobody, two, none_of)
