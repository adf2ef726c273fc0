"""The HTTP edge: what a request must be before Bolt sees it (used by bot/server.py): a body
no larger than MAX_BODY_BYTES, read at most one byte past the limit, and signature headers
that are ASCII and well formed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

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
