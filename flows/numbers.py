"""Reading numbers that people type in Japanese: 「約10人」, 「３，０００」, 「1.5億円」, 「一億五千万円」,
or in English: "about 10 people", "3,000", "1.5 million yen", "150m".

Everything is checked before it reaches `kanjize`, which on its own accepts non-ASCII digits
(「١٢」→12; only ASCII and full-width digits are read here, NFKC would turn 「𝟒」 into 4 too), truncates decimals silently (「1.5」→1) and uses floats (「1.15億」→114999999).
Decimal multipliers are therefore computed here with exact integer arithmetic.
"""

from __future__ import annotations

import re
import unicodedata

from kanjize import kanji2number

from flows.i18n import t
from flows.text import has_foreign_digits

MAX_VALUE = 10**15
MAX_LENGTH = 100

# What people type around a number (never shown: the words people use, in either language).
_PREFIXES = (
    "約",
    "およそ",
    "おおよそ",
    "大体",
    "だいたい",
    "ほぼ",
    "概ね",
    "おおむね",
)  # i18n: input
_SUFFIXES = (
    "くらい",
    "ぐらい",
    "程度",
    "前後",
    "ほど",
    "以上",
    "超",
    "余り",
    "あまり",
)  # i18n: input
_COUNT_UNITS = (
    *("人", "名", "回", "件", "拠点", "社", "ユーザー", "ユーザ"),  # i18n: input
    *("箇所", "個所", "カ所", "ヶ所", "ケ所", "か所"),  # i18n: input
)
_YEN_PREFIXES = ("¥", "\\", "jpy")
_YEN_UNITS = ("円", "yen", "jpy")  # i18n: input
_NEGATIVE = ("-", "−", "‐", "–", "—", "マイナス", "△", "▲")  # i18n: input
_RANGE = ("~", "〜", "から", "-", "−", "‐", "‑", "–", "—", "―", " to ")  # i18n: input
# English: "about 10 people", "roughly 3,000 users", "12 or so", "1.5 million".
_EN_PREFIXES = ("about", "around", "approximately", "approx.", "approx", "roughly", "nearly")
_EN_SUFFIXES = ("or so", "or more", "and more", "+", "plus", "more or less")
_EN_COUNT_UNITS = (
    *("people", "persons", "person", "members", "member", "staff", "users", "user"),
    *("times", "time", "cases", "case", "sites", "site", "locations", "location"),
    *("companies", "company", "systems", "system", "contracts", "contract"),
    *("engagements", "engagement", "teams", "team", "desks", "desk"),
    *("services", "service"),
)
_EN_MULTIPLIERS = {
    "thousand": 10**3,
    "k": 10**3,
    "million": 10**6,
    "mn": 10**6,
    "m": 10**6,
    "billion": 10**9,
    "bn": 10**9,
    "b": 10**9,
    "trillion": 10**12,
}
_EN_SCALED = re.compile(r"([0-9]+)(?:\.([0-9]+))?\s*(" + "|".join(_EN_MULTIPLIERS) + r")")
_DIGITS = re.compile(r"[0-9]+")
_KANJI_NUMBER = re.compile(r"[0-9〇零一二三四五六七八九十百千万億兆京]+")  # i18n: input
_DECIMAL = re.compile(r"([0-9]+)\.([0-9]+)([十百千]?[万億兆]?)")  # i18n: input
_EXPONENT = re.compile(r"[0-9.]*[0-9][eE][+\-]?[0-9]+")
_THOUSANDS = re.compile(r",(?=[0-9]{3}(?![0-9]))")


class AnswerError(ValueError):
    """A rejected answer; `message` is the text shown to the person, in their language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _check_int(value: object, example: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise AnswerError(t("numbers.not_a_number", example=example))
    if value < 0:
        raise AnswerError(t("numbers.negative", example=example))
    if value > MAX_VALUE:
        raise AnswerError(t("numbers.too_large"))
    return value


def _strip_words(text: str, prefixes: tuple[str, ...], suffixes: tuple[str, ...]) -> str:
    changed = True
    while changed and text:
        changed = False
        for word in prefixes:
            if word and text.startswith(word):
                text, changed = text[len(word) :].strip(), True
        for word in suffixes:
            if word and text.endswith(word):
                text, changed = text[: -len(word)].strip(), True
    return text


def _parse(
    raw: str | int,
    *,
    prefixes: tuple[str, ...],
    suffixes: tuple[str, ...],
    example: str,
    fraction_message: str,
) -> int:
    if not isinstance(raw, str):
        return _check_int(raw, example)
    if len(raw) > MAX_LENGTH:
        raise AnswerError(t("numbers.too_long", example=example))
    if has_foreign_digits(raw):  # NFKC would read 「𝟒」 or 「①」 as 4 and 1
        raise AnswerError(t("numbers.foreign_digits", typed=raw.strip(), example=example))
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        raise AnswerError(t("numbers.empty", example=example))
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise AnswerError(t("numbers.control", example=example))
    number = _strip_words(text.casefold(), prefixes, suffixes)
    if _EXPONENT.fullmatch(number):
        raise AnswerError(t("numbers.exponent"))
    if number.startswith(_NEGATIVE):
        raise AnswerError(t("numbers.negative", example=example))
    if any(mark in number for mark in _RANGE):
        raise AnswerError(t("numbers.range"))
    number = _THOUSANDS.sub("", number)
    not_a_number = AnswerError(t("numbers.unreadable", typed=text, example=example))
    if scaled_en := _EN_SCALED.fullmatch(number):  # "1.5 million", "150m", "3k"
        whole, fraction, word = scaled_en.groups()
        fraction = fraction or ""
        scaled, remainder = divmod(
            int(whole + fraction) * _EN_MULTIPLIERS[word], 10 ** len(fraction)
        )
        if remainder:
            raise AnswerError(fraction_message)
        return _check_int(scaled, example)
    if decimal := _DECIMAL.fullmatch(number):
        whole, fraction, multiplier = decimal.groups()
        scale = kanji2number("1" + multiplier) if multiplier else 1
        scaled, remainder = divmod(int(whole + fraction) * scale, 10 ** len(fraction))
        if remainder:
            raise AnswerError(fraction_message)
        return _check_int(scaled, example)
    if _DIGITS.fullmatch(number):
        return _check_int(int(number), example)
    if not _KANJI_NUMBER.fullmatch(number):
        raise not_a_number
    try:
        value = kanji2number(number)
    except (ValueError, ArithmeticError):
        raise not_a_number from None
    return _check_int(value, example)


def parse_count(text: str | int, *, unit: str = "") -> int:
    """Read a whole count of people, times, sites or users (「約12人」, 「三千」, 「３，０００人」).

    `unit` is the fact's own unit, also accepted after the number. Raises AnswerError, whose
    message, in the reader's language, says why the answer was rejected and what to type
    instead.
    """
    example = t("numbers.example_count", unit=unit).strip()
    return _parse(
        text,
        prefixes=(*_PREFIXES, *_EN_PREFIXES),
        suffixes=(*_SUFFIXES, *_COUNT_UNITS, *_EN_SUFFIXES, *_EN_COUNT_UNITS, unit.casefold()),
        example=example,
        fraction_message=t("numbers.fraction_count", example=example),
    )


def parse_yen(text: str | int) -> int:
    """Read an amount in yen (「1.5億円」, 「1億5千万円」, 「￥120,000,000」, 「3000万」).

    Decimal multipliers are exact; a result with a fraction of a yen is rejected. Raises
    AnswerError, whose message, in the reader's language, says why and what to type instead.
    """
    example = t("numbers.example_yen")
    return _parse(
        text,
        prefixes=(*_PREFIXES, *_YEN_PREFIXES, *_EN_PREFIXES),
        suffixes=(*_SUFFIXES, *_YEN_UNITS, *_EN_SUFFIXES),
        example=example,
        fraction_message=t("numbers.fraction_yen", example=example),
    )
