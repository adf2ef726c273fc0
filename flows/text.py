"""Text people type, made safe to keep and to show again.

Control characters (other than line breaks and tab) and the Unicode bidi controls are removed: a
stored ``\\x1b[2J`` or a U+202E RIGHT-TO-LEFT OVERRIDE would otherwise reach a manager's screen
and can make a note read differently from what was typed (the "Trojan Source" trick,
https://trojansource.codes/). Digits other than ASCII and full-width ones are refused, since
``int()`` and NFKC quietly read ``٤`` or ``𝟒`` as 4.
"""

from __future__ import annotations

import unicodedata

KEPT_CONTROLS = frozenset("\n\t")
BIDI_CONTROLS = frozenset(
    chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)
)
_FULL_WIDTH_DIGITS = frozenset("０１２３４５６７８９")  # i18n: input


def clean(text: str) -> str:
    """`text` without control characters and bidi controls. Line breaks (`\n`, and `\r\n`
    as typed on Windows) and tabs stay; a lone `\r`, which a terminal uses to overwrite a
    line, does not."""
    return "".join(
        ch
        for i, ch in enumerate(text)
        if ch not in BIDI_CONTROLS
        and (
            ch in KEPT_CONTROLS
            or unicodedata.category(ch) != "Cc"
            or (ch == "\r" and text.startswith("\n", i + 1))
        )
    )


def has_foreign_digits(text: str) -> bool:
    """True when `text` has a digit that is neither ASCII 0-9 nor full-width ０-９
    (Arabic-Indic ٤, Devanagari ४, mathematical 𝟒, circled ①, superscript ² ...)."""
    return any(ch.isdigit() and not ("0" <= ch <= "9" or ch in _FULL_WIDTH_DIGITS) for ch in text)
