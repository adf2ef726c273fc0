"""The words the bot says, in the reader's language, from gettext catalogs. Pure.

Every UI string is a key looked up in `flows/locale/<lang>/LC_MESSAGES/*.po` (one file per
area of the app; keys are unique across files), read with Babel. Keys are ids
(``result.header``), not source text, so that the Japanese wording can change without
touching code and a key missing from either catalog is a test failure
(tests/test_i18n_catalogs.py), as is a Japanese string literal in code that bypasses them.

The language is the reader's, not the sender's: `using("en")` sets it for the code it
wraps (a contextvar, so threads and requests never share it); the Slack adapter sets it per
request from the person's Slack locale or their `/itss lang` choice, and per recipient for
messages sent to someone else (bot/locales.py). Japanese is the default. docs/i18n.md has
the conventions.

The standard's own texts (the seed) are never translated: they are data, shown as they are,
with the English names of dimensions and levels beside them (framework_data/translate.py).
"""

from __future__ import annotations

import gettext as _gettext
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Literal, get_args

from babel.dates import format_date, format_datetime
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

Locale = Literal["ja", "en"]
LOCALES: tuple[Locale, ...] = get_args(Locale)
DEFAULT: Locale = "ja"
CATALOGS = Path(__file__).parent / "locale"

log = logging.getLogger("itss.i18n")
_current: ContextVar[Locale] = ContextVar("itss_locale", default=DEFAULT)


def current() -> Locale:
    """The language of whoever reads what is being rendered now."""
    return _current.get()


@contextmanager
def using(locale: Locale) -> Iterator[None]:
    """Render in `locale` inside the block, then go back to what it was."""
    token = _current.set(locale)
    try:
        yield
    finally:
        _current.reset(token)


def set_current(locale: Locale) -> None:
    """Render in `locale` from now on, in this thread's context: for the start of a request
    whose handling cannot be wrapped in `using` (Bolt runs its listeners after the
    middleware has returned). Whoever calls it must call it at the start of every request."""
    _current.set(locale)


def of(name: str | None) -> Locale | None:
    """The supported language `name` asks for (``en``, ``en-US``, ``ja_JP``, ``English``,
    ``日本語``), or None."""
    if not name:
        return None
    folded = name.strip().lower().replace("_", "-")
    aliases: dict[str, Locale] = {"english": "en", "日本語": "ja", "japanese": "ja"}  # i18n: input
    aliases.update({locale: locale for locale in LOCALES})
    return aliases.get(folded) or aliases.get(folded.split("-", 1)[0])


def from_slack(slack_locale: str | None) -> Locale:
    """The language for a Slack locale (users.info `locale`, e.g. ``en-US``): Japanese for
    ``ja-*`` and when Slack does not say; English for every other language, since someone who
    reads Slack in French reads English more easily than Japanese (docs/i18n.md)."""
    if not slack_locale:
        return DEFAULT
    return of(slack_locale) or "en"


@dataclass(frozen=True)
class Entry:
    """One message: a string, or the plural forms of one."""

    forms: tuple[str, ...]
    source: str  # the .po file it came from, for the checks
    plural: bool


@dataclass(frozen=True)
class Catalog:
    locale: Locale
    entries: Mapping[str, Entry]
    plural: Callable[[int], int]


@cache
def catalog(locale: Locale) -> Catalog:
    """Every message of `locale`, from all of its .po files."""
    entries: dict[str, Entry] = {}
    plural: Callable[[int], int] = lambda n: 0  # noqa: E731 - replaced by the header's rule
    for path in sorted((CATALOGS / locale / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as f:
            po = read_po(f, locale=locale)
        plural = _gettext.c2py(po.plural_expr)
        for message in po:
            if not message.id:
                continue
            key = str(message.id[0] if isinstance(message.id, tuple) else message.id)
            if key in entries:
                raise ValueError(f"{path.name}: {key} is also in {entries[key].source}")
            raw = message.string if isinstance(message.string, tuple) else (message.string,)
            forms = tuple(str(s or "") for s in raw)
            entries[key] = Entry(forms, path.name, message.pluralizable)
    return Catalog(locale, entries, plural)


def _lookup(key: str, n: int | None) -> str:
    for locale in (current(), DEFAULT):
        entry = catalog(locale).entries.get(key)
        if entry is not None and entry.forms[0]:
            index = 0 if n is None else catalog(locale).plural(n)
            return entry.forms[min(index, len(entry.forms) - 1)] or entry.forms[0]
    log.error("no message %r in any catalog", key)
    return key


def t(key: str, /, **params: object) -> str:
    """The message `key` in the reader's language, with `params` filled in (``{name}``)."""
    text = _lookup(key, None)
    return text.format(**params) if params else text


class _Count(int):
    """A count as ``{n}`` shows it: as the reader writes numbers (``1,000``), or by the
    message's own format spec: ``{n:d}`` is ``1000``, for the Japanese screens that have
    always written counts without separators (「5000 人」)."""

    def __format__(self, spec: str) -> str:
        return format(int(self), spec) if spec else number(int(self))


def tn(key: str, n: int, /, **params: object) -> str:
    """The plural form of `key` for the count `n` (``{n}`` is filled in, as a number;
    ``{n:d}`` without separators)."""
    return _lookup(key, n).format(n=_Count(n), **params)


def t_of(family: str, member: str, /, **params: object) -> str:
    """The message for one member of a family of keys (``status`` + ``met`` →
    ``status.met``): the checks count every key of a family used when one is."""
    return t(f"{family}.{member}", **params)


def _babel_locale() -> str:
    return {"ja": "ja_JP", "en": "en_US"}[current()]


def number(n: int | float) -> str:
    """A number as the reader writes it (``1,000``)."""
    return format_decimal(n, locale=_babel_locale())


def yen(amount: int) -> str:
    """An amount of yen: ``150,000,000円`` in Japanese, ``¥150,000,000`` in English."""
    return t("format.yen", amount=number(amount))


_DATE = {"ja": "yyyy-MM-dd", "en": "MMM d, yyyy"}
_DATETIME = {"ja": "yyyy-MM-dd HH:mm", "en": "MMM d, yyyy HH:mm"}


def day(d: date) -> str:
    """A date: ``2026-12-01`` in Japanese, ``Dec 1, 2026`` in English."""
    return format_date(d, _DATE[current()], locale=_babel_locale())


def moment(at: datetime) -> str:
    """A date and time as given (the caller names the zone): ``2026-12-01 09:00``,
    ``Dec 1, 2026 09:00``."""
    return format_datetime(at, _DATETIME[current()], locale=_babel_locale())
