"""Calls to Slack over HTTPS: one TLS context per process, trusting the CA of SLACK_CA_FILE.

Without a shared context http.client builds one and loads the whole CA bundle for every
connection (~19 ms of CPU per Web API call, issue 9). The server here is a local HTTPS
endpoint with a certificate made for the test by benchmarks/tls.py."""

from __future__ import annotations

import json
import shutil
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.error import URLError

import pytest

from benchmarks.tls import Certificates, make_certificates
from bot.app import web_client
from bot.settings import Settings
from flows.storage.base import SessionStore
from tests.bot.slack_env import SECRET, running_bot
from tests.slack_mock import MockSlackApi

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


@dataclass
class HttpsSlack:
    url: str
    certs: Certificates
    posts: list[tuple[str, bytes]] = field(default_factory=list)

    def wait_post(self, prefix: str, timeout: float = 10.0) -> bytes:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for path, body in self.posts:
                if path.startswith(prefix):
                    return body
            time.sleep(0.01)
        raise AssertionError(f"no POST to {prefix} within {timeout} s: {self.posts}")


@pytest.fixture
def https_slack(tmp_path: Path) -> Iterator[HttpsSlack]:
    certs = make_certificates(tmp_path / "tls")
    posts: list[tuple[str, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            posts.append((self.path, self.rfile.read(int(self.headers["Content-Length"] or 0))))
            answer = b"ok" if self.path.startswith("/hooks/") else b'{"ok": true, "ts": "1.2"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = certs.server_context().wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield HttpsSlack(f"https://127.0.0.1:{server.server_address[1]}", certs, posts)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def client_contexts(monkeypatch: pytest.MonkeyPatch) -> list[ssl.SSLContext]:
    """The SSLContext of every client-side TLS connection opened during the test."""
    seen: list[ssl.SSLContext] = []
    wrap = ssl.SSLContext.wrap_socket

    def spy(self: ssl.SSLContext, *args: Any, **kwargs: Any) -> ssl.SSLSocket:
        if not kwargs.get("server_side"):
            seen.append(self)
        return wrap(self, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "wrap_socket", spy)
    return seen


def _settings(api_url: str, ca: Path) -> Settings:
    return Settings(
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SECRET,
        slack_api_url=f"{api_url}/api/",
        slack_ca_file=ca,
    )


def test_web_api_calls_share_one_tls_context_and_read_the_ca_once(
    https_slack: HttpsSlack,
    client_contexts: list[ssl.SSLContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loads: list[object] = []
    load = ssl.SSLContext.load_verify_locations

    def counting(self: ssl.SSLContext, *args: Any, **kwargs: Any) -> None:
        loads.append(args[0] if args else kwargs.get("cafile"))
        load(self, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counting)
    # A context built per connection would trust the CA too (OpenSSL reads SSL_CERT_FILE):
    # what fails then is the reuse, not the trust.
    monkeypatch.setenv("SSL_CERT_FILE", str(https_slack.certs.ca))
    settings = _settings(https_slack.url, https_slack.certs.ca)
    first, second = web_client(settings), web_client(settings)  # the app's and the floor's
    assert first.auth_test()["ok"]
    first.chat_postMessage(channel="D1", text="one")
    second.chat_update(channel="D1", ts="1.2", text="two")
    assert [path for path, _ in https_slack.posts] == [
        "/api/auth.test",
        "/api/chat.postMessage",
        "/api/chat.update",
    ]
    assert len(client_contexts) == 3, "one TLS connection per call"
    assert len({id(c) for c in client_contexts}) == 1, "every call used the same context"
    assert loads == [https_slack.certs.ca], "the CA file was read once, not per call"


def test_a_call_to_a_server_the_ca_file_does_not_vouch_for_is_refused(
    https_slack: HttpsSlack, tmp_path: Path
) -> None:
    other = make_certificates(tmp_path / "other")
    client = web_client(_settings(https_slack.url, other.ca))
    client.retry_handlers = []  # the verdict of the first attempt, without the retries
    with pytest.raises(URLError) as refused:
        client.auth_test()
    assert isinstance(refused.value.reason, ssl.SSLCertVerificationError)
    assert https_slack.posts == []


def test_respond_to_a_response_url_uses_the_clients_tls_context(
    https_slack: HttpsSlack,
    client_contexts: list[ssl.SSLContext],
    redis_store: SessionStore,
    redis_url: str,
) -> None:
    """Bolt builds `respond` with `ssl=client.ssl` (slack_bolt/context/context.py): the
    response_url of a slash command is called over the same context, trusting the same CA."""
    with (
        MockSlackApi() as api,
        running_bot(api, redis_store, redis_url, slack_ca_file=https_slack.certs.ca) as bot,
    ):
        hook = f"{https_slack.url}/hooks/commands/T0001/1/abc"
        assert bot.slack.slash("UNOBODY", "roster", response_url=hook).status == 200
        body = json.loads(https_slack.wait_post("/hooks/"))
        assert "管理者のみ" in body["text"]
        assert bot.ctx is not None
        assert client_contexts, "the response_url was called over TLS"
        assert all(c is bot.ctx.client.ssl for c in client_contexts)
