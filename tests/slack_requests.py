"""Signed HTTP requests exactly as Slack sends them, and a tiny threaded WSGI server.

``SlackClient`` POSTs slash commands, interactivity payloads and Events API envelopes to
``{base_url}/slack/events`` with the v0 signing scheme (``X-Slack-Signature: v0=`` + hex
HMAC-SHA256 of ``v0:{timestamp}:{body}``). Every sending method accepts ``forge=True`` (a wrong
signature) and ``timestamp=`` (e.g. a stale one) and returns ``HttpResult(status, headers, body)``
whatever the status. ``serve_wsgi`` serves a Bolt ``App`` (or any WSGI callable) on
127.0.0.1 for the duration of a ``with`` block.

Usage::

    with MockSlackApi() as slack, serve_wsgi(app) as base_url:
        client = SlackClient(base_url, SIGNING_SECRET, hooks_url=slack.hooks_url)
        status, headers, body = client.slash("U123", "start")
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from socketserver import ThreadingMixIn
from typing import Any, NamedTuple
from urllib.parse import urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

__all__ = [
    "FORM",
    "JSON",
    "HttpResult",
    "SlackClient",
    "serve_wsgi",
    "sign",
]

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"

_counter = itertools.count(1)


def _seq() -> int:
    return next(_counter)


def sign(signing_secret: str, body: str | bytes, timestamp: str | int) -> str:
    """``v0=`` + hex HMAC-SHA256 of ``v0:{timestamp}:{body}`` keyed with the signing secret."""
    raw = body if isinstance(body, bytes) else body.encode()
    base = b"v0:" + str(timestamp).encode() + b":" + raw
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


class HttpResult(NamedTuple):
    """What the app answered. Header names are lower-cased."""

    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


class SlackClient:
    """Plays Slack's side of the HTTP conversation with our app."""

    def __init__(
        self,
        base_url: str,
        signing_secret: str,
        team_id: str = "T0001",
        *,
        team_domain: str = "itss-test",
        api_app_id: str = "A0001",
        verification_token: str = "legacy-verification-token",  # noqa: S107
        bot_user_id: str = "UBOT",
        hooks_url: str = "https://hooks.slack.com",
        path: str = "/slack/events",
        timeout: float = 10.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.signing_secret = signing_secret
        self.team_id = team_id
        self.team_domain = team_domain
        self.api_app_id = api_app_id
        self.verification_token = verification_token
        self.bot_user_id = bot_user_id
        self.hooks_url = hooks_url.rstrip("/")
        self.path = path
        self.timeout = timeout
        self.last_elapsed: float | None = None
        """Seconds the last request took (Slack gives up after 3)."""
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    # ------------------------------------------------------------------ transport

    @property
    def url(self) -> str:
        return self.base_url + self.path

    def signed(
        self,
        body: str | bytes,
        *,
        content_type: str = FORM,
        timestamp: str | int | None = None,
        forge: bool = False,
    ) -> dict[str, str]:
        """The headers Slack would send with ``body`` (without sending anything)."""
        ts = str(int(time.time())) if timestamp is None else str(timestamp)
        secret = self.signing_secret + "-forged" if forge else self.signing_secret
        return {
            "Content-Type": content_type,
            "User-Agent": USER_AGENT,
            "Accept": "application/json,*/*",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sign(secret, body, ts),
        }

    def raw(self, body: bytes | str, headers: Mapping[str, str]) -> HttpResult:
        """POST ``body`` with exactly ``headers`` (no signing) — for malformed-input tests."""
        data = body if isinstance(body, bytes) else body.encode()
        if not self.url.startswith(("http://", "https://")):
            raise ValueError(f"not an HTTP URL: {self.url}")
        request = urllib.request.Request(self.url, data=data, headers=dict(headers), method="POST")  # noqa: S310
        started = time.monotonic()
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                result = HttpResult(
                    response.status,
                    {k.lower(): v for k, v in response.headers.items()},
                    response.read().decode("utf-8", "replace"),
                )
        except urllib.error.HTTPError as error:
            try:
                result = HttpResult(
                    error.code,
                    {k.lower(): v for k, v in error.headers.items()},
                    error.read().decode("utf-8", "replace"),
                )
            finally:
                error.close()
        finally:
            self.last_elapsed = time.monotonic() - started
        return result

    def post(
        self,
        body: str,
        *,
        content_type: str = FORM,
        timestamp: str | int | None = None,
        forge: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> HttpResult:
        """Sign ``body`` and POST it (extra ``headers`` are added after signing)."""
        all_headers = self.signed(body, content_type=content_type, timestamp=timestamp, forge=forge)
        all_headers.update(headers or {})
        return self.raw(body, all_headers)

    def post_payload(
        self,
        payload: Mapping[str, Any],
        *,
        timestamp: str | int | None = None,
        forge: bool = False,
    ) -> HttpResult:
        """Interactivity: form-encoded ``payload=<json>``."""
        body = urlencode({"payload": json.dumps(payload)})
        return self.post(body, timestamp=timestamp, forge=forge)

    def post_json(
        self,
        envelope: Mapping[str, Any],
        *,
        timestamp: str | int | None = None,
        forge: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> HttpResult:
        """Events API: the envelope as a JSON body."""
        body = json.dumps(envelope)
        return self.post(body, content_type=JSON, timestamp=timestamp, forge=forge, headers=headers)

    # ------------------------------------------------------------------ shared pieces

    def trigger_id(self) -> str:
        n = _seq()
        return f"{1700000000 + n}.{n:012d}.{uuid.uuid4().hex}"

    def response_url(self, kind: str = "commands") -> str:
        n = _seq()
        return f"{self.hooks_url}/{kind}/{self.team_id}/{1000000 + n}/{uuid.uuid4().hex[:24]}"

    def user(self, user_id: str, user_name: str | None = None) -> dict[str, Any]:
        name = user_name or user_id.lower()
        return {"id": user_id, "username": name, "name": name, "team_id": self.team_id}

    def team(self) -> dict[str, Any]:
        return {"id": self.team_id, "domain": self.team_domain}

    # ------------------------------------------------------------------ slash commands

    def slash_form(
        self,
        user_id: str,
        text: str,
        *,
        command: str = "/itss",
        channel_id: str = "C0001",
        user_name: str | None = None,
        response_url: str | None = None,
        trigger_id: str | None = None,
        channel_name: str | None = None,
    ) -> dict[str, str]:
        """The form fields of a slash command, in the order Slack sends them."""
        if channel_name is None:
            channel_name = "directmessage" if channel_id.startswith("D") else "general"
        return {
            "token": self.verification_token,
            "team_id": self.team_id,
            "team_domain": self.team_domain,
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_name or user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": response_url or self.response_url("commands"),
            "trigger_id": trigger_id or self.trigger_id(),
        }

    def slash(  # noqa: PLR0917 — Slack's field order, positional as in the brief
        self,
        user_id: str,
        text: str,
        command: str = "/itss",
        channel_id: str = "C0001",
        user_name: str | None = None,
        response_url: str | None = None,
        trigger_id: str | None = None,
        *,
        channel_name: str | None = None,
        timestamp: str | int | None = None,
        forge: bool = False,
    ) -> HttpResult:
        form = self.slash_form(
            user_id,
            text,
            command=command,
            channel_id=channel_id,
            user_name=user_name,
            response_url=response_url,
            trigger_id=trigger_id,
            channel_name=channel_name,
        )
        return self.post(urlencode(form), timestamp=timestamp, forge=forge)

    # ------------------------------------------------------------------ interactivity

    def block_action_payload(
        self,
        user_id: str,
        action_id: str,
        value: str | None = None,
        *,
        block_id: str = "b",
        channel_id: str | None = None,
        message_ts: str | None = None,
        message: dict[str, Any] | None = None,
        state_values: dict[str, Any] | None = None,
        action_type: str = "button",
        selected_options: Iterable[str | dict[str, Any]] | None = None,
        text_value: str | None = None,
        view: dict[str, Any] | None = None,
        user_name: str | None = None,
        is_ephemeral: bool = False,
    ) -> dict[str, Any]:
        """A ``block_actions`` payload from a message (default: the bot's DM with the user)
        or, with ``view=``, from a view such as the App Home tab or a modal."""
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": block_id,
            "type": action_type,
            "action_ts": f"{time.time():.6f}",
        }
        options = [_option(o) for o in selected_options] if selected_options is not None else None
        if action_type == "button":
            action["text"] = {"type": "plain_text", "text": action_id, "emoji": True}
            if value is not None:
                action["value"] = value
        elif action_type == "plain_text_input":
            action["value"] = text_value if text_value is not None else value
        elif action_type in ("static_select", "external_select", "radio_buttons"):
            chosen = options[0] if options else (_option(value) if value is not None else None)
            action["selected_option"] = chosen
        elif action_type in ("checkboxes", "multi_static_select", "multi_external_select"):
            action["selected_options"] = options or []
        else:
            if value is not None:
                action["value"] = value
            if options is not None:
                action["selected_options"] = options

        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self.user(user_id, user_name),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
        }
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view.get("id", "V1")}
            payload["trigger_id"] = self.trigger_id()
            payload["team"] = self.team()
            payload["enterprise"] = None
            payload["is_enterprise_install"] = False
            payload["view"] = view
        else:
            channel = channel_id or f"D{user_id}"
            msg = dict(message) if message is not None else None
            ts = message_ts or (msg or {}).get("ts") or "1700000000.000100"
            if msg is None:
                msg = {
                    "type": "message",
                    "subtype": "bot_message",
                    "text": "",
                    "ts": ts,
                    "bot_id": "B0001",
                    "user": self.bot_user_id,
                    "blocks": [],
                }
            payload["container"] = {
                "type": "message",
                "message_ts": ts,
                "channel_id": channel,
                "is_ephemeral": is_ephemeral,
            }
            payload["trigger_id"] = self.trigger_id()
            payload["team"] = self.team()
            payload["enterprise"] = None
            payload["is_enterprise_install"] = False
            payload["channel"] = {
                "id": channel,
                "name": "directmessage" if channel.startswith("D") else "general",
            }
            payload["message"] = msg
            payload["response_url"] = self.response_url("actions")
        payload["state"] = {"values": state_values or {}}
        payload["actions"] = [action]
        return payload

    def block_action(
        self,
        user_id: str,
        action_id: str,
        value: str | None = None,
        *,
        block_id: str = "b",
        channel_id: str | None = None,
        message_ts: str | None = None,
        message: dict[str, Any] | None = None,
        state_values: dict[str, Any] | None = None,
        action_type: str = "button",
        selected_options: Iterable[str | dict[str, Any]] | None = None,
        text_value: str | None = None,
        view: dict[str, Any] | None = None,
        user_name: str | None = None,
        is_ephemeral: bool = False,
        timestamp: str | int | None = None,
        forge: bool = False,
    ) -> HttpResult:
        payload = self.block_action_payload(
            user_id,
            action_id,
            value,
            block_id=block_id,
            channel_id=channel_id,
            message_ts=message_ts,
            message=message,
            state_values=state_values,
            action_type=action_type,
            selected_options=selected_options,
            text_value=text_value,
            view=view,
            user_name=user_name,
            is_ephemeral=is_ephemeral,
        )
        return self.post_payload(payload, timestamp=timestamp, forge=forge)

    def view_submission_payload(
        self,
        user_id: str,
        callback_id: str,
        state_values: dict[str, Any],
        private_metadata: str = "",
        view_id: str = "V1",
        *,
        blocks: list[dict[str, Any]] | None = None,
        title: str = "ITSS",
        user_name: str | None = None,
    ) -> dict[str, Any]:
        return {
            "type": "view_submission",
            "team": self.team(),
            "user": self.user(user_id, user_name),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "trigger_id": self.trigger_id(),
            "view": {
                "id": view_id,
                "team_id": self.team_id,
                "type": "modal",
                "blocks": blocks or [],
                "private_metadata": private_metadata,
                "callback_id": callback_id,
                "state": {"values": state_values},
                "hash": f"{int(time.time())}.{uuid.uuid4().hex[:8]}",
                "title": {"type": "plain_text", "text": title, "emoji": True},
                "clear_on_close": False,
                "notify_on_close": False,
                "close": {"type": "plain_text", "text": "Cancel", "emoji": True},
                "submit": {"type": "plain_text", "text": "Submit", "emoji": True},
                "previous_view_id": None,
                "root_view_id": view_id,
                "app_id": self.api_app_id,
                "external_id": "",
                "app_installed_team_id": self.team_id,
                "bot_id": "B0001",
            },
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }

    def view_submission(
        self,
        user_id: str,
        callback_id: str,
        state_values: dict[str, Any],
        private_metadata: str = "",
        view_id: str = "V1",
        *,
        blocks: list[dict[str, Any]] | None = None,
        title: str = "ITSS",
        user_name: str | None = None,
        timestamp: str | int | None = None,
        forge: bool = False,
    ) -> HttpResult:
        payload = self.view_submission_payload(
            user_id,
            callback_id,
            state_values,
            private_metadata,
            view_id,
            blocks=blocks,
            title=title,
            user_name=user_name,
        )
        return self.post_payload(payload, timestamp=timestamp, forge=forge)

    # ------------------------------------------------------------------ Events API

    def event_envelope(
        self, event: Mapping[str, Any], event_id: str | None = None
    ) -> dict[str, Any]:
        return {
            "token": self.verification_token,
            "team_id": self.team_id,
            "context_team_id": self.team_id,
            "context_enterprise_id": None,
            "api_app_id": self.api_app_id,
            "event": dict(event),
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": self.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{uuid.uuid4().hex}",
        }

    def event(
        self,
        event: Mapping[str, Any],
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
        *,
        timestamp: str | int | None = None,
        forge: bool = False,
    ) -> HttpResult:
        """POST an ``event_callback``; ``retry_num`` adds Slack's ``X-Slack-Retry-*`` headers."""
        headers: dict[str, str] = {}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        return self.post_json(
            self.event_envelope(event, event_id), timestamp=timestamp, forge=forge, headers=headers
        )

    def app_home_opened(
        self,
        user_id: str,
        *,
        tab: str = "home",
        view: dict[str, Any] | None = None,
        channel: str | None = None,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
        timestamp: str | int | None = None,
        forge: bool = False,
    ) -> HttpResult:
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": channel or f"D{user_id}",
            "tab": tab,
            "event_ts": f"{time.time():.6f}",
        }
        if view is not None:
            event["view"] = view
        return self.event(
            event, event_id, retry_num, retry_reason, timestamp=timestamp, forge=forge
        )

    def dm_message(
        self,
        user_id: str,
        text: str,
        channel: str | None = None,
        event_id: str | None = None,
        *,
        timestamp: str | int | None = None,
        forge: bool = False,
    ) -> HttpResult:
        """A ``message`` event (channel_type "im") from a user in their DM with the bot."""
        ts = f"{time.time():.6f}"
        event = {
            "type": "message",
            "channel": channel or f"D{user_id}",
            "user": user_id,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "channel_type": "im",
            "client_msg_id": str(uuid.uuid4()),
            "team": self.team_id,
        }
        return self.event(event, event_id, timestamp=timestamp, forge=forge)

    def url_verification(
        self, challenge: str, *, timestamp: str | int | None = None, forge: bool = False
    ) -> HttpResult:
        envelope = {
            "token": self.verification_token,
            "challenge": challenge,
            "type": "url_verification",
        }
        return self.post_json(envelope, timestamp=timestamp, forge=forge)


def _option(option: str | dict[str, Any]) -> dict[str, Any]:
    if isinstance(option, dict):
        return option
    return {"text": {"type": "plain_text", "text": option, "emoji": True}, "value": option}


# ---------------------------------------------------------------------- WSGI server

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No access log."""


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    block_on_close = True  # server_close() joins in-flight requests


def _as_wsgi(app: Any, path: str) -> WsgiApp:
    from slack_bolt import App

    if isinstance(app, App):
        from slack_bolt.adapter.wsgi import SlackRequestHandler

        handler: WsgiApp = SlackRequestHandler(app, path=path)
        return handler
    if not callable(app):
        raise TypeError(f"not a Bolt App or WSGI callable: {app!r}")
    wsgi: WsgiApp = app
    return wsgi


@contextmanager
def serve_wsgi(app: Any, path: str = "/slack/events") -> Iterator[str]:
    """Serve a Bolt ``App`` (through the WSGI adapter, at ``path``) or a WSGI callable on
    127.0.0.1 in a background thread; yields the base URL (``http://127.0.0.1:<port>``)."""
    server = make_server(
        "127.0.0.1",
        0,
        _as_wsgi(app, path),
        server_class=_ThreadingWSGIServer,
        handler_class=_QuietHandler,
    )
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="serve_wsgi", daemon=True
    )
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
