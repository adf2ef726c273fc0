"""The HTTP edge: what a request must be before Bolt and the listeners see it.

Two gates. Before Bolt (bot/server.py): a body no larger than MAX_BODY_BYTES, read at most
one byte past the limit, and signature headers that are ASCII and well formed. After Bolt has
verified the signature (HTTP) or received the payload (Socket Mode): `PayloadShape`, the first
middleware, holds the payload to the shape Bolt's own matchers and our listeners index into
(`body["actions"][0]["action_id"]`, `view["state"]["values"]`, `command["user_id"]`, …), so a
malformed payload is a 400 instead of an exception inside Bolt — where its error handler, which
indexes the same fields again, can fail and surface as a 500.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

log = logging.getLogger("itss.bot")

TIMESTAMP = re.compile(r"[0-9]{1,12}")
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")  # hex HMAC-SHA256, the only scheme Slack uses


class BodyTooLarge(Exception):
    """The request body is larger than the limit (HTTP 413)."""


def read_body(environ: Mapping[str, Any], limit: int) -> bytes:
    """The body, refused with BodyTooLarge before it is read whole: a Content-Length above
    `limit` is refused unread; without one (chunked) at most `limit + 1` bytes are read.
    ValueError for a Content-Length that is not a number."""
    length = str(environ.get("CONTENT_LENGTH") or "").strip()
    if length and not length.isdecimal():
        raise ValueError("Content-Length is not a number")
    stream = environ.get("wsgi.input")
    if length and int(length) > limit:
        raise BodyTooLarge
    if stream is None:
        return b""
    wanted = int(length) if length else limit + 1
    chunks, got = [], 0
    while got < wanted:
        chunk = stream.read(wanted - got)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    if got > limit:
        raise BodyTooLarge
    return b"".join(chunks)


def signature_headers_ok(environ: Mapping[str, Any]) -> bool:
    """Both signature headers are ASCII and could be Slack's. Bolt reads the timestamp with
    int() and compares signatures with hmac.compare_digest, which raises for non-ASCII text."""
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
    return bool(TIMESTAMP.fullmatch(timestamp) and SIGNATURE.fullmatch(signature))


# ---------------------------------------------------------------------- payload shapes


@dataclass(frozen=True)
class Field:
    """One field of a payload object: its type, whether it must be there, and what is inside.
    `fields` describes an object; `each` every element of a list (which must not be empty)
    or every value of an object used as a map (state values by block id)."""

    type: type[Any]
    required: bool = True
    fields: Mapping[str, Field] | None = None
    each: Field | None = None


Shape = Mapping[str, Field]


def need(kind: type[Any] = str, **fields: Field) -> Field:
    return Field(kind, True, fields or None)


def may(kind: type[Any] = str, **fields: Field) -> Field:
    """Absent or null, or of this type."""
    return Field(kind, False, fields or None)


def listing(element: Shape) -> Field:
    return Field(list, True, each=Field(dict, True, element))


def by_id(inner: Field) -> Field:
    return Field(dict, True, each=inner)


USER = need(dict, id=need(), team_id=may())
TEAM = may(dict, id=need())  # null in org-wide installs
VALUES = by_id(by_id(need(dict)))  # state.values[block_id][action_id] = {type, value, …}
ACTION: Shape = {
    "action_id": need(),
    "block_id": may(),
    "value": may(),
    "type": may(),
    "action_ts": may(),
}

# What each kind of payload must hold: what Bolt's matchers read and what bot/listeners/ reads
# from `body`, `action`, `view`, `command` and `event`.
SHAPES: Mapping[str, Shape] = {
    "block_actions": {
        "user": USER,
        "team": TEAM,
        "actions": listing(ACTION),
        "container": may(dict, channel_id=may(), message_ts=may()),
        "state": may(dict, values=VALUES),
        "trigger_id": may(),
        "response_url": may(),
    },
    "view_submission": {
        "user": USER,
        "team": TEAM,
        "view": need(
            dict, callback_id=need(), private_metadata=may(), state=need(dict, values=VALUES)
        ),
        "trigger_id": may(),
    },
    "slash_command": {
        "command": need(),
        "user_id": need(),
        "team_id": need(),
        "text": may(),
        "channel_id": may(),
        "response_url": may(),
        "trigger_id": may(),
    },
    "event_callback": {
        "team_id": need(),
        "event_id": may(),
        "event": need(dict, type=need()),
    },
    "url_verification": {"challenge": need()},
}

# Events are refined by their type; other event types only need the envelope above.
EVENTS: Mapping[str, Shape] = {
    "app_home_opened": {"user": need(), "tab": may()},
    "message": {"user": may(), "bot_id": may(), "subtype": may(), "channel_type": may()},
}


def problem(value: Any, shape: Shape, where: str = "") -> str | None:
    """The first place where `value` (an object) does not fit `shape`, or None."""
    for name, field in shape.items():
        path = f"{where}.{name}" if where else name
        found = _misfit(value.get(name), field, path)
        if found:
            return found
    return None


def _misfit(value: Any, field: Field, path: str) -> str | None:
    if value is None:
        return f"{path}: missing" if field.required else None
    if not isinstance(value, field.type):
        return f"{path}: not a {field.type.__name__}"
    if field.fields is not None:
        found = problem(value, field.fields, path)
        if found:
            return found
    if field.each is not None:
        items: dict[Any, Any] = value if isinstance(value, dict) else dict(enumerate(value))
        if not items and isinstance(value, list):
            return f"{path}: empty"
        for key, item in items.items():
            found = _misfit(item, field.each, f"{path}[{key}]")
            if found:
                return found
    return None


def kind_of(body: Mapping[str, Any]) -> str:
    """The SHAPES key. A `command` field makes a slash command whatever else is there: Bolt's
    command listeners match on that field alone."""
    if "command" in body:
        return "slash_command"
    kind = body.get("type")
    return kind if isinstance(kind, str) else "?"


def payload_problem(body: Any) -> str | None:
    """Why a payload cannot be handed to the listeners, or None when it can."""
    if not isinstance(body, dict):
        return "not a JSON object"
    kind = kind_of(body)
    shape = SHAPES.get(kind)
    if shape is None:
        return f"payload type {kind[:40]!r} is not served"
    found = problem(body, shape)
    if found or kind != "event_callback":
        return found
    event_shape = EVENTS.get(body["event"]["type"])
    return problem(body["event"], event_shape, "event") if event_shape else None


class PayloadShape(Middleware):
    """First middleware (after Bolt's signature check, in both HTTP and Socket Mode): a
    payload that does not fit SHAPES gets 400 and a one-line warning naming the field."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        found = payload_problem(req.body)
        if found is None:
            return next()
        log.warning("malformed Slack payload refused: %s", found)
        return BoltResponse(status=400, body=f"bad request: {found}")
