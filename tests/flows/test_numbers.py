"""Reading counts and yen amounts typed in Japanese."""

from __future__ import annotations

import re
from collections.abc import Callable

import kanjize
import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.numbers import MAX_VALUE, AnswerError, parse_count, parse_yen

_FULL_WIDTH = str.maketrans("0123456789,", "０１２３４５６７８９，")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _rejected(call: Callable[..., int], text: object, **kwargs: str) -> str:
    with pytest.raises(AnswerError) as info:
        call(text, **kwargs)
    message = info.value.message
    assert message == str(info.value)
    assert _JAPANESE.search(message), message
    return message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１２人", 12),
        ("12名", 12),
        ("約10人", 10),
        ("10人くらい", 10),
        ("10人程度", 10),
        ("およそ10", 10),
        ("3,000人", 3000),
        ("３，０００人", 3000),
        ("三千人", 3000),
        ("十二人", 12),
        ("0", 0),
        ("12", 12),
        (12, 12),
        (0, 0),
        (" 12 ", 12),
        ("　１２　", 12),
        ("12回", 12),
        ("120拠点", 120),
        ("二十", 20),
        ("10人以上", 10),
        ("5社", 5),
        ("3箇所", 3),
        ("200ユーザー", 200),
        ("200ユーザ", 200),
        ("1.5万人", 15000),
        ("〇", 0),
    ],
)
def test_parse_count_accepts(text: str | int, expected: int) -> None:
    assert parse_count(text) == expected


def test_parse_count_strips_its_own_unit() -> None:
    assert parse_count("7台", unit="台") == 7
    assert parse_count("7 台くらい", unit="台") == 7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1億円", 100_000_000),
        ("1.5億", 150_000_000),
        ("1.15億", 115_000_000),
        ("2.3万", 23_000),
        ("1億5千万円", 150_000_000),
        ("5千万", 50_000_000),
        ("150,000,000円", 150_000_000),
        ("１億５千万円", 150_000_000),
        ("一億五千万円", 150_000_000),
        ("3000万円", 30_000_000),
        ("2.5千万", 25_000_000),
        ("1億2345万円", 123_450_000),
        ("100万", 1_000_000),
        ("1,500万円", 15_000_000),
        ("¥120,000,000", 120_000_000),
        ("￥1億", 100_000_000),
        ("5000円", 5000),
        ("1億円以上", 100_000_000),
        ("約3億円", 300_000_000),
        (5000, 5000),
    ],
)
def test_parse_yen_accepts(text: str | int, expected: int) -> None:
    assert parse_yen(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "数字を入力"),
        ("   ", "数字を入力"),
        ("たくさん", "数字として読み取れません"),
        ("-3", "マイナス"),
        ("−3", "マイナス"),
        ("－3人", "マイナス"),
        ("マイナス3", "マイナス"),
        ("10〜20人", "範囲"),
        ("10~20", "範囲"),
        ("10～20人", "範囲"),
        ("10-20人", "範囲"),
        ("10から20人", "範囲"),
        ("10人から20人", "範囲"),
        ("1e9", "指数"),
        ("1E+9人", "指数"),
        ("1.5", "整数"),
        ("1.5人", "整数"),
        ("1" * 16 + "0", "大きすぎ"),
        ("1京", "大きすぎ"),
        ("x" * 10_000, "長すぎ"),
        ("1" * 10_000, "長すぎ"),
        ("12\x00", "使えない文字"),
        ("1\u200b2", "使えない文字"),
        ("🙂", "数字として読み取れません"),
        ("12🙂", "数字として読み取れません"),
        ("NaN", "数字として読み取れません"),
        ("inf", "数字として読み取れません"),
        ("١٢", "数字として読み取れません"),
        ("1,2", "数字として読み取れません"),
        ("億", "数字として読み取れません"),
        ("1億1億", "数字として読み取れません"),
        ("人", "数字として読み取れません"),
    ],
)
def test_parse_count_rejects(text: str, reason: str) -> None:
    assert reason in _rejected(parse_count, text)


@pytest.mark.parametrize(
    ("value", "reason"),
    [(True, "数字で"), (False, "数字で"), (-3, "マイナス"), (MAX_VALUE + 1, "大きすぎ")],
)
def test_parse_count_rejects_ints(value: int, reason: str) -> None:
    assert reason in _rejected(parse_count, value)


@pytest.mark.parametrize("value", [1.5, float("nan"), float("inf"), None])
def test_non_numbers_are_rejected_at_runtime(value: object) -> None:
    assert "数字で" in _rejected(parse_count, value)
    assert "数字で" in _rejected(parse_yen, value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "数字を入力"),
        ("たくさん", "数字として読み取れません"),
        ("-3円", "0以上"),
        ("▲500万円", "マイナス"),
        ("1億〜2億円", "範囲"),
        ("1e9", "指数"),
        ("0.5円", "1円未満"),
        ("1.00001万円", "1円未満"),
        ("2000兆円", "大きすぎ"),
        ("￥" * 200, "長すぎ"),
    ],
)
def test_parse_yen_rejects(text: str, reason: str) -> None:
    assert reason in _rejected(parse_yen, text)


def test_count_examples_mention_the_unit() -> None:
    assert "12人" in _rejected(parse_count, "たくさん", unit="人")


def test_accepts_the_limit() -> None:
    assert parse_count(str(MAX_VALUE)) == MAX_VALUE
    assert parse_yen("1000兆円") == MAX_VALUE


@given(st.one_of(st.text(), st.text(alphabet="0123456789,.億万千百十一二三人円〜-約 eE")))
def test_any_text_is_a_number_or_an_answer_error(text: str) -> None:
    for parse in (parse_count, parse_yen):
        try:
            value = parse(text)
        except AnswerError as exc:
            message = exc.message
        else:
            assert isinstance(value, int)
            assert 0 <= value <= MAX_VALUE
            continue
        assert _JAPANESE.search(message), message


@given(st.integers(min_value=0, max_value=10**12))
def test_round_trip(n: int) -> None:
    forms = [
        str(n),
        f"{n:,}",
        str(n).translate(_FULL_WIDTH),
        f"{n:,}".translate(_FULL_WIDTH),
        kanjize.number2kanji(n),
        kanjize.number2kanji(n, kanjize.KanjizeConfiguration(style=kanjize.KanjizeStyle.MIXED)),
        f"{n}人",
        f"約{n:,}人",
    ]
    for form in forms:
        assert parse_count(form) == n, form
        assert parse_yen(form.replace("人", "円")) == n, form


@given(st.integers(min_value=0, max_value=10**10))
def test_man_yen(n: int) -> None:
    assert parse_yen(f"{n}万円") == n * 10_000
