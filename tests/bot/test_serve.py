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
            deadline = time.monotonic() + 60  # ~16 s seen on a busy 2-core host
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


def serve_run(
    env: dict[str, str], *args: str, cwd: Path | None = None, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), "serve", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def problem_lines(stderr: str) -> dict[str, str]:
    """The settings `serve` complains about, by environment variable: one line each."""
    lines = [line.strip() for line in stderr.splitlines() if line.startswith("  ")]
    named = {line.split(":", 1)[0]: line for line in lines}
    assert len(named) == len(lines), stderr  # one line per setting
    return named


def no_slack_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}


def test_every_missing_setting_is_listed_at_once_with_where_to_get_it(tmp_path: Path) -> None:
    """Socket Mode (no --http) needs the app token too: it is listed with the others, not
    after they are fixed. Each line says what the setting is for and where Slack shows it."""
    proc = serve_run(no_slack_env(), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    problems = problem_lines(proc.stderr)
    assert set(problems) == {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"}
    where = {
        "SLACK_BOT_TOKEN": "OAuth & Permissions → Bot User OAuth Token",
        "SLACK_SIGNING_SECRET": "Basic Information → App Credentials → Signing Secret",
        "SLACK_APP_TOKEN": "Basic Information → App-Level Tokens",
    }
    for name, line in problems.items():
        assert line.startswith(f"{name}: missing — "), line
        assert "https://api.slack.com/apps" in line
        assert where[name] in line
    assert "--http" in problems["SLACK_APP_TOKEN"]
    assert "Traceback" not in proc.stderr


def test_http_mode_does_not_ask_for_the_app_token(tmp_path: Path) -> None:
    proc = serve_run(no_slack_env(), "--http", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert set(problem_lines(proc.stderr)) == {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"}


def test_every_malformed_setting_is_listed_at_once_without_its_value(tmp_path: Path) -> None:
    env = {
        **no_slack_env(),
        "SLACK_BOT_TOKEN": "xoxp-user-token-value",
        "SLACK_SIGNING_SECRET": "abc123",
        "SLACK_APP_TOKEN": "xoxb-not-an-app-token",
        "WORKERS": "0",
    }
    proc = serve_run(env, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    problems = problem_lines(proc.stderr)
    assert set(problems) == {
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "WORKERS",
    }
    assert problems["SLACK_BOT_TOKEN"].startswith("SLACK_BOT_TOKEN: must start with xoxb- — ")
    assert problems["SLACK_SIGNING_SECRET"].startswith(
        "SLACK_SIGNING_SECRET: too short (at least 8 characters) — verifies"
    )
    assert "Signing Secret" in problems["SLACK_SIGNING_SECRET"]
    assert problems["SLACK_APP_TOKEN"].startswith("SLACK_APP_TOKEN: must start with xapp- — ")
    assert problems["WORKERS"].startswith("WORKERS: Input should be greater than or equal to 1")
    for secret in ("xoxp-user-token-value", "abc123", "xoxb-not-an-app-token"):
        assert secret not in proc.stderr


@pytest.mark.slow
def test_socket_mode_without_network_says_slack_is_unreachable(redis_url: str) -> None:
    """No internet here: SLACK_API_URL points at a closed loopback port instead."""
    port = free_port()  # bound and released: nothing listens on it
    env = {
        **no_slack_env(),
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_APP_TOKEN": "xapp-1-test",
        "SLACK_API_URL": f"http://127.0.0.1:{port}/api/",
        "REDIS_URL": redis_url,
    }
    proc = serve_run(env, timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith(
        f"Slack could not be reached at http://127.0.0.1:{port}/api/apps.connections.open "
        "([Errno 111] Connection refused)"
    ), proc.stderr
    assert proc.stderr.count("Slack could not be reached") == 1


@pytest.mark.slow
def test_socket_mode_with_a_refused_app_token_says_so(redis_url: str) -> None:
    with MockSlackApi() as api:
        api.fail("apps.connections.open", error="invalid_auth")
        env = {**env_for(api, redis_url), "SLACK_APP_TOKEN": "xapp-1-revoked"}
        proc = serve_run(env, timeout=60)
        where = f"{api.url}apps.connections.open"
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last == f"Slack refused SLACK_APP_TOKEN ({where}: invalid_auth)"


@pytest.mark.slow
def test_socket_mode_starts_without_bolt_warnings(redis_url: str) -> None:
    """Bolt warned at every start that `token` would be unused: it was given a client and
    still read SLACK_BOT_TOKEN from the environment. Now it gets the token instead."""
    with MockSlackApi() as api:
        closed = free_port()
        api.override("apps.connections.open", {"ok": True, "url": f"ws://127.0.0.1:{closed}/"})
        env = {**env_for(api, redis_url), "SLACK_APP_TOKEN": "xapp-1-test"}
        proc = subprocess.Popen(
            [str(BIN), "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            api.wait_for("apps.connections.open", timeout=60)
        finally:
            proc.terminate()
            _, stderr = proc.communicate(timeout=20)
    log = stderr.decode()
    assert "will be unused" not in log, log
    assert "will be ignored" not in log, log
    assert not [line for line in log.splitlines() if " WARNING slack_bolt" in line], log


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
            call = api.wait_for("apps.connections.open", timeout=60)[0]
            assert call.token == "xapp-1-test"
        finally:
            proc.kill()
            proc.wait(timeout=10)
