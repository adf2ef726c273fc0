"""Text normalisation for matching Japanese definitions against what people type.

`normalize` makes spelling variants equal:

* NFKC folds full-width ASCII and digits (``ＳＬＡ４`` → ``SLA4``) and half-width katakana
  (``ﾒﾝﾊﾞｰ`` → ``メンバー``); casefold makes ``SLA``/``sla`` equal.
* Katakana long vowels are dropped: every ``ー`` (or a dash typed in its place) that follows a
  katakana character is removed, so カスタマー/カスタマ, メンバー/メンバ, リーダー/リーダ,
  ユーザー/ユーザ and プロトコール/プロトコル all become the same string. Applied to both the
  data and the query, this never loses a match; it only merges words that differ by a long vowel.
* Control and zero-width characters become spaces.

`compact` additionally removes spaces and the separators ``・ 、 ,`` so that ``10 人`` matches
``10人`` and ``ユーザ・ニーズ`` matches ``ユーザニーズ``. Substring matching is done on compact text,
because Japanese has no spaces between words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

KATAKANA = "\u30a1-\u30fa"  # ァ … ヺ (excludes ・ U+30FB and ー U+30FC)
# ー and dashes people type in its place (after NFKC, full-width － is already "-").
LONG_VOWELS = "ー\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\\-"

_LONG_VOWEL_RE = re.compile(f"(?<=[{KATAKANA}])[{LONG_VOWELS}]+")
_CONTROL_RE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]"
)
_COMPACT_RE = re.compile(r"[\s・、,]+")
_SPACES_RE = re.compile(r"\s+")


def clean(text: str) -> str:
    """NFKC, control characters to spaces, whitespace collapsed; case and ー kept (display form)."""
    text = _CONTROL_RE.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    return _SPACES_RE.sub(" ", text).strip()


def fold_long_vowels(text: str) -> str:
    """Remove katakana long-vowel marks: カスタマー → カスタマ, プロトコール → プロトコル."""
    return _LONG_VOWEL_RE.sub("", text)


def _fixpoint(text: str, step: Callable[[str], str]) -> str:
    # NFKC, casefold and removing ー can each enable another change on rare inputs
    # (a combining mark that composes once the ー before it is gone); repeat until stable.
    for _ in range(4):
        changed = step(text)
        if changed == text:
            break
        text = changed
    return text


def _normalize_step(text: str) -> str:
    return fold_long_vowels(unicodedata.normalize("NFKC", text.casefold()))


def _compact_step(text: str) -> str:
    # Separators go first, so that ー after カ・ is folded too.
    return fold_long_vowels(_COMPACT_RE.sub("", unicodedata.normalize("NFKC", text.casefold())))


def normalize(text: str) -> str:
    """Matching form with spaces kept: NFKC, casefold, long vowels folded."""
    return _fixpoint(clean(text), _normalize_step)


def compact(text: str) -> str:
    """Matching form without spaces and ・、, separators; used for substring matching.

    compact(compact(x)) == compact(x).
    """
    return _fixpoint(clean(text), _compact_step)


def is_katakana(char: str) -> bool:
    return "\u30a1" <= char <= "\u30fa"
