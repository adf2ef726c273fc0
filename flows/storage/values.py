"""Reading one stored value: the rule for data written by another version (docs/storage.md).

A value whose JSON object has a `schema_version` higher than this code knows is from a newer
version; a value that is not JSON or does not validate is corrupt. Either way `read` raises
UnreadableRecordError naming where the value is stored and logs one WARNING saying so — never
the value itself, which may hold a person's answers. Callers that serve many values skip the
one that failed; the value stays stored.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import TypeVar

from pydantic import ValidationError

from flows.session import SESSION_VERSION
from flows.storage.base import UnreadableRecordError

T = TypeVar("T")

log = logging.getLogger("itss.storage")


def read(
    validate: Callable[[bytes | str], T],
    raw: bytes | str,
    where: str,
    what: str,
    newest: int = SESSION_VERSION,
) -> T:
    """`validate(raw)` (e.g. `Model.model_validate_json`); on failure UnreadableRecordError,
    logged. `what` says what the value should be, for the log; `newest` is the highest
    `schema_version` of it this code reads (a higher one is a newer release's)."""
    try:
        return validate(raw)
    except ValidationError as exc:
        error = unreadable(raw, where, f"not a valid {what}: {problem(exc)}", newest)
    log.warning("%s", error)
    raise error


def read_or_skip(
    validate: Callable[[bytes | str], T],
    raw: bytes | str,
    where: str,
    what: str,
    newest: int = SESSION_VERSION,
) -> T | None:
    """As `read`, but None for a value that cannot be read (logged): for readers of many."""
    try:
        return read(validate, raw, where, what, newest)
    except UnreadableRecordError:
        return None


def unreadable(
    raw: bytes | str, where: str, detail: str, newest: int = SESSION_VERSION
) -> UnreadableRecordError:
    """Classify a value that did not validate: from a newer version, or corrupt."""
    version = schema_version(raw)
    if version is not None and version > newest:
        detail = f"schema_version {version}, this version reads up to {newest}"
        return UnreadableRecordError(where, detail, newer=True)
    return UnreadableRecordError(where, detail, newer=False)


def schema_version(raw: bytes | str) -> int | None:
    """The `schema_version` of a JSON object, None when there is none (or no JSON object)."""
    try:
        data = json.loads(raw)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError
        return None
    version = data.get("schema_version") if isinstance(data, dict) else None
    return version if type(version) is int else None


def problem(exc: ValidationError) -> str:
    """Where and what kind of error, without the input: top-level field and error type."""
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    parts = [f"{e['loc'][0] if e['loc'] else 'value'}: {e['type']}" for e in errors[:3]]
    more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
    return "; ".join(parts) + more
