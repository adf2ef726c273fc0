"""HTTP (WSGI, served by gunicorn in production) and Socket Mode entry points."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.app import create_app
from bot.settings import Settings
from flows.storage.base import SessionStore, StoreUnavailableError

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


TIMESTAMP = re.compile(r"[0-9]{1,12}")


def _plain(start_response: StartResponse, status: str, body: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def wsgi_app(app: App, store: SessionStore) -> WsgiApp:
    """`/slack/events` for Slack, `/healthz` for load balancers (200 only when Redis answers)."""
    slack = SlackRequestHandler(app)

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz":
            try:
                store.ping()
                status, body = "200 OK", {"ok": True, "error": ""}
            except StoreUnavailableError as exc:
                status, body = "503 Service Unavailable", {"ok": False, "error": str(exc)}
            data = json.dumps(body).encode()
            start_response(
                status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
            )
            return [data]
        if path == "/slack/events" and environ.get("REQUEST_METHOD") == "POST":
            # Bolt parses the body before it verifies the signature and reads the timestamp
            # with int(): reject what cannot be a Slack request before it gets that far.
            timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
            if not TIMESTAMP.fullmatch(timestamp):
                return _plain(start_response, "401 Unauthorized", b"invalid request")
            try:
                return slack(environ, start_response)
            except (ValueError, AttributeError, TypeError):  # malformed payload JSON
                return _plain(start_response, "400 Bad Request", b"bad request")
        return _plain(start_response, "404 Not Found", b"not found")

    return application


def timed(application: WsgiApp, path: str) -> WsgiApp:
    """For benchmarks/: append `start seconds request-id` (monotonic clock) per request."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def wrapper(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        began = time.monotonic()
        try:
            return application(environ, start_response)
        finally:
            rid = environ.get("HTTP_X_REQUEST_ID", "-")
            os.write(fd, f"{began:.6f} {time.monotonic() - began:.6f} {rid}\n".encode())

    return wrapper


def create_wsgi_app(settings: Settings, store: SessionStore | None = None) -> WsgiApp:
    app, ctx = create_app(settings, store)
    application = wsgi_app(app, ctx.store)
    timing = os.environ.get("ITSS_TIMING_FILE")  # off unless a benchmark sets it
    return timed(application, timing) if timing else application


def serve_http(settings: Settings, host: str, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("accesslog", None)
            self.cfg.set("graceful_timeout", 10)

        def load(self) -> WsgiApp:
            return create_wsgi_app(settings)

    Server().run()


def serve_socket_mode(settings: Settings) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    app, _ = create_app(settings)
    SocketModeHandler(app, settings.slack_app_token).start()  # type: ignore[no-untyped-call]
