"""The Slack app factory: wiring only. Listeners live in bot/listeners/, one module a surface."""

from __future__ import annotations

import functools
import logging
import re
import ssl
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from slack_bolt import Ack, App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.context import BotContext, unavailable, unreadable, utcnow
from bot.edge import PayloadShape
from bot.listeners import campaign, commands, home, interview, messages, signoff
from bot.locales import use_requester_locale
from bot.settings import Settings
from flows.i18n import t
from flows.storage import open_store
from flows.storage.base import SessionStore, StoreUnavailableError, UnreadableRecordError
from framework_data.loader import load_default

log = logging.getLogger("itss.bot")


@functools.cache
def tls_context(ca_file: Path | None = None) -> ssl.SSLContext:
    """One TLS context per process (and CA file) for every call to Slack. Without one,
    http.client builds a context and loads the whole CA bundle for each connection: ~19 ms
    of CPU per Web API call (issue 9). SSLContext is safe to share between threads."""
    return ssl.create_default_context(cafile=ca_file)


def configure_web_client(client: WebClient, settings: Settings) -> WebClient:
    """Every outgoing Web API call retries connection errors, 429 (Retry-After) and 5xx, and
    uses the process's one TLS context; Bolt copies these attributes into the client of
    each request (slack_bolt/app/app.py `_init_context`), and its `respond` (response_url)
    takes the client's `ssl` too (slack_bolt/context/context.py). slack_sdk's urllib
    transport cannot keep a connection alive (urllib sends `Connection: close`), so each
    call is a new TLS handshake: the shared context makes it cost ~1 ms of CPU instead of
    ~19."""
    client.token = settings.slack_bot_token
    client.base_url = settings.slack_api_url
    client.timeout = settings.slack_api_timeout
    client.ssl = tls_context(settings.slack_ca_file)
    client.retry_handlers = [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3),
        ServerErrorRetryHandler(max_retry_count=2),
    ]
    return client


def web_client(settings: Settings) -> WebClient:
    """A Web API client configured as the app's (configure_web_client)."""
    return configure_web_client(WebClient(), settings)


def create_app(
    settings: Settings,
    store: SessionStore | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> tuple[App, BotContext]:
    """The Bolt app and its context. With `OUTBOX_POLL_SECONDS` > 0 it also starts the
    outbox thread (ctx.close() stops it)."""
    store = store or open_store(
        settings.redis_url,
        session_ttl_seconds=settings.session_ttl_seconds,
        audit_retention_seconds=settings.audit_retention_seconds,
    )
    app = App(
        # The token, not a client: given a `client`, Bolt still reads SLACK_BOT_TOKEN from
        # the environment and warns at every start that it will be unused (App.__init__).
        # Bolt builds the client from the token; configure_web_client sets its transport.
        token=settings.slack_bot_token,
        signing_secret=settings.slack_signing_secret,
        # Listeners ack and hand slow work to ctx.defer themselves, so the HTTP response
        # returns as soon as the listener does, without Bolt's 10 ms ack-polling loop.
        process_before_response=True,
        token_verification_enabled=False,
        raise_error_for_unhandled_request=False,
        # The first middleware after the signature check, in HTTP and Socket Mode alike:
        # payloads that do not fit what the listeners read get 400 (bot/edge.py).
        before_authorize=PayloadShape(),
    )
    client = configure_web_client(app.client, settings)
    ctx = BotContext(
        settings=settings,
        source=load_default(),
        store=store,
        client=client,
        clock=clock,
        executor=ThreadPoolExecutor(settings.workers, "itss-after-ack"),
    )
    # Bolt logs the whole body of every request that fails verification at INFO
    # (slack_bolt/middleware/request_verification: `_debug_log_error`); bot/server.py logs
    # one line instead. Set after App(), which copies the root logger's level into it.
    logging.getLogger("slack_bolt.RequestVerification").setLevel(logging.WARNING)

    @app.middleware
    def drop_repeated_events(
        body: dict[str, Any], next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        event_id = body.get("event_id")
        if event_id and body.get("type") == "event_callback":
            try:
                first = store.claim_event(str(event_id), settings.event_dedupe_seconds)
            except StoreUnavailableError:
                first = True  # better a repeated home refresh than a lost event
            if not first:
                return BoltResponse(status=200, body="")
        return next()

    # After the de-duplication (a repeated event asks nobody's locale): every listener, its
    # error replies included, renders in the language of whoever made the request.
    app.middleware(use_requester_locale(ctx.locales))

    @app.error
    def on_error(error: Exception, body: dict[str, Any]) -> BoltResponse:
        if isinstance(error, UnreadableRecordError):  # the store logged which key
            return BoltResponse(status=200, body=unreadable())
        log.exception("listener failed", exc_info=error)
        if isinstance(error, StoreUnavailableError):
            return BoltResponse(status=200, body=unavailable())
        return BoltResponse(status=200, body=t("error.generic"))

    commands.register(app, ctx)
    interview.register(app, ctx)
    home.register(app, ctx)
    messages.register(app, ctx)
    campaign.register(app, ctx)
    signoff.register(app, ctx)

    # Last, so every real listener matches first: buttons and modals of an older release
    # are acknowledged (Slack shows an error on a 404) and do nothing.
    @app.action(re.compile(".*"))
    @app.view(re.compile(".*"))
    def retired(ack: Ack) -> None:
        ack()

    if settings.outbox_poll_seconds > 0:
        ctx.courier.start(settings.outbox_poll_seconds)
    return app, ctx
