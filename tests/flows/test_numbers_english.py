"""Numbers as English readers type them, and the reasons for a refusal in English
(flows/numbers.py; the Japanese readings and messages: test_numbers.py)."""

from __future__ import annotations

import pytest

from flows.i18n import using
from flows.numbers import AnswerError, parse_count, parse_yen
from tests.i18n_check import japanese_left


@pytest.mark.parametrize(
    ("typed", "count"),
    [
        ("12", 12),
        ("about 10 people", 10),
        ("Around 3,000 users", 3000),
        ("12 or so", 12),
        ("40+", 40),
        ("3 systems", 3),
        ("1 contract", 1),
        ("2k", 2000),
        ("1.5 thousand", 1500),
        ("約10人", 10),  # Japanese stays readable whatever the reader's language
    ],
)
def test_english_counts(typed: str, count: int) -> None:
    with using("en"):
        assert parse_count(typed, unit="systems") == count


@pytest.mark.parametrize(
    ("typed", "yen"),
    [
        ("150000000", 150_000_000),
        ("¥150,000,000", 150_000_000),
        ("150 million yen", 150_000_000),
        ("1.5 billion", 1_500_000_000),
        ("150m", 150_000_000),
        ("JPY 3,000", 3000),
        ("about 2.5 million", 2_500_000),
        ("1.5億円", 150_000_000),
    ],
)
def test_english_amounts_of_yen(typed: str, yen: int) -> None:
    with using("en"):
        assert parse_yen(typed) == yen


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("lots", "“lots” can't be read as a number. Please enter a number (e.g. 12 systems)."),
        ("10 to 20", "Enter a single number, not a range (e.g. 15)."),
        ("-3", "Negative numbers can't be entered. Enter 0 or more (e.g. 12 systems)."),
        ("1.5", "Decimals can't be entered. Enter a whole number (e.g. 12 systems)."),
        (
            "1e9",
            "Scientific notation (such as 1e9) can't be used. Enter “1000000000” or “1 billion”.",
        ),
        ("", "Please enter a number (e.g. 12 systems)."),
    ],
)
def test_a_refused_count_says_why_in_english(typed: str, reason: str) -> None:
    with using("en"), pytest.raises(AnswerError) as refused:
        parse_count(typed, unit="systems")
    assert refused.value.message == reason
    assert japanese_left(refused.value.message) == []


def test_a_fraction_of_a_yen_is_refused_in_english() -> None:
    with using("en"), pytest.raises(AnswerError) as refused:
        parse_yen("1.0000005 million")
    assert refused.value.message == (
        "Fractions of a yen can't be entered. Enter a whole number of yen (e.g. 150 million)."
    )


def test_the_same_refusal_in_japanese_is_unchanged() -> None:
    with pytest.raises(AnswerError) as refused:
        parse_count("たくさん", unit="件")
    assert refused.value.message == (
        "「たくさん」は数字として読み取れません。数字で入力してください（例: 12件）。"
    )
