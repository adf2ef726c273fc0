"""A lean Slack Web API for load tests: asyncio, in the benchmark's own event loop.

It listens twice, on plain HTTP and (given a server SSLContext, benchmarks/tls.py) on HTTPS
as Slack does; both listeners share one record of calls. `url("https")` is SLACK_API_URL for
a bot that talks TLS, `url("http")` for one that does not.

tests/slack_mock.MockSlackApi answers from a thread per connection and its waiters scan every
recorded call; with hundreds of simulated people polling it, it would be the bottleneck. This
one answers the methods the bot uses with minimal `ok: true` payloads, stamps each request with
`time.monotonic()` (system-wide on Linux, so comparable with the clients' and the servers'
clocks) when its body has been read, and hands calls addressed to a DM channel to that
channel's queue, where the simulated person waits for its next screen.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import json
import ssl
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

TEAM_ID = "T0001"
BOT_USER_ID = "UBOT"
AUTH_TEST = {
    "ok": True,
    "url": "https://itss-bench.slack.com/",
    "team": "ITSS Bench",
    "user": "itss-bot",
    "team_id": TEAM_ID,
    "user_id": BOT_USER_ID,
    "bot_id": "B0001",
    "is_enterprise_install": False,
}


@dataclass(frozen=True)
class ApiCall:
    """One request: `method` is the Web API method, "upload" (the file bytes of
    files_upload_v2) or "response_url"; `at` is time.monotonic() when its body was read."""

    method: str
    channel: str
    at: float
    args: dict[str, Any]
    ts: str = ""
    token: str = ""


TRANSPORTS = ("https", "http")


@dataclass
class FakeSlack:
    """Start with `await fake.start(tls)`; `url(transport)` is SLACK_API_URL, `hooks_url(
    transport)` the base for response_url. Every call is counted per (method, channel, token)
    and logged as (method, at)."""

    counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    log: list[tuple[str, float]] = field(default_factory=list)
    busy_seconds: float = 0.0  # time spent parsing and answering, to show the mock keeps up
    by_transport: Counter[str] = field(default_factory=Counter)  # requests served per listener
    users: list[str] = field(default_factory=list)  # the workspace, in users.list order
    _inboxes: dict[str, asyncio.Queue[ApiCall]] = field(default_factory=dict)
    _seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _servers: list[asyncio.Server] = field(default_factory=list)
    _origins: dict[str, str] = field(default_factory=dict)

    async def start(self, tls: ssl.SSLContext | None = None) -> None:
        """Listen on plain HTTP, and on HTTPS too when given the server's TLS context."""
        for transport, context in (("http", None), ("https", tls)):
            if transport == "https" and context is None:
                continue
            serve = functools.partial(self._serve, transport)
            server = await asyncio.start_server(serve, "127.0.0.1", 0, backlog=1024, ssl=context)
            self._servers.append(server)
            host, port = server.sockets[0].getsockname()[:2]
            self._origins[transport] = f"{transport}://{host}:{port}"

    async def stop(self) -> None:
        for server in self._servers:
            server.close()
            await server.wait_closed()
        self._servers.clear()

    def url(self, transport: str = "http") -> str:
        return f"{self._origins[transport]}/api/"

    def hooks_url(self, transport: str = "http") -> str:
        return f"{self._origins[transport]}/hooks"

    def inbox(self, channel: str) -> asyncio.Queue[ApiCall]:
        """Calls addressed to `channel` (a DM is "D" + user id; response_url posts for a user
        go to that user's DM queue too), in arrival order."""
        return self._inboxes.setdefault(channel, asyncio.Queue())

    def drain(self) -> None:
        """Forget calls nobody waited for (late stale-click notes, results to managers)."""
        for queue in self._inboxes.values():
            while not queue.empty():
                queue.get_nowait()

    def count(self, method: str, channel: str, token: str) -> int:
        """Calls of `method` to `channel` made with `token`."""
        return self.counts[(method, channel, token)]

    # ------------------------------------------------------------------ HTTP

    async def _serve(
        self, transport: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            target = lines[0].split(" ")[1]
            headers = {
                k.strip().lower(): v.strip()
                for k, _, v in (line.partition(":") for line in lines[1:] if line)
            }
            body = await reader.readexactly(int(headers.get("content-length") or 0))
            at = time.monotonic()
            status, content_type, payload = self._dispatch(transport, target, headers, body, at)
            self.by_transport[transport] += 1
            self.busy_seconds += time.monotonic() - at
            writer.write(
                f"HTTP/1.1 {status} OK\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n".encode()
                + payload
            )
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    def _dispatch(
        self, transport: str, target: str, headers: dict[str, str], body: bytes, at: float
    ) -> tuple[int, str, bytes]:
        split = urlsplit(target)
        path = split.path
        if path.startswith("/hooks/"):
            # our simulated people put their user id in the response_url: /hooks/<kind>/<user>/n
            user = path.split("/")[3] if path.count("/") >= 4 else ""
            self._record(ApiCall("response_url", f"D{user}", at, json.loads(body or b"{}")))
            return 200, "text/plain", b"ok"
        if path.startswith("/upload/"):
            self._record(ApiCall("upload", "", at, {"bytes": len(body)}))
            return 200, "text/plain", f"OK - {len(body)}".encode()
        args: dict[str, Any] = {k: v[-1] for k, v in parse_qs(split.query).items()}
        if headers.get("content-type", "").startswith("application/json"):
            args.update(json.loads(body or b"{}"))
        elif body:
            args.update({k: v[-1] for k, v in parse_qs(body.decode()).items()})
        method = path.removeprefix("/api/")
        response = self._answer(method, args, self._origins[transport])
        channel = str(args.get("channel") or args.get("channel_id") or "")
        token = headers.get("authorization", "").removeprefix("Bearer ")
        self._record(ApiCall(method, channel, at, args, str(response.get("ts", "")), token))
        return 200, "application/json; charset=utf-8", json.dumps(response).encode()

    def _users_page(self, args: dict[str, Any]) -> dict[str, Any]:
        """users.list, paginated like Slack: `limit` per page, the offset as the cursor."""
        size = min(int(args.get("limit") or 200), 1000)
        start = int(args.get("cursor") or 0)
        page = self.users[start : start + size]
        end = start + len(page)
        members = [
            {"id": u, "name": u.lower(), "real_name": f"Person {u}", "profile": {"display_name": u}}
            for u in page
        ]
        cursor = str(end) if end < len(self.users) else ""
        return {"ok": True, "members": members, "response_metadata": {"next_cursor": cursor}}

    def _record(self, call: ApiCall) -> None:
        self.counts[(call.method, call.channel, call.token)] += 1
        self.log.append((call.method, call.at))
        queue = self._inboxes.get(call.channel)
        if queue is not None:
            queue.put_nowait(call)

    def _answer(self, method: str, args: dict[str, Any], origin: str) -> dict[str, Any]:
        n = next(self._seq)
        ts = f"{1700000000 + n // 1_000_000}.{n % 1_000_000:06d}"
        channel = str(args.get("channel", ""))
        match method:
            case "auth.test":
                return AUTH_TEST
            case "conversations.open":
                return {
                    "ok": True,
                    "channel": {"id": f"D{str(args.get('users', '')).split(',')[0]}"},
                }
            case "chat.postMessage" | "chat.update":
                return {"ok": True, "channel": channel, "ts": args.get("ts") or ts}
            case "chat.postEphemeral":
                return {"ok": True, "message_ts": ts}
            case "files.getUploadURLExternal":
                return {"ok": True, "upload_url": f"{origin}/upload/F{n}", "file_id": f"F{n}"}
            case "files.completeUploadExternal":
                files = args.get("files")
                listed = json.loads(files) if isinstance(files, str) else files or []
                return {
                    "ok": True,
                    "files": [{"id": f.get("id"), "title": f.get("title")} for f in listed],
                }
            case "users.list":
                return self._users_page(args)
            case "users.info":
                return {"ok": True, "user": {"id": args.get("user"), "is_admin": False}}
            case _:
                return {"ok": True}
