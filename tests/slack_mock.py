"""A local stand-in for the Slack Web API that records every call.

Point slack_sdk's ``WebClient(base_url=...)`` (our ``SLACK_API_URL``) at ``MockSlackApi.url``
and every ``POST /api/<method>`` lands here: it is answered with a realistic ``ok: true``
payload and recorded as a :class:`Call`. The Bolt app sends most Web API calls after it has
acked, from a background thread, so tests should use :meth:`MockSlackApi.wait_for` rather than
reading :meth:`MockSlackApi.calls` straight after the HTTP response.

Usage::

    with MockSlackApi() as slack:
        slack.set_user("U123", is_admin=True)
        slack.fail("chat.postMessage", status=429, retry_after=0)
        ...  # drive the app
        (post,) = slack.wait_for("chat.postMessage", where=lambda c: c.args["channel"] == "DU123")
        assert post.args["blocks"][0]["type"] == "header"

Form-encoded arguments that carry JSON (``blocks``, ``attachments``, ``view``, ``files``,
``metadata`` ...) are decoded in ``Call.args`` so form and JSON bodies look the same; the raw
request body stays in ``Call.body``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from tests.blockkit import payload_problems

__all__ = ["Call", "MockSlackApi"]

TEAM_ID = "T0001"
TEAM_DOMAIN = "itss-test"
BOT_USER_ID = "UBOT"
BOT_ID = "B0001"
APP_ID = "A0001"

# Form fields slack_sdk serialises with json.dumps; decoded so tests can inspect them directly.
JSON_FIELDS = frozenset(
    {
        "attachments",
        "blocks",
        "files",
        "metadata",
        "outputs",
        "unfurls",
        "user_auth_blocks",
        "view",
    }
)

Where = Callable[["Call"], bool]
Matches = Callable[[dict[str, Any]], bool]
"""A predicate on a call's arguments: which calls an injected fault or delay applies to."""


@dataclass(frozen=True)
class Call:
    """One request received by the mock.

    ``method`` is the Web API method ("chat.postMessage") or "upload" for the raw file upload
    step; ``args`` merges query string and body (JSON-ish form fields decoded); ``headers`` has
    lower-cased names; ``at`` is ``time.monotonic()`` on arrival; ``status`` is the HTTP status
    answered; ``response`` the JSON payload answered (None for non-JSON answers).
    """

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    at: float
    body: bytes = b""
    status: int = 200
    response: dict[str, Any] | None = None

    @property
    def token(self) -> str | None:
        """The token the caller used (``Authorization: Bearer`` header or ``token`` arg)."""
        auth = self.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        token = self.args.get("token")
        return str(token) if token is not None else None


@dataclass
class _Fault:
    times: int
    status: int
    retry_after: int
    error: str | None
    where: Matches | None = None


@dataclass
class _Delay:
    times: int
    seconds: float
    where: Matches | None = None


@dataclass
class _Override:
    times: int | None
    payload: dict[str, Any]


@dataclass
class _User:
    id: str
    name: str
    real_name: str
    is_admin: bool = False
    is_owner: bool = False
    deleted: bool = False
    is_bot: bool = False
    tz: str = "Asia/Tokyo"
    extra: dict[str, Any] = field(default_factory=dict)

    def as_slack(self) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": self.id,
            "team_id": TEAM_ID,
            "name": self.name,
            "deleted": self.deleted,
            "color": "9f69e7",
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": "Japan Standard Time",
            "tz_offset": 32400,
            "profile": {
                "real_name": self.real_name,
                "real_name_normalized": self.real_name,
                "display_name": self.name,
                "display_name_normalized": self.name,
                "team": TEAM_ID,
            },
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": self.is_owner,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1700000000,
        }
        user.update(self.extra)
        return user


def _with_locale(user: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
    """Slack sends `locale` (``ja-JP`` unless set_user gave another) only when asked with
    `include_locale`."""
    if str(args.get("include_locale", "")).lower() in ("1", "true"):
        user.setdefault("locale", "ja-JP")
    else:
        user.pop("locale", None)
    return user


def _flatten_form(raw: str) -> dict[str, Any]:
    return {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}


def _decode_json_fields(args: dict[str, Any]) -> dict[str, Any]:
    for key in JSON_FIELDS & args.keys():
        value = args[key]
        if isinstance(value, str) and value[:1] in ("[", "{"):
            with contextlib.suppress(json.JSONDecodeError):
                args[key] = json.loads(value)
    return args


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    args: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or not name:
            continue
        raw = part.get_payload(decode=True)
        payload = raw if isinstance(raw, bytes) else b""
        filename = part.get_filename()
        if filename:
            args[name] = payload
            args[f"{name}__filename"] = filename
        else:
            args[name] = payload.decode("utf-8", "replace")
    return args


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = True

    def __init__(self, api: MockSlackApi) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.api = api

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet: clients that time out on a delayed call close the socket early."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"
    server_version = "MockSlackApi/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """No request logging."""

    def do_POST(self) -> None:
        self._handle()

    def do_GET(self) -> None:
        self._handle()

    def _handle(self) -> None:
        arrived = time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        split = urlsplit(self.path)
        status, out_headers, payload = self.server.api._dispatch(
            split.path, split.query, headers, body, arrived
        )
        try:
            self.send_response(status)
            for name, value in out_headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            pass  # the client gave up (timeout test); nothing to answer


class MockSlackApi:
    """A recording Slack Web API on 127.0.0.1 (OS-assigned port), served from a daemon thread."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._calls: list[Call] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._delays: dict[str, list[_Delay]] = {}
        self._overrides: dict[str, list[_Override]] = {}
        self._users: dict[str, _User] = {}
        self._missing: set[str] = set()
        self._files: dict[str, dict[str, Any]] = {}
        self._ts = 0
        self._ids = 0
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.users_page_size: int | None = None
        """Cap on users.list page size (the caller's ``limit`` still applies when smaller)."""
        self.invalid: list[str] = []
        """Block Kit Slack would have refused (tests/blockkit.py), answered `invalid_blocks`;
        the `api` fixtures fail a test that leaves any here."""

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> Self:
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="MockSlackApi",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()  # wake handlers sleeping in an injected delay
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        if self.invalid and exc[0] is None:
            raise AssertionError("Block Kit Slack would refuse:\n" + "\n".join(self.invalid))

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:<port>`` (no trailing slash)."""
        if self._server is None:
            raise RuntimeError("MockSlackApi is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def hooks_url(self) -> str:
        """Stand-in for ``https://hooks.slack.com``: ``POST <hooks_url>/...`` is recorded as
        method "response_url" (JSON body in ``args``, the path in ``args["_path"]``)."""
        return f"{self.origin}/hooks"

    @property
    def url(self) -> str:
        """Base URL for ``WebClient(base_url=...)`` / ``SLACK_API_URL``; ends with ``/api/``."""
        return f"{self.origin}/api/"

    # ------------------------------------------------------------------ recorded calls

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def methods(self) -> list[str]:
        """Recorded method names in arrival order."""
        with self._lock:
            return [c.method for c in self._calls]

    def uploads(self, suffix: str = "") -> list[Call]:
        """The raw file uploads (method "upload") of files whose name ends with `suffix`."""
        return [c for c in self.calls("upload") if str(c.args.get("filename")).endswith(suffix)]

    def clear(self) -> None:
        """Forget recorded calls (configuration, faults and delays stay)."""
        with self._lock:
            self._calls.clear()

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        where: Where | None = None,
    ) -> list[Call]:
        """Block until at least ``count`` matching calls were recorded; return all matches."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [
                    c for c in self._calls if c.method == method and (where is None or where(c))
                ]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    recorded = [c.method for c in self._calls]
                    raise AssertionError(
                        f"expected {count} {method!r} call(s)"
                        f"{' matching the predicate' if where else ''} within {timeout}s, "
                        f"got {len(found)}; recorded: {recorded}"
                    )
                self._lock.wait(min(remaining, 0.05))

    def assert_not_called(
        self, method: str, within: float = 0.3, where: Where | None = None
    ) -> None:
        """Wait ``within`` seconds and assert no matching call arrived."""
        time.sleep(within)
        found = [c for c in self.calls(method) if where is None or where(c)]
        assert not found, f"unexpected {method!r} call(s): {[c.args for c in found]}"

    # ------------------------------------------------------------------ configuration

    def set_user(
        self,
        user_id: str,
        *,
        is_admin: bool = False,
        is_owner: bool = False,
        deleted: bool = False,
        name: str | None = None,
        real_name: str | None = None,
        is_bot: bool = False,
        tz: str = "Asia/Tokyo",
        **extra: Any,
    ) -> None:
        """Configure a user for users.info / users.list (extra keys are merged into the user)."""
        with self._lock:
            self._missing.discard(user_id)
            self._users[user_id] = _User(
                id=user_id,
                name=name or user_id.lower(),
                real_name=real_name or name or user_id,
                is_admin=is_admin,
                is_owner=is_owner,
                deleted=deleted,
                is_bot=is_bot,
                tz=tz,
                extra=dict(extra),
            )

    def missing_user(self, user_id: str) -> None:
        """users.info for this id answers ``{"ok": false, "error": "user_not_found"}``."""
        with self._lock:
            self._users.pop(user_id, None)
            self._missing.add(user_id)

    def fail(
        self,
        method: str,
        *,
        times: int = 1,
        status: int = 500,
        retry_after: int = 1,
        error: str | None = None,
        where: Matches | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (those whose arguments ``where``
        accepts, when given) fail.

        With ``error``: HTTP 200 ``{"ok": false, "error": error}``. Otherwise HTTP ``status``
        (429 adds ``Retry-After: retry_after``).
        """
        with self._lock:
            fault = _Fault(times, status, retry_after, error, where)
            self._faults.setdefault(method, []).append(fault)

    def delay(
        self, method: str, seconds: float, times: int = 1, where: Matches | None = None
    ) -> None:
        """Hold the answer to the next ``times`` calls of ``method`` (those whose arguments
        ``where`` accepts, when given) for ``seconds``. The call is recorded (and, for
        chat.postMessage, shows in conversations.history) on arrival, before the hold."""
        with self._lock:
            self._delays.setdefault(method, []).append(_Delay(times, seconds, where))

    def override(self, method: str, payload: dict[str, Any], times: int | None = None) -> None:
        """Answer ``method`` with ``payload`` (HTTP 200) for ``times`` calls (None: always)."""
        with self._lock:
            self._overrides.setdefault(method, []).append(_Override(times, dict(payload)))

    def reset(self) -> None:
        """Forget calls, faults, delays, overrides and configured users."""
        with self._lock:
            self._calls.clear()
            self._faults.clear()
            self._delays.clear()
            self._overrides.clear()
            self._users.clear()
            self._missing.clear()

    # ------------------------------------------------------------------ request handling

    def _take(
        self, table: dict[str, list[Any]], method: str, args: dict[str, Any] | None = None
    ) -> Any:
        """The first queued item for `method` that applies to a call with `args`, used up
        once."""
        queue = table.get(method) or []
        for i, item in enumerate(queue):
            where = getattr(item, "where", None)
            if where is not None and (args is None or not where(args)):
                continue
            if item.times is not None:
                item.times -= 1
                if item.times <= 0:
                    del queue[i]
            return item
        return None

    def _dispatch(
        self, path: str, query: str, headers: dict[str, str], body: bytes, arrived: float
    ) -> tuple[int, dict[str, str], bytes]:
        if path.startswith("/upload/"):
            return self._upload(path.removeprefix("/upload/"), headers, body, arrived)
        if path.startswith("/hooks/"):
            return self._hook(path, headers, body, arrived)
        if not path.startswith("/api/"):
            payload = {"ok": False, "error": "unknown_method"}
            return 404, {"Content-Type": "application/json"}, json.dumps(payload).encode()

        method = path.removeprefix("/api/")
        args = _flatten_form(query)
        content_type = headers.get("content-type", "")
        if "application/json" in content_type:
            try:
                data = json.loads(body or b"{}")
            except json.JSONDecodeError:
                data = {}
            if isinstance(data, dict):
                args.update(data)
        elif content_type.startswith("multipart/form-data"):
            args.update(_parse_multipart(content_type, body))
        elif body:
            args.update(_flatten_form(body.decode("utf-8", "replace")))
        _decode_json_fields(args)

        with self._lock:
            fault: _Fault | None = self._take(self._faults, method, args)
            delay: _Delay | None = self._take(self._delays, method, args)
            out_headers = {"Content-Type": "application/json; charset=utf-8"}
            status = 200
            if fault is not None and fault.error is None:
                status = fault.status
                error = "ratelimited" if status == 429 else "internal_error"
                response: dict[str, Any] = {"ok": False, "error": error}
                if status == 429:
                    out_headers["Retry-After"] = str(fault.retry_after)
            elif fault is not None:
                response = {"ok": False, "error": fault.error}
            elif (override := self._take(self._overrides, method)) is not None:
                response = dict(override.payload)
            elif not _token_of(headers, args) and method != "api.test":
                response = {"ok": False, "error": "not_authed"}
            elif found := payload_problems(method, args):
                self.invalid += found
                response = {"ok": False, "error": "invalid_blocks", "errors": found}
            else:
                response = self._answer(method, args)
            self._calls.append(
                Call(method, args, headers, arrived, body=body, status=status, response=response)
            )
            self._lock.notify_all()

        if delay is not None:
            self._stopping.wait(delay.seconds)
        return status, out_headers, json.dumps(response).encode()

    def _upload(
        self, file_id: str, headers: dict[str, str], body: bytes, arrived: float
    ) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            fault: _Fault | None = self._take(self._faults, "upload")
            if fault is not None:
                status, text = fault.status, f"error - {fault.status}"
            elif file_id not in self._files:
                status, text = 404, "file not found"
            else:
                self._files[file_id]["size"] = len(body)
                status, text = 200, f"OK - {len(body)}"
            name = self._files.get(file_id, {}).get("filename", "")
            self._calls.append(
                Call(
                    "upload",
                    {"_body": body, "file_id": file_id, "filename": name},
                    headers,
                    arrived,
                    body=body,
                    status=status,
                )
            )
            self._lock.notify_all()
        return status, {"Content-Type": "text/plain; charset=utf-8"}, text.encode()

    def _hook(
        self, path: str, headers: dict[str, str], body: bytes, arrived: float
    ) -> tuple[int, dict[str, str], bytes]:
        try:
            data = json.loads(body or b"{}")
        except json.JSONDecodeError:
            data = _flatten_form(body.decode("utf-8", "replace"))
        args: dict[str, Any] = dict(data) if isinstance(data, dict) else {"_json": data}
        args["_path"] = path
        with self._lock:
            fault: _Fault | None = self._take(self._faults, "response_url")
            status = fault.status if fault is not None else 200
            if found := payload_problems("response_url", args):
                self.invalid += found
                status = 400  # Slack answers a response_url reply it refuses with HTTP 400
            self._calls.append(
                Call("response_url", args, headers, arrived, body=body, status=status)
            )
            self._lock.notify_all()
        text = "ok" if status == 200 else "error"
        return status, {"Content-Type": "text/plain; charset=utf-8"}, text.encode()

    def _next_ts(self) -> str:
        self._ts += 1
        micros = 1_700_000_000_000_000 + 100 * self._ts
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        self._ids += 1
        return f"{prefix}{self._ids:07d}"

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return {"ok": True}
        result: dict[str, Any] = handler(args)
        return result

    # --- methods (called under self._lock)

    def _m_api_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "args": {k: v for k, v in args.items() if k != "token"}}

    def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": "ITSS Test",
            "user": "itss-bot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _channel_for(self, channel: str) -> str:
        return f"D{channel}" if channel[:1] in ("U", "W") else channel

    def _message(self, args: dict[str, Any], ts: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "subtype": "bot_message",
            "text": args.get("text", ""),
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "ts": ts,
        }
        for key in ("blocks", "attachments", "metadata", "thread_ts"):
            if key in args:
                message[key] = args[key]
        return message

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        ts = self._next_ts()
        return {
            "ok": True,
            "channel": self._channel_for(channel),
            "ts": ts,
            "message": self._message(args, ts),
        }

    def _m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        """The messages chat.postMessage put in the channel, newest first (metadata only
        with include_all_metadata, as Slack does)."""
        channel = self._channel_for(str(args.get("channel", "")))
        with_meta = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        limit = int(args.get("limit") or 100)
        messages = []
        for call in reversed(self._calls):
            response = call.response or {}
            if call.method != "chat.postMessage" or not response.get("ok"):
                continue
            if response.get("channel") != channel:
                continue
            message = dict(response.get("message") or {})
            if not with_meta:
                message.pop("metadata", None)
            messages.append(message)
            if len(messages) >= limit:
                break
        return {"ok": True, "messages": messages, "has_more": False}

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(args.get("channel", "")), str(args.get("ts", ""))
        if not ts:
            return {"ok": False, "error": "message_not_found"}
        return {
            "ok": True,
            "channel": channel,
            "ts": ts,
            "text": args.get("text", ""),
            "message": self._message(args, ts),
        }

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._next_ts()}

    def _m_chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": args.get("channel", ""), "ts": args.get("ts", "")}

    def _m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("channel"):
            return {"ok": True, "channel": {"id": str(args["channel"])}}
        users = [u for u in str(args.get("users", "")).split(",") if u]
        if not users:
            return {"ok": False, "error": "users_list_not_supplied"}
        channel_id = f"D{users[0]}" if len(users) == 1 else "G" + "".join(users)
        return {"ok": True, "channel": {"id": channel_id}}

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = str(args.get("user", ""))
        if not user_id or user_id in self._missing:
            return {"ok": False, "error": "user_not_found"}
        user = self._users.get(user_id) or _User(
            id=user_id, name=user_id.lower(), real_name=user_id
        )
        return {"ok": True, "user": _with_locale(user.as_slack(), args)}

    def _m_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        users = list(self._users.values())
        try:
            limit = int(args.get("limit") or 0)
        except ValueError:
            limit = 0
        size = limit if limit > 0 else 200
        if self.users_page_size:
            size = min(size, self.users_page_size)
        cursor = str(args.get("cursor") or "")
        try:
            start = int(base64.b64decode(cursor).decode().removeprefix("offset:")) if cursor else 0
        except ValueError:
            return {"ok": False, "error": "invalid_cursor"}
        page = users[start : start + size]
        end = start + len(page)
        next_cursor = (
            base64.b64encode(f"offset:{end}".encode()).decode() if end < len(users) else ""
        )
        return {
            "ok": True,
            "members": [_with_locale(u.as_slack(), args) for u in page],
            "cache_ts": 1700000000,
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _view(self, args: dict[str, Any], view_id: str | None = None) -> dict[str, Any]:
        raw = args.get("view")
        view: dict[str, Any] = dict(raw) if isinstance(raw, dict) else {}
        vid = view_id or self._next_id("V")
        out: dict[str, Any] = {
            "id": vid,
            "team_id": TEAM_ID,
            "type": view.get("type", "modal"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{vid}.hash",
            "clear_on_close": False,
            "notify_on_close": False,
            "root_view_id": vid,
            "previous_view_id": None,
            "app_id": APP_ID,
            "external_id": view.get("external_id", args.get("external_id", "")),
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
        }
        for key in ("title", "submit", "close"):
            if key in view:
                out[key] = view[key]
        return out

    def _m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("user_id"):
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True, "view": self._view(args)}

    def _m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("trigger_id") and not args.get("interactivity_pointer"):
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True, "view": self._view(args)}

    def _m_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id = args.get("view_id")
        return {"ok": True, "view": self._view(args, str(view_id) if view_id else None)}

    def _m_views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": self._view(args)}

    def _m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("filename") or not args.get("length"):
            return {"ok": False, "error": "invalid_arguments"}
        file_id = self._next_id("F")
        self._files[file_id] = {"filename": str(args["filename"]), "length": int(args["length"])}
        return {"ok": True, "upload_url": f"{self.origin}/upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files")
        if not isinstance(files, list) or not files:
            return {"ok": False, "error": "invalid_arguments"}
        out = []
        for f in files:
            file_id = str(f.get("id", ""))
            known = self._files.get(file_id)
            if known is None:
                return {"ok": False, "error": "file_not_found"}
            out.append(
                {
                    "id": file_id,
                    "name": known["filename"],
                    "title": f.get("title") or known["filename"],
                    "size": known.get("size", known["length"]),
                    "user": BOT_USER_ID,
                    "permalink": f"https://{TEAM_DOMAIN}.slack.com/files/{BOT_USER_ID}/{file_id}",
                }
            )
        return {"ok": True, "files": out}


def _token_of(headers: dict[str, str], args: dict[str, Any]) -> str | None:
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer ") and auth[7:].strip():
        return auth[7:].strip()
    token = args.get("token")
    return str(token) if token else None
