"""What people type, made safe: control and bidi characters, digits of other scripts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.numbers import AnswerError, parse_count, parse_yen
from flows.personas import persona
from flows.text import BIDI_CONTROLS, clean, has_foreign_digits
from tests.flows.test_interview import run_persona, send

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("手順書\x00\x07\x1b[2J 改訂", "手順書[2J 改訂"),
        ("evil\u202egnp.exe", "evilgnp.exe"),
        ("a" + BIDI + "b", "ab"),
        ("行1\n\t行2\r\n行3", "行1\n\t行2\r\n行3"),
        ("上書き\rされる", "上書きされる"),
        ("\x7f\x85\x9b", ""),
        ("監視 🚀 👩\u200d💻 ☎️", "監視 🚀 👩\u200d💻 ☎️"),
    ],
)
def test_clean_drops_control_and_bidi_characters_only(typed: str, kept: str) -> None:
    assert clean(typed) == kept


@given(st.text())
def test_clean_leaves_nothing_that_could_reorder_or_control_a_screen(text: str) -> None:
    out = clean(text)
    assert not BIDI_CONTROLS & set(out)
    for i, ch in enumerate(out):
        if ch == "\r":
            assert out[i + 1 : i + 2] == "\n"
        else:
            assert ch in "\n\t" or not (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F)
    assert clean(out) == out


def test_a_note_is_stored_without_control_or_bidi_characters() -> None:
    session, _ = run_persona("system_operations", persona("system_operations", 2))
    note = send(session, "note", dimension="task", text="\x00監視\x1b[31m\u202e移行\u2066 ")
    assert note.status == "applied", note.message
    assert note.session.notes == {"task": "監視[31m移行"}
    only_controls = send(note.session, "note", dimension="task", text="\u202e\x1b")
    assert only_controls.session.notes == {}, "a note of nothing but controls is no note"


@pytest.mark.parametrize("digits", ["٤", "४", "𝟒", "①", "²", "١٢"])
def test_digits_of_other_scripts_are_refused(digits: str) -> None:
    assert has_foreign_digits(digits)
    with pytest.raises(AnswerError, match="数字として読み取れません"):
        parse_count(digits)
    with pytest.raises(AnswerError, match="数字として読み取れません"):
        parse_yen(digits + "万円")


@pytest.mark.parametrize(("typed", "value"), [("４", 4), ("12", 12), ("１２人", 12), ("三", 3)])
def test_ascii_full_width_and_kanji_numbers_are_read(typed: str, value: int) -> None:
    assert not has_foreign_digits(typed)
    assert parse_count(typed) == value
