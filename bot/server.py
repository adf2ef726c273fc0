"""HTTP (WSGI, served by gunicorn in production) and Socket Mode entry points."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App, BoltRequest
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse

from bot import edge
from bot.app import create_app
from bot.settings import MAX_BODY_BYTES, Settings
from flows.storage.base import SessionStore, StoreUnavailableError

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

log = logging.getLogger("itss.bot")


def _plain(start_response: StartResponse, status: str, body: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def _skew(environ: dict[str, Any]) -> int:
    return int(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "0")) - int(time.time())


def slack_events(app: App, max_body_bytes: int) -> WsgiApp:
    """`POST /slack/events`: the edge checks (bot/edge.py), then Bolt. Statuses: 413 body too
    large, 401 unsigned or not verified, 400 malformed payload, else what Bolt answers."""

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            raw = edge.read_body(environ, max_body_bytes)
        except edge.BodyTooLarge:
            length = environ.get("CONTENT_LENGTH") or "no Content-Length"
            log.warning("Slack request refused: body over %d bytes (%s)", max_body_bytes, length)
            return _plain(start_response, "413 Content Too Large", b"request body too large")
        except ValueError:
            return _plain(start_response, "400 Bad Request", b"bad request")
        # Bolt parses the body before it verifies the signature: reject headers that cannot
        # be Slack's before it gets that far.
        if not edge.signature_headers_ok(environ):
            log.warning("Slack request refused: signature headers missing or malformed")
            return _plain(start_response, "401 Unauthorized", b"invalid request")
        try:
            request = BoltRequest(
                body=raw.decode("utf-8"),
                query=environ.get("QUERY_STRING", ""),
                headers=WsgiHttpRequest(environ).get_headers(),
            )
        except (ValueError, LookupError, TypeError, AttributeError, RecursionError):
            return _plain(start_response, "400 Bad Request", b"bad request")  # not a payload
        try:
            response = app.dispatch(request)
        except Exception:  # Bolt's own error handling failed: never gunicorn's error page
            log.exception("Slack request failed")
            return _plain(start_response, "500 Internal Server Error", b"internal error")
        if response.status == 401:
            # Bolt's own log line carries the whole body; it is silenced in bot/app.py.
            log.warning(
                "Slack request refused: signature did not verify "
                "(timestamp %+d s from this clock, %d bytes)",
                _skew(environ),
                len(raw),
            )
        answer = WsgiHttpResponse(response.status, response.headers, response.body)
        start_response(answer.status, answer.get_headers())
        return answer.get_body()

    return application


def wsgi_app(app: App, store: SessionStore, *, max_body_bytes: int = MAX_BODY_BYTES) -> WsgiApp:
    """`/slack/events` for Slack, `/healthz` for load balancers (200 only when Redis answers)."""
    slack = slack_events(app, max_body_bytes)

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
            return slack(environ, start_response)
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
    application = wsgi_app(app, ctx.store, max_body_bytes=settings.max_body_bytes)
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


class SlackConnectError(Exception):
    """Socket Mode could not start: Slack did not answer, or refused the app token."""


def serve_socket_mode(settings: Settings) -> None:
    """Connect to Slack over Socket Mode and serve until the process ends. Raises
    SlackConnectError, with one line to show, when no connection can be opened."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.errors import SlackApiError

    app, ctx = create_app(settings)
    where = f"{settings.slack_api_url}apps.connections.open"
    try:
        SocketModeHandler(app, settings.slack_app_token).start()  # type: ignore[no-untyped-call]
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else exc
        raise SlackConnectError(f"Slack refused SLACK_APP_TOKEN ({where}: {error})") from exc
    except OSError as exc:  # URLError, timeouts: after the client's connection retries
        reason = getattr(exc, "reason", None) or exc
        raise SlackConnectError(
            f"Slack could not be reached at {where} ({reason}): "
            "check the network, the proxy (HTTPS_PROXY) and SLACK_API_URL"
        ) from exc
    finally:
        ctx.close()
