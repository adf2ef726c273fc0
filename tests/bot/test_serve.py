"""`itss-bot serve --http` as it runs in production: gunicorn workers in a real process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.session import PersonKey
from flows.storage import open_store
from tests.bot.slack_env import SECRET
from tests.slack_mock import MockSlackApi
from tests.slack_requests import SlackClient

BIN = Path(sys.executable).parent / "itss-bot"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def env_for(api: MockSlackApi, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api.url,
        "REDIS_URL": redis_url,
        "ITSS_ADMINS": "UADMIN",
    }


@pytest.fixture
def server(redis_url: str) -> Iterator[tuple[str, MockSlackApi]]:
    port = free_port()
    with MockSlackApi() as api:
        proc = subprocess.Popen(
            [
                str(BIN),
                "serve",
                "--http",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "2",
            ],
            env=env_for(api, redis_url),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    if get(base + "/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                assert time.monotonic() < deadline, "server did not come up"
                time.sleep(0.1)
            yield base, api
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=20)
            if proc.stderr:
                proc.stderr.close()


@pytest.mark.slow
def test_http_mode_serves_slack_and_health(
    server: tuple[str, MockSlackApi], redis_url: str
) -> None:
    base, api = server
    user = f"U{uuid.uuid4().hex[:10].upper()}"  # the server uses the default key prefix
    store = open_store(redis_url, session_ttl_seconds=60)
    try:
        _exercise(base, api, user)
    finally:
        store.forget(PersonKey(team="T0001", user=user))


def _exercise(base: str, api: MockSlackApi, user: str) -> None:
    assert get(base + "/healthz") == (200, {"ok": True, "error": ""})
    slack = SlackClient(base, SECRET, hooks_url=api.hooks_url)
    helped = slack.slash(user, "help")
    assert helped.status == 200
    assert "/itss start" in helped.body
    started = slack.slash(user, "start SO")
    assert started.status == 200
    posted = api.wait_for("chat.postMessage", timeout=10)[0]
    assert "質問 1" in posted.args["text"]
    assert slack.slash(user, "help", forge=True).status == 401


def test_missing_settings_are_listed_and_exit_2() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    proc = subprocess.run(
        [str(BIN), "serve"], env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert proc.returncode == 2
    assert "SLACK_BOT_TOKEN: missing" in proc.stderr
    assert "SLACK_SIGNING_SECRET: missing" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_malformed_token_is_named() -> None:
    env = {**os.environ, "SLACK_BOT_TOKEN": "not-a-token", "SLACK_SIGNING_SECRET": SECRET}
    proc = subprocess.run(
        [str(BIN), "serve"], env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert proc.returncode == 2
    assert "SLACK_BOT_TOKEN" in proc.stderr


def test_health_reports_redis_down() -> None:
    from bot.server import wsgi_app
    from flows.storage import open_store

    store = open_store("redis://127.0.0.1:1/0", session_ttl_seconds=60)
    captured: list[str] = []
    app = wsgi_app(None, store)  # type: ignore[arg-type]
    body = b"".join(app({"PATH_INFO": "/healthz"}, lambda status, headers: captured.append(status)))
    assert captured == ["503 Service Unavailable"]
    assert b"127.0.0.1:1" in body


@pytest.mark.slow
def test_socket_mode_opens_a_connection_with_the_app_token(redis_url: str) -> None:
    """No Slack here: the proof is the apps.connections.open call made with the xapp token."""
    with MockSlackApi() as api:
        env = {**env_for(api, redis_url), "SLACK_APP_TOKEN": "xapp-1-test"}
        proc = subprocess.Popen(
            [str(BIN), "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            call = api.wait_for("apps.connections.open", timeout=20)[0]
            assert call.token == "xapp-1-test"
        finally:
            proc.kill()
            proc.wait(timeout=10)
