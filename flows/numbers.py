"""Reading numbers that people type in Japanese: 「約10人」, 「３，０００」, 「1.5億円」, 「一億五千万円」.

Everything is checked before it reaches `kanjize`, which on its own accepts non-ASCII digits
(「١٢」→12; only ASCII and full-width digits are read here, NFKC would turn 「𝟒」 into 4 too), truncates decimals silently (「1.5」→1) and uses floats (「1.15億」→114999999).
Decimal multipliers are therefore computed here with exact integer arithmetic.
"""

from __future__ import annotations

import re
import unicodedata

from kanjize import kanji2number

from flows.text import has_foreign_digits

MAX_VALUE = 10**15
MAX_LENGTH = 100

_PREFIXES = ("約", "およそ", "おおよそ", "大体", "だいたい", "ほぼ", "概ね", "おおむね")
_SUFFIXES = ("くらい", "ぐらい", "程度", "前後", "ほど", "以上", "超", "余り", "あまり")
_COUNT_UNITS = (
    *("人", "名", "回", "件", "拠点", "社", "ユーザー", "ユーザ"),
    *("箇所", "個所", "カ所", "ヶ所", "ケ所", "か所"),
)
_YEN_PREFIXES = ("¥", "\\")
_YEN_UNITS = ("円",)
_NEGATIVE = ("-", "−", "‐", "–", "—", "マイナス", "△", "▲")
_RANGE = ("~", "〜", "から", "-", "−", "‐", "‑", "–", "—", "―")

_NEGATIVE_MESSAGE = "マイナスの数は入力できません。0以上の数字で入力してください（例: {}）。"
_DIGITS = re.compile(r"[0-9]+")
_KANJI_NUMBER = re.compile(r"[0-9〇零一二三四五六七八九十百千万億兆京]+")
_DECIMAL = re.compile(r"([0-9]+)\.([0-9]+)([十百千]?[万億兆]?)")
_EXPONENT = re.compile(r"[0-9.]*[0-9][eE][+\-]?[0-9]+")
_THOUSANDS = re.compile(r",(?=[0-9]{3}(?![0-9]))")


class AnswerError(ValueError):
    """A rejected answer; `message` is the Japanese text shown to the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _check_int(value: object, example: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise AnswerError(f"数字で入力してください（例: {example}）。")
    if value < 0:
        raise AnswerError(_NEGATIVE_MESSAGE.format(example))
    if value > MAX_VALUE:
        raise AnswerError("数が大きすぎます。1000兆以下の数字で入力してください。")
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
        raise AnswerError(f"入力が長すぎます。数字だけを入力してください（例: {example}）。")
    if has_foreign_digits(raw):  # NFKC would read 「𝟒」 or 「①」 as 4 and 1
        raise AnswerError(
            f"「{raw.strip()}」は数字として読み取れません。"
            f"0〜9 の数字（半角・全角）で入力してください（例: {example}）。"
        )
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        raise AnswerError(f"数字を入力してください（例: {example}）。")
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise AnswerError(
            f"使えない文字が含まれています。数字だけを入力してください（例: {example}）。"
        )
    number = _strip_words(text, prefixes, suffixes)
    if _EXPONENT.fullmatch(number):
        raise AnswerError(
            "指数表記（1e9 など）は使えません。「10億」や「1000000000」のように入力してください。"
        )
    if number.startswith(_NEGATIVE):
        raise AnswerError(_NEGATIVE_MESSAGE.format(example))
    if any(mark in number for mark in _RANGE):
        raise AnswerError("範囲ではなく、1つの数字で入力してください（例: 15）。")
    number = _THOUSANDS.sub("", number)
    not_a_number = AnswerError(
        f"「{text}」は数字として読み取れません。数字で入力してください（例: {example}）。"
    )
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
    Japanese message says why the answer was rejected and what to type instead.
    """
    example = f"12{unit}"
    return _parse(
        text,
        prefixes=_PREFIXES,
        suffixes=(*_SUFFIXES, *_COUNT_UNITS, unit),
        example=example,
        fraction_message=f"小数は入力できません。整数で入力してください（例: {example}）。",
    )


def parse_yen(text: str | int) -> int:
    """Read an amount in yen (「1.5億円」, 「1億5千万円」, 「￥120,000,000」, 「3000万」).

    Decimal multipliers are exact; a result with a fraction of a yen is rejected. Raises
    AnswerError, whose Japanese message says why and what to type instead.
    """
    return _parse(
        text,
        prefixes=(*_PREFIXES, *_YEN_PREFIXES),
        suffixes=(*_SUFFIXES, *_YEN_UNITS),
        example="1億5000万円",
        fraction_message="1円未満の端数は入力できません。円単位の整数で入力してください（例: 1億5000万円）。",
    )
