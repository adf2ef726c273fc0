"""The floor: a bare Bolt app that acks every click and slash command and posts one message.

Served by gunicorn with the bot's settings (gthread, same workers and threads), from the same
environment (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL; the Web API client is
bot.app.web_client) and behind the same timing wrapper (ITSS_TIMING_FILE), so the bot's
figures divided by these are what the interview costs on top of Bolt itself.

FLOOR_MODE=after-ack (default) is the bot's pattern: process_before_response=True, ack, then
post from a thread pool. FLOOR_MODE=bolt-default is Bolt's default configuration: the listener
runs in Bolt's executor and posts inline after ack(), while the request thread polls for the
ack every 10 ms.

    gunicorn --worker-class gthread --workers 2 --threads 16 'benchmarks.floor_app:from_env()'
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.app import web_client
from bot.server import WsgiApp, timed
from bot.settings import Settings

MODES = ("after-ack", "bolt-default")


def create_floor_app(settings: Settings, mode: str) -> WsgiApp:
    if mode not in MODES:
        raise ValueError(f"FLOOR_MODE must be one of {MODES}, not {mode!r}")
    client = web_client(settings)
    after_ack = mode == "after-ack"
    executor = ThreadPoolExecutor(settings.workers, "floor-after-ack")
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret,
        process_before_response=after_ack,
        token_verification_enabled=False,
        raise_error_for_unhandled_request=False,
    )

    def post(channel: str) -> None:
        client.chat_postMessage(channel=channel, text="floor")

    def reply(channel: str) -> None:
        if after_ack:
            executor.submit(post, channel)
        else:
            post(channel)

    @app.action(re.compile(".*"))
    def clicked(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        reply((body.get("container") or {}).get("channel_id") or f"D{body['user']['id']}")

    @app.command(re.compile(".*"))
    def command(ack: Ack, command: dict[str, Any]) -> None:
        ack(text="floor")
        reply(f"D{command['user_id']}")

    handler: WsgiApp = SlackRequestHandler(app)
    return handler


def from_env() -> WsgiApp:
    """The gunicorn application factory: `benchmarks.floor_app:from_env()`."""
    floor = create_floor_app(Settings(), os.environ.get("FLOOR_MODE", "after-ack"))
    timing = os.environ.get("ITSS_TIMING_FILE")
    return timed(floor, timing) if timing else floor
