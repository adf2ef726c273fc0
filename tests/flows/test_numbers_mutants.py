"""What a person reads when a number is rejected, word for word, and the edges of what is
accepted. Written against mutmut's survivors in flows/numbers.py (docs/testing.md): the
existing tests checked that a message is Japanese, not which one, nor the example in it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from flows.numbers import MAX_LENGTH, AnswerError, parse_count, parse_yen

NEGATIVE_COUNT = "マイナスの数は入力できません。0以上の数字で入力してください（例: 12）。"
NEGATIVE_PEOPLE = "マイナスの数は入力できません。0以上の数字で入力してください（例: 12人）。"
NEGATIVE_YEN = "マイナスの数は入力できません。0以上の数字で入力してください（例: 1億5000万円）。"
TOO_LARGE = "数が大きすぎます。1000兆以下の数字で入力してください。"
EXPONENT = "指数表記（1e9 など）は使えません。「10億」や「1000000000」のように入力してください。"
RANGE = "範囲ではなく、1つの数字で入力してください（例: 15）。"
YEN_FRACTION = "1円未満の端数は入力できません。円単位の整数で入力してください（例: 1億5000万円）。"


def message(call: Callable[..., int], text: str | int, **kwargs: str) -> str:
    with pytest.raises(AnswerError) as info:
        call(text, **kwargs)
    return info.value.message


@pytest.mark.parametrize(
    ("call", "text", "kwargs", "expected"),
    [
        (parse_count, -3, {}, NEGATIVE_COUNT),
        (parse_count, -3, {"unit": "人"}, NEGATIVE_PEOPLE),
        (parse_count, "-3", {}, NEGATIVE_COUNT),
        (parse_count, "マイナス3人", {"unit": "人"}, NEGATIVE_PEOPLE),
        (parse_yen, -1, {}, NEGATIVE_YEN),
        (parse_yen, "▲500万円", {}, NEGATIVE_YEN),
        (parse_count, 10**15 + 1, {}, TOO_LARGE),
        (parse_count, "1001兆", {}, TOO_LARGE),
        (parse_yen, "9999.5兆円", {}, TOO_LARGE),
        (parse_yen, "1000000000000001", {}, TOO_LARGE),
        (parse_yen, "1e9", {}, EXPONENT),
        (parse_count, "1E3人", {}, EXPONENT),
        (parse_count, "10〜20人", {}, RANGE),
        (parse_yen, "1000万円から2000万円", {}, RANGE),
        (parse_yen, "0.5円", {}, YEN_FRACTION),
        (parse_yen, "1.00001万円", {}, YEN_FRACTION),
        (parse_count, "2.5", {}, "小数は入力できません。整数で入力してください（例: 12）。"),
        (
            parse_count,
            "2.5人",
            {"unit": "人"},
            "小数は入力できません。整数で入力してください（例: 12人）。",
        ),
        (
            parse_count,
            "たくさん",
            {},
            "「たくさん」は数字として読み取れません。数字で入力してください（例: 12）。",
        ),
        (
            parse_yen,
            "一億円くらいかな",
            {},
            "「一億円くらいかな」は数字として読み取れません。数字で入力してください（例: 1億5000万円）。",
        ),
        (parse_count, "", {}, "数字を入力してください（例: 12）。"),
        (parse_yen, "  ", {}, "数字を入力してください（例: 1億5000万円）。"),
        (parse_count, True, {}, "数字で入力してください（例: 12）。"),
    ],
)
def test_the_message_says_why_and_what_to_type(
    call: Callable[..., int], text: str | int, kwargs: dict[str, str], expected: str
) -> None:
    assert message(call, text, **kwargs) == expected


def test_the_length_limit_is_inclusive() -> None:
    padded = " " * (MAX_LENGTH - 3) + "123"
    assert len(padded) == MAX_LENGTH
    assert parse_count(padded) == 123
    assert message(parse_count, " " + padded) == (
        "入力が長すぎます。数字だけを入力してください（例: 12）。"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # hedges in any order: a word inside another is found on the next pass
        ("およそ約10", 10),
        ("だいたい約3000万円", 30_000_000),
        ("10くらい以上", 10),
        ("1億円くらい以上", 100_000_000),
    ],
)
def test_hedge_words_combine_in_any_order(text: str, expected: int) -> None:
    assert parse_yen(text) == expected


def test_a_unit_inside_hedge_words_is_stripped_too() -> None:
    assert parse_count("12人ほど以上", unit="人") == 12
